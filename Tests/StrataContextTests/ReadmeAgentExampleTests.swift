import Foundation
import Strata
import Testing
import TestSupport

/// The README's agent example ("Agent memory from Swift"): the code between the markers
/// below is the README's block line for line (the README writes the directory as
/// "/tmp/agent-memory"), so the example compiles with the tests and runs here.
@Suite struct ReadmeAgentExampleTests {
    static func example(directory: String) async throws -> (SearchResult, [TraceEvent], RelationGraph) {
        // README-BEGIN
        let context = try await ContextDatabase.open(directory: directory)
        let memory = try context.agent("support-bot")

        // Remember: the L2 entry is durable when add returns; chunks, embeddings and summaries follow as jobs.
        try await memory.add("The customer prefers email over phone calls.", sessionID: "ticket-4711", metadata: #"{"importance": 0.9}"#)
        try await memory.recordToolCall(sessionID: "ticket-4711", tool: "lookup_order", params: #"{"order": 1234}"#, result: "shipped")
        await context.waitForJobs()

        // Recall: L0 summaries → L1 chunks → L2 evidence, fused by RRF, every hit explained.
        let result = try await memory.search("how should we contact the customer?", topK: 5)
        for hit in result.hits { print(hit.score, hit.content, hit.explanation.summary, hit.evidence?.id ?? "") }
        print(result.explanation)                                          // EXPLAIN: each stage, its candidates and time

        // Facts change: a new entry supersedes the old one, which stays valid in the past.
        try await memory.update(result.hits[0].rawID!, with: MemoryEntry(text: "The customer now prefers phone calls.", sessionID: "ticket-4711"))
        await context.waitForJobs()

        let timeline = try await memory.trace("ticket-4711")              // chunks and tool calls in time order
        let graph = try await memory.explain("ticket-4711", entityType: "session")
        try await memory.archive("ticket-4711")                           // to ctx_archive, still traceable
        await context.waitForJobs()
        try await context.close()
        // README-END
        return (result, timeline, graph)
    }

    @Test func readmeExampleRunsAndMatchesTheReadme() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (result, timeline, graph) = try await Self.example(directory: dir.path)
        #expect(result.hits.first?.content == "The customer prefers email over phone calls.")
        #expect(timeline.map(\.kind) == ["chunk", "tool_call", "chunk"])
        #expect(graph.edges.contains { $0.relation == "called_in" })

        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = source.components(separatedBy: "\n")
        let begin = lines.firstIndex { $0.hasSuffix("// README-BEGIN") }!, end = lines.firstIndex { $0.hasSuffix("// README-END") }!
        let code = lines[(begin + 1)..<end].map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : $0 }
            .joined(separator: "\n").replacingOccurrences(of: "open(directory: directory)", with: #"open(directory: "/tmp/agent-memory")"#)
        #expect(readme.contains("```swift\nimport Strata\n\n" + code + "\n```"), "README's agent example differs from this test's")
    }
}
