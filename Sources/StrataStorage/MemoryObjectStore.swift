import StrataCore
import Synchronization

/// An object store held in memory: for tests, and for data that need not outlive the process.
public final class MemoryObjectStore: ObjectStore {
    /// Guards the object map; every operation is one critical section, so each is atomic.
    private let objects = Mutex<[String: [UInt8]]>([:])

    /// Creates an empty store.
    public init() {}

    public func read(_ path: String, range: Range<UInt64>) async throws(StrataError) -> [UInt8] {
        try await openForReading(path).read(range)
    }

    public func openForReading(_ path: String) async throws(StrataError) -> any ObjectReadHandle {
        try validateObjectPath(path)
        guard let bytes = objects.withLock({ $0[path] }) else { throw .notFound(path: path) }
        return MemoryReadHandle(path: path, bytes: bytes)
    }

    public func size(of path: String) async throws(StrataError) -> UInt64 {
        try validateObjectPath(path)
        guard let bytes = objects.withLock({ $0[path] }) else { throw .notFound(path: path) }
        return UInt64(bytes.count)
    }

    public func write(_ path: String, bytes: [UInt8]) async throws(StrataError) {
        try validateObjectPath(path)
        objects.withLock { $0[path] = bytes }
    }

    public func putIfAbsent(_ path: String, bytes: [UInt8]) async throws(StrataError) {
        try validateObjectPath(path)
        let inserted = objects.withLock { map -> Bool in
            if map[path] != nil { return false }
            map[path] = bytes
            return true
        }
        if !inserted { throw .alreadyExists(path: path) }
    }

    public func makeWriter(_ path: String) async throws(StrataError) -> any ObjectWriter {
        try validateObjectPath(path)
        return BufferingObjectWriter { bytes throws(StrataError) in try await self.write(path, bytes: bytes) }
    }

    public func list(prefix: String) async throws(StrataError) -> [ObjectInfo] {
        objects.withLock { map in
            map.filter { $0.key.hasPrefix(prefix) }.map { ObjectInfo(path: $0.key, size: UInt64($0.value.count)) }
        }.sorted { $0.path < $1.path }
    }

    public func delete(_ path: String) async throws(StrataError) {
        try validateObjectPath(path)
        guard objects.withLock({ $0.removeValue(forKey: path) }) != nil else { throw .notFound(path: path) }
    }
}

/// A read handle over bytes already in memory.
struct MemoryReadHandle: ObjectReadHandle {
    let path: String
    let bytes: [UInt8]
    var size: UInt64 { UInt64(bytes.count) }

    func read(_ range: Range<UInt64>) async throws(StrataError) -> [UInt8] {
        try validateReadRange(range, size: size, path: path)
        return Array(bytes[Int(range.lowerBound)..<Int(range.upperBound)])
    }
}

/// A writer that collects appended bytes and hands them to `publish` on `finish()`: for
/// stores whose only write primitive is a whole-object write.
final class BufferingObjectWriter: ObjectWriter {
    /// Guards the collected bytes and whether the writer has ended.
    private let state = Mutex<(bytes: [UInt8], ended: Bool)>(([], false))
    private let publish: @Sendable ([UInt8]) async throws(StrataError) -> Void

    init(publish: @escaping @Sendable ([UInt8]) async throws(StrataError) -> Void) {
        self.publish = publish
    }

    var bytesWritten: UInt64 { state.withLock { UInt64($0.bytes.count) } }

    func append(_ bytes: [UInt8]) async throws(StrataError) {
        try state.withLock { (s) throws(StrataError) in
            guard !s.ended else { throw .invalidInput(what: "object writer", why: "already finished or aborted") }
            s.bytes.append(contentsOf: bytes)
        }
    }

    func finish() async throws(StrataError) {
        let bytes = try state.withLock { (s) throws(StrataError) -> [UInt8] in
            guard !s.ended else { throw .invalidInput(what: "object writer", why: "already finished or aborted") }
            s.ended = true
            return s.bytes
        }
        try await publish(bytes)
    }

    func abort() async {
        state.withLock { $0 = ([], true) }
    }
}
