import StrataCore
import StrataFormat
import StrataStorage
import Synchronization

/// A versioned table: immutable fragments of Strata data files, one manifest per version,
/// commits by put-if-absent (spec/table.md).
///
/// ```swift
/// let table = try await Table.create(store: store, root: "events", schema: schema)
/// try await table.append(batch)
/// let rows = try await table.snapshot().readAll()
/// ```
/// A `Table` is safe to share between tasks; any number of processes may open the same table
/// and write to it at once. Writes never block readers: a reader holds a `TableSnapshot` of
/// one version for as long as it likes.
public final class Table: Sendable {
    package let location: TableLocation
    /// The table's settings.
    public let options: TableOptions
    package let cache: BlockCache
    /// Vector indexes loaded by this table's snapshots, by file.
    package let loadedIndexes = IndexCache()
    package let coordinator: CommitCoordinator
    package let locator: VersionLocator
    /// Guards the newest manifest this handle has seen (never moves backwards).
    private let newest: Mutex<Manifest>
    /// The small-write path (log and in-memory table), when the store supports a log.
    package let smallWrites: SmallWriteBuffer?

    private init(location: TableLocation, options: TableOptions, manifest: Manifest, log: (any WriteAheadLogStorage)?) {
        self.location = location
        self.options = options
        self.cache = BlockCache(budget: 64 << 20)
        self.coordinator = CommitCoordinator(location: location)
        self.locator = VersionLocator(location)
        self.newest = Mutex(manifest)
        self.smallWrites = log.map { SmallWriteBuffer(storage: $0, options: options) }
    }

    /// Creates an empty table (version 1) under `root` in `store`.
    /// - Parameter log: where small appends are logged; nil commits each small append
    ///   directly. `Table.create(directory:)` logs next to the table.
    /// - Throws: `.alreadyExists` when a table is already there; `.invalidInput` for a bad
    ///   schema; storage errors.
    public static func create(store: any ObjectStore, root: String = "", schema: Schema, options: TableOptions = TableOptions(),
                              log: (any WriteAheadLogStorage)? = nil) async throws(StrataError) -> Table {
        try await create(TableLocation(store: store, root: root), schema: schema, options: options, log: log)
    }

    private static func create(_ location: TableLocation, schema: Schema, options: TableOptions,
                               log: (any WriteAheadLogStorage)?) async throws(StrataError) -> Table {
        let store = location.store
        // Version 1 may be gone (cleanup), so any manifest at all means a table is here.
        if let existing = try await location.list(TablePaths.versionsPrefix).first(where: { TablePaths.version(ofManifest: $0.path) != nil }) {
            throw .alreadyExists(path: location.object(existing.path))
        }
        for field in schema.fields where field.metadata[FieldDefaults.metadataKey] != nil {
            _ = try FieldDefaults.value(of: field)
        }
        var transaction = Transaction(readVersion: 0, operation: .create)
        transaction.detail = "create"
        let manifest = Manifest(
            version: 1, timestampMicros: Timestamp.now(), schema: schema, fragments: [],
            nextFragmentId: 0, nextFieldId: (schema.fields.map(\.id).max() ?? 0) + (schema.fields.isEmpty ? 0 : 1),
            transaction: transaction, metadata: [:], walFlushed: [:])
        try await store.putIfAbsent(location.object(TablePaths.manifest(1)), bytes: manifest.encoded())
        await VersionLocator(location).publishHint(1)
        return Table(location: location, options: options, manifest: manifest, log: log)
    }

    /// Opens the table under `root` in `store` at its latest version, replaying write-ahead
    /// log segments that no live process owns.
    /// - Throws: `.notFound` when there is no table; corruption and storage errors.
    public static func open(store: any ObjectStore, root: String = "", options: TableOptions = TableOptions(),
                            log: (any WriteAheadLogStorage)? = nil) async throws(StrataError) -> Table {
        try await open(TableLocation(store: store, root: root), options: options, log: log)
    }

