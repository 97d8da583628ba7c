import Foundation
import Strata
import Testing
import TestSupport

/// An embedder that fails its first `failures` calls (or always), for retry tests.
final class FlakyEmbedder: Embedder, @unchecked Sendable {
    let modelName = "flaky"
    let dimension = 16
    private let lock = NSLock()
    private var remaining: Int

    init(failures: Int) { remaining = failures }

    func embed(_ texts: [String]) async throws(StrataError) -> [[Float]] {
        let fail = lock.withLock { () -> Bool in
            defer { remaining -= 1 }
            return remaining > 0
        }
        if fail { throw .io(path: "http://model", operation: "POST", code: 503, message: "unavailable") }
        return texts.map { text in (0..<16).map { Float(($0 + text.count) % 5) + 1 } }
    }
}

/// The job queue: retries with backoff, failure after the last attempt, resumption after a
/// restart, and idempotent reruns.
@Suite struct JobTests {
    static func configuration(_ embedder: (any Embedder)? = nil, runsJobs: Bool = true) -> ContextConfiguration {
        ContextConfiguration(embeddingDimension: 16, embedder: embedder, runsJobs: runsJobs, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, factor: 2))
    }

    @Test func retriesThenSucceedsOrFails() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let flaky = try await ContextDatabase.open(directory: dir.path, configuration: Self.configuration(FlakyEmbedder(failures: 2)))
        let receipt = try await flaky.agent("a").add("First note about gardening.")
        await flaky.waitForJobs()
        let job = try await flaky.job(receipt.jobID)
        #expect(job.status == .done && job.attempts == 3, "\(job)")
        try await flaky.close()

        let broken = try await ContextDatabase.open(directory: dir.path, configuration: Self.configuration(FlakyEmbedder(failures: .max)))
        let doomed = try await broken.agent("a").add("Second note about tomatoes.")
        await broken.waitForJobs()
        let failed = try await broken.job(doomed.jobID)
        #expect(failed.status == .failed && failed.attempts == 3)
        #expect(failed.lastError?.contains("unavailable") == true)
        // The L2 entry stays, and the first note is still found.
        #expect(try await broken.database.execute("SELECT raw_id FROM ctx_agent.agent_l2_raw").typedRows.count == 2)
        let found = try await broken.agent("a").search(SearchRequest(text: "gardening", mode: .fullText))
        #expect(found.hits.map(\.rawID) == [receipt.rawID])
        try await broken.close()
    }

    @Test func pendingJobsResumeAfterRestartAndRerunsChangeNothing() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let stopped = try await ContextDatabase.open(directory: dir.path, configuration: Self.configuration(runsJobs: false))
        let text = String(repeating: "The river floods in spring. Farmers move the cattle uphill. ", count: 40)
        let receipt = try await stopped.agent("a").add(text, sessionID: "s")
        #expect(try await stopped.job(receipt.jobID).status == .pending)
        #expect(try await stopped.database.execute("SELECT chunk_id FROM ctx_agent.agent_l1_chunks").typedRows.isEmpty)
        try await stopped.close()

        // A new handle (a restart) runs what was left pending.
        let resumed = try await ContextDatabase.open(directory: dir.path, configuration: Self.configuration())
        await resumed.waitForJobs()
        #expect(try await resumed.job(receipt.jobID).status == .done)
        func snapshot() async throws -> [String] {
            let chunks = try await resumed.database.execute("SELECT chunk_id, content FROM ctx_agent.agent_l1_chunks ORDER BY chunk_id").typedRows
            let vectors = try await resumed.database.execute("SELECT chunk_id FROM ctx_agent.agent_l1_embeddings ORDER BY chunk_id").typedRows
            let summaries = try await resumed.database.execute("SELECT target_id, summary FROM ctx_agent.agent_l0_summaries ORDER BY target_id").typedRows
            return chunks.map { "\($0.values)" } + vectors.map { "\($0.values)" } + summaries.map { "\($0.values)" }
        }
        let first = try await snapshot()
        #expect(first.count > 4)

        // Running every job again (as after a crash just before each was marked done) ends in the same rows.
        try await resumed.database.execute("UPDATE ctx_meta.meta_jobs SET status = 'pending'")
        try await resumed.close()
        let again = try await ContextDatabase.open(directory: dir.path, configuration: Self.configuration())
        await again.waitForJobs()
        let chunks = try await again.database.execute("SELECT chunk_id, content FROM ctx_agent.agent_l1_chunks ORDER BY chunk_id").typedRows
        let vectors = try await again.database.execute("SELECT chunk_id FROM ctx_agent.agent_l1_embeddings ORDER BY chunk_id").typedRows
        let summaries = try await again.database.execute("SELECT target_id, summary FROM ctx_agent.agent_l0_summaries ORDER BY target_id").typedRows
        #expect(chunks.map { "\($0.values)" } + vectors.map { "\($0.values)" } + summaries.map { "\($0.values)" } == first)
        #expect(try await again.jobs().allSatisfy { $0.status == .done })
        try await again.close()
    }
}
