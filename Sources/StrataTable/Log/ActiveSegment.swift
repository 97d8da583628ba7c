import StrataCore
import Synchronization

/// A log segment being written, with its group-commit state (spec/table.md §9.3).
///
/// Appends write their record (in sequence order, under the owner's lock), then wait for an
/// fsync that covers their sequence number. The first waiter finding no fsync running runs
/// one for everything written so far; the others wait for it and return if it covered them.
/// So N concurrent appends cost about one fsync, not N. A failed fsync is final for the
/// segment: after it nothing written to the segment can be promised durable, so every later
/// wait throws the same error.
package final class ActiveSegment: Sendable {
    package let segment: any LogSegment

    private struct State {
        var written: UInt64 = 0
        var synced: UInt64 = 0
        var syncing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var lastSyncMicros: Int64 = 0
        var failure: StrataError?
    }

    /// Guards the counters and waiters above.
    private let state = Mutex(State())

    package init(_ segment: any LogSegment) {
        self.segment = segment
    }

    /// Records that everything up to `sequence` is written (not yet durable).
    package func noteWritten(_ sequence: UInt64) {
        state.withLock { $0.written = max($0.written, sequence) }
    }

    /// The highest sequence written.
    package var written: UInt64 { state.withLock { $0.written } }

    /// Microseconds since the last completed fsync.
    package var microsSinceSync: Int64 { Timestamp.now() - state.withLock { $0.lastSyncMicros } }

    /// Returns once an fsync covering `sequence` has completed.
    /// - Throws: the fsync's error, now or from an earlier failed fsync of this segment.
    package func waitDurable(_ sequence: UInt64) async throws(StrataError) {
        while true {
            enum Step { case done, failed(StrataError), wait, lead(UInt64) }
            let step: Step = state.withLock { s in
                if let failure = s.failure { return .failed(failure) }
                if s.synced >= sequence { return .done }
                if s.syncing { return .wait }
                s.syncing = true
                return .lead(s.written)
            }
            switch step {
            case .done:
                return
            case let .failed(error):
                throw error
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s in
                        if !s.syncing || s.synced >= sequence || s.failure != nil { return true }
                        s.waiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            case let .lead(target):
                var failure: StrataError?
                do { try segment.sync() } catch { failure = error }
                let waiters = state.withLock { s in
                    if let failure { s.failure = failure } else { s.synced = max(s.synced, target) }
                    s.syncing = false
                    s.lastSyncMicros = Timestamp.now()
                    defer { s.waiters.removeAll() }
                    return s.waiters
                }
                for waiter in waiters { waiter.resume() }
                if let failure { throw failure }
            }
        }
    }
}
