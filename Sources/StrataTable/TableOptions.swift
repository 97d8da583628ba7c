import StrataFormat

/// How a table writes: fragment size, the data files' settings, small-write logging.
public struct TableOptions: Sendable {
    /// Rows per fragment before a large append starts a new one.
    public var maxRowsPerFragment = 1 << 20
    /// Settings of every data file written.
    public var fileOptions = FileWriterOptions()
    /// When small appends reach the disk (see `Durability`).
    public var durability = Durability.sync
    /// Under `.group` durability, the longest time between log fsyncs, in seconds.
    public var groupCommitInterval = 0.010
    /// The in-memory table is flushed to a fragment once it holds this many rows…
    public var flushRows = 8_192
    /// …or this many bytes of column data…
    public var flushBytes = 8 << 20
    /// …or its oldest row is this many seconds old (checked on each small append and by a
    /// background timer).
    public var flushAgeSeconds: Double = 30
    /// After a flush, when more than this many fragments are smaller than `flushRows`, they
    /// are merged (wherever they are in the table). With `flushRows` this bounds the fragment
    /// count of any sequence of small appends to ⌊rows / flushRows⌋ + `maxSmallFragments`
    /// (spec/table.md §9.6).
    public var maxSmallFragments = 16

    /// The default settings.
    public init() {}
}

/// When an acknowledged small append is safe (spec/table.md §9.3).
public enum Durability: String, Sendable, Hashable, CaseIterable {
    /// Each append returns after an fsync that covers it; concurrent appends share one fsync
    /// (group commit). Survives power loss.
    case sync
    /// Appends return once written to the operating system (or, when the last fsync is
    /// older than `groupCommitInterval`, after one); a background fsync follows within that
    /// interval, and flushes fsync too. Survives a crash of the process; power loss may take
    /// the last interval.
    case group
    /// Appends never wait for an fsync (only segment creation and flushes do), and tables
    /// opened by directory skip fsync for their data files and manifests too. Survives a
    /// crash of the process only.
    case none
}
