import StrataCore
import Synchronization

/// Wraps a store and injects the failures that storage really produces, so tests can show
/// that every layer above survives them: a write that fails, a write torn part-way (as a
/// store without atomic publication leaves it after a crash), bits flipped on read, a full disk.
///
/// Writes are numbered from 1 in the order they complete or fail: each `write`,
/// `putIfAbsent` and writer `finish()` is one write.
public final class FaultInjectingStore: ObjectStore {
    /// A failure to inject.
    public enum Fault: Sendable, Hashable {
        /// Write number `n` throws `.io` and stores nothing.
        case failWrite(n: Int)
        /// Write number `n` stores only its first `keepBytes` bytes, then throws `.io`, as a
        /// crash in the middle of a non-atomic write would.
        case tearWrite(n: Int, keepBytes: Int)
        /// Every read of an object whose path contains `pathContaining` returns its bytes with
        /// bit `bit` of absolute byte `offset` flipped (when the read covers that byte).
        case flipBitOnRead(pathContaining: String, offset: UInt64, bit: UInt8)
        /// Writes throw `.storageFull` once the bytes written through this store would exceed
        /// `capacityBytes`; nothing of the failing write is stored.
        case diskFull(capacityBytes: UInt64)
    }

    /// The store that holds the bytes.
    public let base: any ObjectStore

    /// Guards the fault list and the write counters.
    private let state: Mutex<(faults: [Fault], writes: Int, bytesWritten: UInt64)>

    /// Wraps `base` with `faults` active.
    public init(wrapping base: any ObjectStore, faults: [Fault] = []) {
        self.base = base
        self.state = Mutex((faults, 0, 0))
    }

    /// Replaces the active faults (the write counter keeps counting).
    public func setFaults(_ faults: [Fault]) {
        state.withLock { $0.faults = faults }
    }

    /// Writes attempted so far.
    public var writeCount: Int { state.withLock { $0.writes } }

    public func read(_ path: String, range: Range<UInt64>) async throws(StrataError) -> [UInt8] {
        applyReadFaults(path: path, start: range.lowerBound, bytes: try await base.read(path, range: range))
    }

    public func openForReading(_ path: String) async throws(StrataError) -> any ObjectReadHandle {
        FaultReadHandle(inner: try await base.openForReading(path), store: self)
    }

    public func size(of path: String) async throws(StrataError) -> UInt64 {
        try await base.size(of: path)
    }

    public func write(_ path: String, bytes: [UInt8]) async throws(StrataError) {
        try await performWrite(path, bytes) { (stored) throws(StrataError) in try await base.write(path, bytes: stored) }
    }

    public func putIfAbsent(_ path: String, bytes: [UInt8]) async throws(StrataError) {
        try await performWrite(path, bytes) { (stored) throws(StrataError) in try await base.putIfAbsent(path, bytes: stored) }
    }

    public func makeWriter(_ path: String) async throws(StrataError) -> any ObjectWriter {
        try validateObjectPath(path)
        return BufferingObjectWriter { (bytes) throws(StrataError) in try await self.write(path, bytes: bytes) }
    }

    public func list(prefix: String) async throws(StrataError) -> [ObjectInfo] {
        try await base.list(prefix: prefix)
    }

    public func delete(_ path: String) async throws(StrataError) {
        try await base.delete(path)
    }

    /// Numbers the write, decides its fate from the faults, and stores what survives.
    private func performWrite(
        _ path: String, _ bytes: [UInt8], store: ([UInt8]) async throws(StrataError) -> Void
    ) async throws(StrataError) {
        enum Fate { case normal, fail, tear(Int), full }
        let fate = state.withLock { s -> Fate in
            s.writes += 1
            for fault in s.faults {
                switch fault {
                case let .failWrite(n) where n == s.writes: return .fail
                case let .tearWrite(n, keep) where n == s.writes: return .tear(keep)
                case let .diskFull(capacity) where s.bytesWritten + UInt64(bytes.count) > capacity: return .full
                default: continue
                }
            }
            s.bytesWritten += UInt64(bytes.count)
            return .normal
        }
        switch fate {
        case .normal:
            try await store(bytes)
        case .fail:
            throw .io(path: path, operation: "write", code: 5, message: "injected write failure")
        case let .tear(keep):
            try await store(Array(bytes.prefix(max(0, keep))))
            throw .io(path: path, operation: "write", code: 5, message: "injected torn write")
        case .full:
            throw .storageFull(path: path)
        }
    }

    fileprivate func applyReadFaults(path: String, start: UInt64, bytes: [UInt8]) -> [UInt8] {
        let faults = state.withLock { $0.faults }
        var result = bytes
        for case let .flipBitOnRead(fragment, offset, bit) in faults
        where path.contains(fragment) && offset >= start && offset < start + UInt64(bytes.count) {
            result[Int(offset - start)] ^= 1 << (bit & 7)
        }
        return result
    }
}

/// A read handle that passes reads through the store's read faults.
private struct FaultReadHandle: ObjectReadHandle {
    let inner: any ObjectReadHandle
    let store: FaultInjectingStore
    var path: String { inner.path }
    var size: UInt64 { inner.size }

    func read(_ range: Range<UInt64>) async throws(StrataError) -> [UInt8] {
        store.applyReadFaults(path: path, start: range.lowerBound, bytes: try await inner.read(range))
    }
}
