import Foundation
import StrataCore
import StrataSQL

/// Where a job stands (spec/context.md §8).
public enum JobStatus: String, Sendable, Hashable, Codable {
    /// Waiting for its `scheduled_at` (the first run, or a retry after a failure).
    case pending
    /// Being run by this handle's worker now (never stored: a crash leaves it `pending`).
    case running
    /// Finished.
    case done
    /// Failed `RetryPolicy.maxAttempts` times; `lastError` says why.
    case failed
}

/// One row of `ctx_meta.meta_jobs`, as `jobs()` reports it.
public struct JobInfo: Sendable, Hashable {
    /// The job's id (what `add`, `prune` and `archive` return).
    public var jobID: String
    /// `ingest`, `summarize`, `kb_ingest`, `kb_summarize`, `prune`, `archive` or `compact`.
    public var type: String
    /// Where it stands.
    public var status: JobStatus
    /// Runs so far.
    public var attempts: Int
    /// The error of the last failed run.
    public var lastError: String?
    /// The agent it works for (nil for knowledge-base jobs).
    public var agentID: String?
    /// When it was queued, and when it may run next (microseconds, UTC).
    public var createdAt: Int64
    public var scheduledAt: Int64
    /// When it finished.
    public var finishedAt: Int64?
}

/// A job as the worker runs it.
struct QueuedJob: Sendable {
    let id: String
    let type: String
    let payload: JSONValue
    let attempts: Int
    let agentID: String?
}

extension ContextDatabase {
    static let jobsTable = "ctx_meta.meta_jobs"
    /// The columns a `JobInfo` is read from.
    private static let jobColumns = "job_id, job_type, status, attempts, last_error, agent_id, created_at, scheduled_at, finished_at"

    /// A fresh id with a readable prefix: `prefix-` and 24 hex digits of randomness.
    static func newID(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let a = generator.next() as UInt64, b = generator.next() as UInt32
        return prefix + "-" + String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(8)
    }

    /// Queues a job, durable when this returns, and wakes the worker.
    func enqueue(type: String, payload: JSONValue, agentID: String?) async throws(StrataError) -> String {
        let id = Self.newID("job")
        try await insert(Self.jobsTable, [jobRow(id: id, type: type, payload: payload, agentID: agentID)])
        await runner.notify()
        return id
    }

    /// Queues jobs with ids of the caller's choosing, skipping those already pending (so a
    /// target queued many times is worked once); a finished one is queued again.
    func enqueueOnce(_ jobs: [(id: String, type: String, payload: JSONValue, agentID: String?)]) async throws(StrataError) {
        guard !jobs.isEmpty else { return }
        let pending = Set(try await rows("SELECT job_id FROM \(Self.jobsTable) WHERE job_id IN \(SQLText.list(jobs.map(\.id))) AND status = 'pending'")
            .compactMap { $0.string("job_id") })
        var seen = Set<String>()
        let fresh = jobs.filter { !pending.contains($0.id) && seen.insert($0.id).inserted }
        try await upsert(Self.jobsTable, key: "job_id", fresh.map { jobRow(id: $0.id, type: $0.type, payload: $0.payload, agentID: $0.agentID) })
        if !fresh.isEmpty { await runner.notify() }
    }

    private func jobRow(id: String, type: String, payload: JSONValue, agentID: String?) -> [String: Value] {
        let now = Timestamp.now()
        return ["job_id": .string(id), "job_type": .string(type), "payload": .json(payload.text), "status": .string(JobStatus.pending.rawValue),
                "scheduled_at": .timestamp(now), "attempts": .int(0), "agent_id": agentID.map(Value.string) ?? .null, "created_at": .timestamp(now)]
    }

