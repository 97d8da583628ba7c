import StrataCore

/// The background worker of one `ContextDatabase` handle (spec/context.md §8): it takes
/// the pending jobs that are due, oldest first, runs them, and records each outcome; when
/// nothing is due it re-indexes the tables written since, then sleeps until the next job
/// falls due, a new job is queued through this handle, or `pollInterval` passes (jobs
/// queued by another process). An actor: its state — the task, the sleeper, the waiters,
/// the running set — changes only on it.
actor JobRunner {
    /// How long the worker sleeps, at most, when nothing is due.
    static let pollIntervalMicros: Int64 = 2_000_000
    /// Jobs taken in one round.
    static let batchSize = 64

    private weak var context: ContextDatabase?
    private var task: Task<Void, Never>?
    private var stopped = false
    /// Set by `notify`: look at the queue again before sleeping.
    private var wakeRequested = false
    private var sleeper: CheckedContinuation<Void, Never>?
    /// Nothing is pending: `waitUntilIdle` returns at once.
    private var idle = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// The jobs being run now.
    private(set) var runningIDs: Set<String> = []

    /// Starts the worker for `context` (no-op when it runs).
    func start(_ context: ContextDatabase) {
        guard task == nil else { return }
        self.context = context
        stopped = false
        idle = false
        task = Task { await self.loop() }
    }

    /// A job was queued: look at the queue again.
    func notify() {
        idle = false
        wakeRequested = true
        sleeper?.resume()
        sleeper = nil
    }

    /// Returns once the worker finds no job pending.
    func waitUntilIdle() async {
        if idle && !wakeRequested { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Stops the worker after the job it runs; waiters are released.
    func stop() async {
        stopped = true
        notify()
        await task?.value
        task = nil
        releaseWaiters()
    }

    private func loop() async {
        while !stopped, let context {
            wakeRequested = false
            let worked: Bool
            do {
                worked = try await runRound(context)
            } catch {
                // The queue itself could not be read or written: try again after a pause.
                await sleep(micros: Self.pollIntervalMicros)
                continue
            }
            if worked || wakeRequested { continue }
            let next = try? await context.nextDue()
            if next == nil {
                try? await context.reindexWrittenTables()
                if wakeRequested { continue }
                idle = true
                releaseWaiters()
            }
            let now = Timestamp.now()
            let pause = next.map { max(0, min($0 - now, Self.pollIntervalMicros)) } ?? Self.pollIntervalMicros
            if pause > 0 { await sleep(micros: pause) }
        }
        releaseWaiters()
    }

    /// Runs the due jobs; false when none was due.
    private func runRound(_ context: ContextDatabase) async throws(StrataError) -> Bool {
        let due = try await context.dueJobs(limit: Self.batchSize)
        guard !due.isEmpty else { return false }
        // Ingest jobs of one kind run together (one write per table for the lot); the
        // others one at a time.
        var groups: [[QueuedJob]] = []
        for type in JobKind.batched {
            let same = due.filter { $0.type == type.rawValue }
            if !same.isEmpty { groups.append(same) }
        }
        groups += due.filter { JobKind(rawValue: $0.type).map { !JobKind.batched.contains($0) } ?? true }.map { [$0] }
        for group in groups where !stopped {
            runningIDs.formUnion(group.map(\.id))
            defer { runningIDs.subtract(group.map(\.id)) }
            do throws(StrataError) {
                try await context.run(group)
                try await context.finish(group.map(\.id))
            } catch {
                // Run one at a time, so one bad job fails alone.
                for job in group {
                    do throws(StrataError) {
                        if group.count > 1 { try await context.run([job]) } else { throw error }
                        try await context.finish([job.id])
                    } catch let failure {
                        try await context.fail(job, error: failure)
                    }
                }
            }
        }
        return true
    }

    private func sleep(micros: Int64) async {
        guard !wakeRequested, !stopped else { return }
        let timer = Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(micros) * 1_000)
            await self?.notifyTimer()
        }
        await withCheckedContinuation { sleeper = $0 }
        timer.cancel()
    }

    private func notifyTimer() {
        sleeper?.resume()
        sleeper = nil
    }

    private func releaseWaiters() {
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }
}
