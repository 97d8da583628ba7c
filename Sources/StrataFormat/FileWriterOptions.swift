import StrataCore

/// Settings of a `FileWriter`. The defaults suit most data; the overrides exist for tests,
/// benchmarks and data whose shape the heuristics misjudge.
public struct FileWriterOptions: Sendable {
    /// Target body size of a page of fixed-width values (integers, floats, bools, vectors).
    /// Larger pages scan faster; take reads only blocks of them, so size does not slow it.
    public var fixedPageBytes = 1 << 20
    /// Target body size of a page of variable-width values (string, binary, json). These pages
    /// are compressed, so `take` decompresses a whole page: smaller pages take faster,
    /// larger pages compress better. At 64 KiB the SQuAD passages take one row in ~110 µs and
    /// the file stays smaller than Parquet-with-zstd's; 128 KiB saves 2.5% of bytes at
    /// 1.6× the take latency.
    public var variablePageBytes = 64 << 10
    /// The most rows in one page (at most `FileLayout.maxRowsPerPage`).
    public var maxRowsPerPage = 1 << 20
    /// Forces an encoding for the named columns instead of choosing from the data.
    public var encodings: [String: PageEncoding] = [:]
    /// Forces a codec for every page (nil: `.zstd` for variable-width pages when it saves bytes,
    /// `.none` for the rest, keeping them readable by byte range).
    public var codec: PageCodec?
    /// Forces a codec for the named columns (wins over `codec`).
    public var codecs: [String: PageCodec] = [:]
    /// Zstandard compression level (1…19). Level 3, zstd's own default, compresses the SQuAD
    /// passages 2.62× at ~210 MB/s; level 9 gains 6% in size at a quarter of the speed.
    public var zstdLevel: Int32 = 3
    /// Block size of the checksums that let `take` verify a ranged read of an uncompressed page.
    public var checksumBlockBytes = 4096
    /// File-level key/value metadata.
    public var metadata: [String: String] = [:]

    /// The largest page size target: with offsets and validity a page body stays far below
    /// `FileLayout.maxPageBodyBytes` even when one value overshoots the target.
    public static let maxPageBytes = 64 << 20

    /// The default settings.
    public init() {}

    /// Checks the settings against `schema`.
    /// - Throws: `.invalidInput` for an unknown column, an encoding that cannot store the
    ///   column's type, or a size outside its range.
    func validate(for schema: Schema) throws(StrataError) {
        for (name, encoding) in encodings {
            guard let field = schema[name] else { throw .invalidInput(what: "encoding for '\(name)'", why: "no such column") }
            guard encoding.supports(field.type) else {
                throw .invalidInput(what: "encoding \(encoding.rawValue) for '\(name)'", why: "cannot store \(field.type)")
            }
        }
        for name in codecs.keys where schema[name] == nil {
            throw .invalidInput(what: "codec for '\(name)'", why: "no such column")
        }
        guard (1...FileWriterOptions.maxPageBytes).contains(fixedPageBytes), (1...FileWriterOptions.maxPageBytes).contains(variablePageBytes) else {
            throw .invalidInput(what: "page size", why: "must be in 1…\(FileWriterOptions.maxPageBytes) bytes")
        }
        guard (1...FileLayout.maxRowsPerPage).contains(maxRowsPerPage) else {
            throw .invalidInput(what: "maxRowsPerPage \(maxRowsPerPage)", why: "must be in 1…\(FileLayout.maxRowsPerPage)")
        }
        guard (1...19).contains(zstdLevel) else { throw .invalidInput(what: "zstd level \(zstdLevel)", why: "must be in 1…19") }
        guard (512...(1 << 20)).contains(checksumBlockBytes) else {
            throw .invalidInput(what: "checksum block size \(checksumBlockBytes)", why: "must be in 512…1048576")
        }
    }
}