    /// Pending jobs due now, oldest first.
    func dueJobs(limit: Int) async throws(StrataError) -> [QueuedJob] {
        let now = SQLText.timestamp(Timestamp.now())
        return try await rows("""
            SELECT job_id, job_type, payload, attempts, agent_id FROM \(Self.jobsTable)
             WHERE status = 'pending' AND scheduled_at <= \(now) ORDER BY scheduled_at, job_id LIMIT \(limit)
            """).map { row in
            QueuedJob(id: row.string("job_id") ?? "", type: row.string("job_type") ?? "",
                      payload: (try? JSONParser.parse(row.string("payload") ?? "null")) ?? .null,
                      attempts: Int(row.int("attempts") ?? 0), agentID: row.string("agent_id"))
        }
    }

    /// When the next pending job falls due (nil when none is pending).
    func nextDue() async throws(StrataError) -> Int64? {
        try await rows("SELECT scheduled_at FROM \(Self.jobsTable) WHERE status = 'pending' ORDER BY scheduled_at LIMIT 1").first?.int("scheduled_at")
    }

    /// Marks jobs done.
    func finish(_ ids: [String]) async throws(StrataError) {
        guard !ids.isEmpty else { return }
        try await write(Self.jobsTable, """
            UPDATE \(Self.jobsTable) SET status = 'done', attempts = attempts + 1, finished_at = \(SQLText.timestamp(Timestamp.now())), last_error = NULL
             WHERE job_id IN \(SQLText.list(ids))
            """)
    }

    /// Records a failed run: the job runs again after the policy's pause, or is `failed`
    /// once it has run `maxAttempts` times.
    func fail(_ job: QueuedJob, error: StrataError) async throws(StrataError) {
        let attempts = job.attempts + 1
        let retry = configuration.retry
        let status = attempts >= retry.maxAttempts ? JobStatus.failed : .pending
        let next = Timestamp.now() + retry.delayMicros(afterAttempt: attempts)
        try await write(Self.jobsTable, """
            UPDATE \(Self.jobsTable) SET status = $1, attempts = \(attempts), last_error = $2, scheduled_at = \(SQLText.timestamp(next)),
             finished_at = \(status == .failed ? SQLText.timestamp(Timestamp.now()) : "NULL") WHERE job_id = $3
            """, [.string(status.rawValue), .string(error.description), .string(job.id)])
    }

    /// The jobs, newest first (all of them, or those of `agentID`), with the one this
    /// handle's worker is running marked `running`.
    public func jobs(agentID: String? = nil, limit: Int = 1_000) async throws(StrataError) -> [JobInfo] {
        let running = await runner.runningIDs
        let filter = agentID.map { "WHERE agent_id = \(SQLText.literal($0))" } ?? ""
        return try await rows("""
            SELECT \(Self.jobColumns) FROM \(Self.jobsTable)
             \(filter) ORDER BY created_at DESC, job_id LIMIT \(max(0, limit))
            """).map { Self.jobInfo($0, running: running) }
    }

    /// The job `jobID`.
    /// - Throws: `.notFound` when there is no such job.
    public func job(_ jobID: String) async throws(StrataError) -> JobInfo {
        let running = await runner.runningIDs
        guard let row = try await rows("""
            SELECT \(Self.jobColumns) FROM \(Self.jobsTable)
             WHERE job_id = $1
            """, [.string(jobID)]).first else { throw .notFound(path: "job \(jobID)") }
        return Self.jobInfo(row, running: running)
    }

    private static func jobInfo(_ row: Row, running: Set<String>) -> JobInfo {
        let id = row.string("job_id") ?? ""
        let stored = JobStatus(rawValue: row.string("status") ?? "") ?? .pending
        return JobInfo(jobID: id, type: row.string("job_type") ?? "", status: stored == .pending && running.contains(id) ? .running : stored,
                       attempts: Int(row.int("attempts") ?? 0), lastError: row.string("last_error"), agentID: row.string("agent_id"),
                       createdAt: row.int("created_at") ?? 0, scheduledAt: row.int("scheduled_at") ?? 0, finishedAt: row.int("finished_at"))
    }

    /// Returns once no job is pending or running: every job queued so far is done or
    /// failed. Starts this handle's worker if it does not run.
    public func waitForJobs() async {
        await runner.start(self)
        await runner.waitUntilIdle()
    }
}

extension String {
    /// The text padded on the left with zeros to `width` characters.
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
