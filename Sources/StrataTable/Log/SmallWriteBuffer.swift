import Foundation
import StrataCore
import Synchronization

/// The small-write path of one table handle: the write-ahead-log segment it owns and the
/// in-memory table of rows logged but not yet flushed into a fragment (spec/table.md §9).
package final class SmallWriteBuffer: Sendable {
    /// Rows handed to a flush: they stay visible until a manifest records them as folded,
    /// and a flush that failed is retried by the next one.
    package struct Sealed: Sendable {
        package var active: ActiveSegment
        package var lastSequence: UInt64
        package var batches: [RecordBatch]
    }

    private struct State {
        var current: ActiveSegment?
        var nextSequence: UInt64 = 1
        /// The in-memory table: rows of the current segment.
        var batches: [RecordBatch] = []
        var rows = 0
        var bytes = 0
        var oldestMicros: Int64 = 0
        /// Segments sealed for a flush and not yet known to be committed, oldest first.
        var sealed: [Sealed] = []
        /// The schema of the current segment's records.
        var schema: Schema?
        /// Whether a background fsync (group durability) or age check is scheduled.
        var syncScheduled = false
        var ageCheckScheduled = false
    }

    private let storage: any WriteAheadLogStorage
    private let options: TableOptions
    /// Guards everything in `State`; segment writes happen under it, so records land in
    /// sequence order.
    private let state = Mutex(State())
    /// Serializes flushes: "flush first" must mean that every row logged before it is folded.
    package let flushLock = AsyncMutex()

    /// The largest batch one record may hold, in bytes of column data (`bytes(of:)`).
    package static let maxRecordBytes = 1 << 30

    /// The bytes a batch counts for in `flushBytes` and `maxRecordBytes`: value bytes plus
    /// 8 per offset.
    package static func bytes(of batch: RecordBatch) -> Int {
        batch.columns.reduce(0) { $0 + $1.values.count + $1.offsets.count * 8 }
    }

    package init(storage: any WriteAheadLogStorage, options: TableOptions) {
        self.storage = storage
        self.options = options
    }

    /// Logs `batch` (already aligned to `schema`) and adds it to the in-memory table; returns
    /// once it is as durable as `options.durability` promises.
    /// - Precondition: the batch is at most `maxRecordBytes` (the caller checks).
    /// - Throws: `.invalidInput` when the schema changed since the segment began (the
    ///   caller flushes and retries); a failed
    ///   write, after which nothing of the batch is logged or visible; a failed fsync, after
    ///   which the rows are logged and visible but not known durable until the next flush
    ///   folds them into a fragment.
    package func append(_ batch: RecordBatch, schema: Schema) async throws(StrataError) {
        let size = Self.bytes(of: batch)
        precondition(size <= Self.maxRecordBytes, "a log record holds at most maxRecordBytes")
        let (active, sequence) = try state.withLock { (s) throws(StrataError) -> (ActiveSegment, UInt64) in
            if s.current != nil, s.schema != schema {
                throw .invalidInput(what: "small append", why: "the table's schema changed; flush before appending")
            }
            if s.current == nil {
                let segment = try storage.create(UUID().uuidString.lowercased() + ".wal", header: LogCoding.header(schema: schema))
                s.current = ActiveSegment(segment)
                s.schema = schema
                s.nextSequence = 1
            }
            let active = s.current!
            let sequence = s.nextSequence
            try active.segment.append(LogCoding.record(sequence: sequence, batch: batch))
            active.noteWritten(sequence)
            s.nextSequence += 1
            if s.rows == 0 { s.oldestMicros = Timestamp.now() }
            s.batches.append(batch)
            s.rows += batch.rowCount
            s.bytes += size
            return (active, sequence)
        }
        switch options.durability {
        case .sync:
            try await active.waitDurable(sequence)
        case .group:
            if active.microsSinceSync >= Int64(options.groupCommitInterval * 1_000_000) {
                try await active.waitDurable(sequence)
            } else {
                scheduleGroupSync(active)
            }
        case .none:
            break
        }
    }

    /// Makes sure an fsync of `active` runs within `groupCommitInterval`, even if no append follows.
    private func scheduleGroupSync(_ active: ActiveSegment) {
        let schedule = state.withLock { s in
            defer { s.syncScheduled = true }
            return !s.syncScheduled
        }
        guard schedule else { return }
        let interval = UInt64(options.groupCommitInterval * 1_000_000_000)
        Task { [weak self] in
            try? await Task.sleep(nanoseconds: interval)
            // The segment may have been sealed meanwhile: sync it and the one now current.
            let current = self?.state.withLock { s in
                s.syncScheduled = false
                return s.current
            }
            // A failure is kept by the segment and thrown to the next append that waits.
            try? await active.waitDurable(active.written)
            if let current, current !== active { try? await current.waitDurable(current.written) }
        }
    }

    /// Claims the one pending age check; false when one is already scheduled.
    package func claimAgeCheck() -> Bool {
        state.withLock { s in
            defer { s.ageCheckScheduled = true }
            return !s.ageCheckScheduled
        }
    }

    /// Releases the age check claimed by `claimAgeCheck`.
    package func releaseAgeCheck() {
        state.withLock { $0.ageCheckScheduled = false }
    }

    /// Whether the in-memory table should be flushed now.
    package var flushDue: Bool {
        state.withLock { s in
            s.rows > 0 && (s.rows >= options.flushRows || s.bytes >= options.flushBytes
                || Double(Timestamp.now() - s.oldestMicros) >= options.flushAgeSeconds * 1_000_000)
        }
    }

    /// Whether the in-memory table holds rows.
    package var hasPendingRows: Bool { state.withLock { $0.rows > 0 } }

    /// The rows this process has logged and that `manifest` does not yet hold.
    package func pendingBatches(notIn manifest: Manifest) -> [RecordBatch] {
        state.withLock { s in
            s.sealed.filter { (manifest.walFlushed[$0.active.segment.name] ?? 0) < $0.lastSequence }.flatMap(\.batches) + s.batches
        }
    }

    /// The next rows to flush, durable in the log: a sealed segment whose flush failed
    /// before, else the current segment, sealed now (later appends start a new one). Nil
    /// when nothing is pending. Call with `flushLock` held.
    package func nextToFlush() async throws(StrataError) -> Sealed? {
        let next: Sealed? = state.withLock { s in
            if let retry = s.sealed.first { return retry }
            guard let active = s.current, s.rows > 0 else { return nil }
            let sealed = Sealed(active: active, lastSequence: active.written, batches: s.batches)
            s.sealed.append(sealed)
            s.current = nil
            s.batches = []
            s.rows = 0
            s.bytes = 0
            return sealed
        }
        guard let next else { return nil }
        // The log should hold the rows durably before the flush, in case the fragment's commit
        // is lost. If the log's fsync failed, the rows are folded from memory all the same:
        // the fragment and manifest are written durably on their own, and after the commit
        // the unreliable segment is gone.
        try? await next.active.waitDurable(next.lastSequence)
        return next
    }

    /// Ends a successful flush: the rows are in a committed fragment, so the segment goes.
    package func flushed(_ sealed: Sealed) {
        state.withLock { s in s.sealed.removeAll { $0.active.segment.name == sealed.active.segment.name } }
        // A segment left behind by a failed removal is replayed as already folded.
        try? sealed.active.segment.remove()
    }

    /// The name of the segment being written, if any.
    package var currentSegmentName: String? { state.withLock { $0.current?.segment.name } }

    /// The storage, for replay.
    package var logStorage: any WriteAheadLogStorage { storage }
}