    private static func open(_ location: TableLocation, options: TableOptions,
                             log: (any WriteAheadLogStorage)?) async throws(StrataError) -> Table {
        let locator = VersionLocator(location)
        let manifest = try await locator.newestManifest(atOrBelow: try await locator.latestVersion())
        let table = Table(location: location, options: options, manifest: manifest, log: log)
        if log != nil { try await table.replayOrphanedLogs() }
        return table
    }

    /// Creates a table in a local directory, with its write-ahead log beside the data.
    public static func create(directory: String, schema: Schema, options: TableOptions = TableOptions()) async throws(StrataError) -> Table {
        let store = try LocalFileStore(directory: directory, durable: options.durability != .none)
        return try await create(TableLocation(store: store, root: "", displayName: directory), schema: schema, options: options,
                                log: try LocalLogStorage(directory: directory + "/" + TablePaths.walPrefix))
    }

    /// Opens a table in a local directory, replaying its write-ahead log.
    public static func open(directory: String, options: TableOptions = TableOptions()) async throws(StrataError) -> Table {
        let store = try LocalFileStore(directory: directory, durable: options.durability != .none)
        return try await open(TableLocation(store: store, root: "", displayName: directory), options: options,
                              log: try LocalLogStorage(directory: directory + "/" + TablePaths.walPrefix))
    }

    // MARK: Versions

    /// The newest manifest this handle knows, refreshed from storage.
    /// - Complexity: O(log d) existence checks, d = versions committed since the last refresh.
    public func latestManifest() async throws(StrataError) -> Manifest {
        let known = newest.withLock { $0 }
        let latest = try await locator.latestVersion()
        guard latest > known.version else { return known }
        return remember(try await locator.newestManifest(atOrBelow: latest))
    }

    /// Records `manifest` as seen, unless a newer one already is; returns the newest.
    @discardableResult
    package func remember(_ manifest: Manifest) -> Manifest {
        newest.withLock { current in
            if manifest.version > current.version { current = manifest }
            return current
        }
    }

    /// A snapshot of the latest version, including this process's unflushed small appends.
    public func snapshot() async throws(StrataError) -> TableSnapshot {
        let manifest = try await latestManifest()
        let pending = smallWrites?.pendingBatches(notIn: manifest) ?? []
        return TableSnapshot(manifest: manifest, pendingRows: pending, location: location, cache: cache, loadedIndexes: loadedIndexes)
    }

    /// A snapshot of version `version`.
    /// - Throws: `.notFound` when the version does not exist or was cleaned up.
    public func snapshot(version: UInt64) async throws(StrataError) -> TableSnapshot {
        do {
            return TableSnapshot(manifest: try await locator.manifest(version), pendingRows: [], location: location, cache: cache, loadedIndexes: loadedIndexes)
        } catch .notFound {
            throw .notFound(path: "version \(version) of table \(location.displayName)")
        }
    }

    /// A snapshot of the version tagged `tag`.
    public func snapshot(tag: String) async throws(StrataError) -> TableSnapshot {
        try await snapshot(version: try await self.tag(tag).version)
    }

