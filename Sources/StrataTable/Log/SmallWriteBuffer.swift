import Foundation
import StrataCore
import Synchronization

/// The small-write path of one table handle: the write-ahead-log segment it owns and the
/// in-memory table of rows logged but not yet flushed into a fragment (spec/table.md §8).
///
/// Group commit: appends write their record under the lock, in sequence order, then wait for
/// an fsync that covers their sequence number. The first waiter finding no fsync running
/// runs one for everything written so far; the others wait for it and return if it covered
/// them. So N concurrent appends cost about one fsync, not N.
package final class SmallWriteBuffer: Sendable {
    /// Rows handed to a flush: they stay visible until a manifest records them as folded.
    package struct Sealed: Sendable {
        package var segment: any LogSegment
        package var lastSequence: UInt64
        package var batches: [RecordBatch]
    }

    private struct State {
        var segment: (any LogSegment)?
        var nextSequence: UInt64 = 1
        /// Highest sequence written to the segment / made durable.
        var written: UInt64 = 0
        var synced: UInt64 = 0
        var syncing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var lastSyncMicros: Int64 = 0
        /// The in-memory table: rows of the current segment.
        var batches: [RecordBatch] = []
        var rows = 0
        var bytes = 0
        var oldestMicros: Int64 = 0
        /// Segments handed to a flush and not yet known to be committed.
        var sealed: [Sealed] = []
        /// The sequence numbers' schema: a segment's records all have one schema.
        var schema: Schema?
        var flushing = false
        /// Whether a background fsync (group durability) or age check is scheduled.
        var syncScheduled = false
        var ageCheckScheduled = false
    }

    private let storage: any WriteAheadLogStorage
    private let options: TableOptions
    /// Guards everything above: segment writes happen under it, so records land in order.
    private let state = Mutex(State())

    package init(storage: any WriteAheadLogStorage, options: TableOptions) {
        self.storage = storage
        self.options = options
    }

    /// Logs `batch` (already aligned to `schema`) and adds it to the in-memory table; returns
    /// once it is as durable as `options.durability` promises.
    package func append(_ batch: RecordBatch, schema: Schema) async throws(StrataError) {
        let sequence: UInt64 = try state.withLock { (s) throws(StrataError) -> UInt64 in
            if s.segment != nil, s.schema != schema {
                // A schema change seals the segment's rows first; callers flush before altering.
                throw .invalidInput(what: "small append", why: "the table's schema changed; flush before appending")
            }
            if s.segment == nil {
                let segment = try storage.create(UUID().uuidString.lowercased() + ".wal", header: LogCoding.header(schema: schema))
                s.segment = segment
                s.schema = schema
                s.nextSequence = 1
                s.written = 0
                s.synced = 0
            }
            let sequence = s.nextSequence
            try s.segment!.append(LogCoding.record(sequence: sequence, batch: batch))
            s.nextSequence += 1
            s.written = sequence
            if s.rows == 0 { s.oldestMicros = CommitCoordinator.nowMicros() }
            s.batches.append(batch)
            s.rows += batch.rowCount
            s.bytes += batch.columns.reduce(0) { $0 + $1.values.count + $1.offsets.count * 8 }
            return sequence
        }
        switch options.durability {
        case .sync:
            try await waitDurable(sequence)
        case .group:
            let due = state.withLock { CommitCoordinator.nowMicros() - $0.lastSyncMicros >= Int64(options.groupCommitInterval * 1_000_000) }
            if due { try await waitDurable(sequence) } else { scheduleGroupSync() }
        case .none:
            break
        }
    }

    /// Makes sure an fsync runs within `groupCommitInterval`, even if no append follows.
    private func scheduleGroupSync() {
        let schedule = state.withLock { s in
            defer { s.syncScheduled = true }
            return !s.syncScheduled
        }
        guard schedule else { return }
        let interval = UInt64(options.groupCommitInterval * 1_000_000_000)
        Task {
            try? await Task.sleep(nanoseconds: interval)
            let target = state.withLock { s in
                s.syncScheduled = false
                return s.written
            }
            // A failure here surfaces at the next append's or flush's own fsync.
            try? await waitDurable(target)
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

    /// Returns once an fsync covering `sequence` of the current segment has completed.
    package func waitDurable(_ sequence: UInt64) async throws(StrataError) {
        while true {
            enum Step { case done, wait, lead(any LogSegment, UInt64) }
            let step: Step = state.withLock { s in
                guard let segment = s.segment, s.synced < sequence else { return .done }
                if s.syncing { return .wait }
                s.syncing = true
                return .lead(segment, s.written)
            }
            switch step {
            case .done:
                return
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s in
                        if !s.syncing || s.synced >= sequence { return true }
                        s.waiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            case let .lead(segment, target):
                var failure: StrataError?
                do { try segment.sync() } catch { failure = error }
                let waiters = state.withLock { s in
                    if failure == nil, s.segment?.name == segment.name { s.synced = max(s.synced, target) }
                    s.syncing = false
                    s.lastSyncMicros = CommitCoordinator.nowMicros()
                    defer { s.waiters.removeAll() }
                    return s.waiters
                }
                for waiter in waiters { waiter.resume() }
                if let failure { throw failure }
            }
        }
    }

    /// Whether the in-memory table should be flushed now.
    package var flushDue: Bool {
        state.withLock { s in
            s.rows > 0 && (s.rows >= options.flushRows || s.bytes >= options.flushBytes
                || Double(CommitCoordinator.nowMicros() - s.oldestMicros) >= options.flushAgeSeconds * 1_000_000)
        }
    }

    /// Whether the in-memory table holds rows.
    package var hasPendingRows: Bool { state.withLock { $0.rows > 0 } }

    /// The rows this process has logged and that `manifest` does not yet hold.
    package func pendingBatches(notIn manifest: Manifest) -> [RecordBatch] {
        state.withLock { s in
            s.sealed.filter { (manifest.walFlushed[$0.segment.name] ?? 0) < $0.lastSequence }.flatMap(\.batches) + s.batches
        }
    }

    /// Seals the current segment for a flush: later appends start a new segment. Returns nil
    /// when there is nothing to flush or another flush is running.
    package func seal() async throws(StrataError) -> Sealed? {
        let sealed: Sealed? = state.withLock { s in
            guard !s.flushing, let segment = s.segment, s.rows > 0 else { return nil }
            s.flushing = true
            let sealed = Sealed(segment: segment, lastSequence: s.written, batches: s.batches)
            s.sealed.append(sealed)
            s.segment = nil
            s.batches = []
            s.rows = 0
            s.bytes = 0
            return sealed
        }
        guard let sealed else { return nil }
        // The flush publishes the rows in a fragment; the log must hold them durably first
        // in case the fragment's commit is lost.
        do { try sealed.segment.sync() } catch { finishFlush(sealed, committed: false); throw error }
        return sealed
    }

    /// Ends a flush: on success the segment is deleted; on failure its rows stay visible and
    /// in the log, to be replayed by the next open.
    package func finishFlush(_ sealed: Sealed, committed: Bool) {
        state.withLock { s in
            s.flushing = false
            if committed { s.sealed.removeAll { $0.segment.name == sealed.segment.name } }
        }
        if committed { try? sealed.segment.remove() }
    }

    /// The name of the segment being written, if any.
    package var currentSegmentName: String? { state.withLock { $0.segment?.name } }

    /// The storage, for replay.
    package var logStorage: any WriteAheadLogStorage { storage }
}
