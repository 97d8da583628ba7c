import Synchronization

/// Mutual exclusion across suspension points, for work that awaits while it holds the lock
/// (a flush writes files and commits). Waiters are resumed in arrival order.
package final class AsyncMutex: Sendable {
    /// Guards whether the lock is held and who waits for it.
    private let state = Mutex<(held: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    package init() {}

    /// Waits until the lock is free and takes it.
    package func lock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { s in
                if s.held {
                    s.waiters.append(continuation)
                    return false
                }
                s.held = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    /// Releases the lock, handing it to the longest waiter, if any.
    package func unlock() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.waiters.isEmpty else {
                s.held = false
                return nil
            }
            return s.waiters.removeFirst()  // the lock passes on, still held
        }
        next?.resume()
    }
}