    /// A snapshot of the latest version committed at or before `micros` (Unix microseconds).
    /// - Throws: `.notFound` when no retained version is that old.
    /// - Complexity: lists the versions and reads O(log n) manifests.
    public func snapshot(asOf micros: Int64) async throws(StrataError) -> TableSnapshot {
        let versions = try await locator.listVersions()
        var low = 0
        var high = versions.count  // first index whose timestamp is after `micros`
        while low < high {
            let middle = (low + high) / 2
            if try await locator.manifest(versions[middle]).timestampMicros <= micros { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else {
            throw .notFound(path: location.object(TablePaths.versionsPrefix) + " (no version at or before \(Timestamp.format(micros) ?? String(micros)))")
        }
        return try await snapshot(version: versions[low - 1])
    }

    /// Every retained version's manifest, oldest first.
    public func versions() async throws(StrataError) -> [Manifest] {
        var result: [Manifest] = []
        for version in try await locator.listVersions() {
            do {
                result.append(try await locator.manifest(version))
            } catch .notFound {
                continue  // removed by a concurrent cleanup
            } catch let error where VersionLocator.isTorn(error) {
                continue  // an aborted commit
            }
        }
        return result
    }

    // MARK: Appends

    /// Appends `batch` as one or more new fragments in one commit. Concurrent appends never
    /// conflict: a commit that loses the race for its version rebases and tries the next.
    /// - Returns: the committed manifest.
    /// - Throws: `.invalidInput` when the batch's columns do not match the table's;
    ///   `.retriesExhausted`, storage errors.
    @discardableResult
    public func append(_ batch: RecordBatch) async throws(StrataError) -> Manifest {
        try await append([batch])
    }

    /// Appends `batches` in one commit.
    @discardableResult
    public func append(_ batches: [RecordBatch]) async throws(StrataError) -> Manifest {
        let base = try await latestManifest()
        let aligned = try batches.map { (batch) throws(StrataError) in try Self.align(batch, to: base.schema) }
        guard aligned.contains(where: { $0.rowCount > 0 }) else { return base }
        let written = try await FragmentWriter(location: location, options: options).write(aligned, schema: base.schema)
        // A cancelled append stops before its commit: nothing is written (the unreferenced
        // fragment goes at the next cleanup).
        try StrataError.checkCancellation()
        return try await commitAppend(written, base: base, walFlushed: [:])
    }

    /// Commits fragments already written as an append, recording log records it folds in
    /// (segment → highest sequence; a zero removes the segment's entry).
    package func commitAppend(_ written: [NewFragment], base: Manifest, walFlushed: [String: UInt64], operation: TableOperation = .append) async throws(StrataError) -> Manifest {
        var transaction = Transaction(readVersion: base.version, operation: operation)
        transaction.rowsAdded = written.reduce(0) { $0 + $1.rows }
        let record = transaction
        let change = PendingCommit(transaction: transaction, canRerun: false) { (current) throws(StrataError) -> Manifest in
            var next = current
            next.transaction = record
            next.addFragments(written)
            for (segment, sequence) in walFlushed {
                next.walFlushed[segment] = sequence == 0 ? nil : max(sequence, next.walFlushed[segment] ?? 0)
            }
            return next
        }
        return remember(try await coordinator.commitOnce(change, base: base))
    }

    /// `batch` with its columns in the table's order, checked by name and type. Columns the
    /// batch lacks must be nullable or have a default, and are filled with it.
    package static func align(_ batch: RecordBatch, to schema: Schema) throws(StrataError) -> RecordBatch {
        if batch.schema.fields.map(\.name) == schema.fields.map(\.name) {
            for (a, b) in zip(batch.schema.fields, schema.fields) where a.type != b.type {
                throw .invalidInput(what: "column '\(a.name)'", why: "is \(a.type), the table's column is \(b.type)")
            }
            return try RecordBatch(schema: schema, columns: batch.columns)
        }
        for field in batch.schema.fields where schema[field.name] == nil {
            throw .invalidInput(what: "column '\(field.name)'", why: "the table has no such column; its columns are \(schema.fields.map(\.name).joined(separator: ", "))")
        }
        var columns: [ColumnBuffer] = []
        for field in schema.fields {
            if let column = batch.column(named: field.name) {
                guard column.type == field.type else {
                    throw .invalidInput(what: "column '\(field.name)'", why: "is \(column.type), the table's column is \(field.type)")
                }
                columns.append(column)
            } else {
                let filled = try FieldDefaults.constantColumn(field, count: batch.rowCount)
                guard field.nullable || filled.nullCount == 0 else {
                    throw .invalidInput(what: "column '\(field.name)'", why: "is missing, and it is not nullable and has no default")
                }
                columns.append(filled)
            }
        }
        return try RecordBatch(schema: schema, columns: columns)
    }
}
