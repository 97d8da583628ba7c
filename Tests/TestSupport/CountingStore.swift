import Strata
import Synchronization

/// Wraps a store and counts the bytes and calls of ranged reads, so tests can show that a
/// reader touched only what it needed.
public final class CountingStore: ObjectStore {
    /// The store that holds the bytes.
    public let base: any ObjectStore
    /// Guards the counters.
    private let counters = Mutex<(reads: Int, bytes: Int)>((0, 0))

    /// Wraps `base`.
    public init(wrapping base: any ObjectStore) { self.base = base }

    /// Ranged reads so far and the bytes they returned.
    public var reads: (count: Int, bytes: Int) { counters.withLock { ($0.reads, $0.bytes) } }

    /// Sets the counters to zero.
    public func reset() { counters.withLock { $0 = (0, 0) } }

    fileprivate func count(_ bytes: Int) { counters.withLock { $0.reads += 1; $0.bytes += bytes } }

    public func read(_ path: String, range: Range<UInt64>) async throws(StrataError) -> [UInt8] {
        let bytes = try await base.read(path, range: range)
        count(bytes.count)
        return bytes
    }

    public func openForReading(_ path: String) async throws(StrataError) -> any ObjectReadHandle {
        CountingHandle(inner: try await base.openForReading(path), store: self)
    }

    public func size(of path: String) async throws(StrataError) -> UInt64 { try await base.size(of: path) }
    public func write(_ path: String, bytes: [UInt8]) async throws(StrataError) { try await base.write(path, bytes: bytes) }
    public func putIfAbsent(_ path: String, bytes: [UInt8]) async throws(StrataError) { try await base.putIfAbsent(path, bytes: bytes) }
    public func makeWriter(_ path: String) async throws(StrataError) -> any ObjectWriter { try await base.makeWriter(path) }
    public func list(prefix: String) async throws(StrataError) -> [ObjectInfo] { try await base.list(prefix: prefix) }
    public func delete(_ path: String) async throws(StrataError) { try await base.delete(path) }
}

private struct CountingHandle: ObjectReadHandle {
    let inner: any ObjectReadHandle
    let store: CountingStore
    var path: String { inner.path }
    var size: UInt64 { inner.size }

    func read(_ range: Range<UInt64>) async throws(StrataError) -> [UInt8] {
        let bytes = try await inner.read(range)
        store.count(bytes.count)
        return bytes
    }
}

/// Writes `batches` to `path` in `store` and opens the result.
public func writeFile(_ batches: [RecordBatch], schema: Schema, to store: any ObjectStore, path: String = "file.strata",
                      options: FileWriterOptions = FileWriterOptions()) async throws -> FileReader {
    let writer = try await FileWriter(store: store, path: path, schema: schema, options: options)
    for batch in batches { try await writer.write(batch) }
    _ = try await writer.finish()
    return try await FileReader.open(store: store, path: path)
}
