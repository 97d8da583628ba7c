import Foundation
import Strata
import Testing
import TestSupport

/// The agent operations end to end: add → jobs → L1/L0 → search in every mode, trace,
/// explain, supersede, archive, prune, compaction, knowledge bases.
@Suite struct AgentMemoryTests {
    static let notes = [
        ("s-travel", "The flight to Lisbon leaves at nine. The hotel near the river has a rooftop pool."),
        ("s-travel", "Pack the passport and the charger. The taxi to the airport is booked for seven."),
        ("s-food", "The sourdough needs twelve hours of proofing. Feed the starter with rye flour."),
        ("s-food", "A good ragu simmers for three hours with wine, tomatoes and a bay leaf."),
        ("s-work", "The quarterly report is due Friday. The budget review moved to Tuesday afternoon."),
    ]

    static func opened(_ dir: TemporaryDirectory) async throws -> ContextDatabase {
        try await ContextDatabase.open(directory: dir.path, configuration: ContextConfiguration(embeddingDimension: 64, retry: RetryPolicy(baseDelay: 0.01)))
    }

    @Test func addSearchTraceExplain() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let context = try await Self.opened(dir)
        let agent = try context.agent("a1")
        var receipts: [AddReceipt] = []
        for (session, text) in Self.notes { receipts.append(try await agent.add(text, sessionID: session, metadata: #"{"topic": "\#(session)"}"#)) }
        // L2 is there before the jobs run.
        #expect(try await context.database.execute("SELECT raw_id FROM ctx_agent.agent_l2_raw").typedRows.count == 5)
        await context.waitForJobs()
        let jobs = try await context.jobs()
        #expect(jobs.allSatisfy { $0.status == .done }, "\(jobs)")
        #expect(Set(receipts.map(\.jobID)).isSubset(of: Set(jobs.map(\.jobID))))
        // L1 and L0 were derived.
        #expect(try await context.database.execute("SELECT chunk_id FROM ctx_agent.agent_l1_chunks").typedRows.count == 5)
        let summaries = try await context.database.execute("SELECT target_id FROM ctx_agent.agent_l0_summaries ORDER BY target_id").typedRows.compactMap { $0.string("target_id") }
        #expect(summaries == ["s-food", "s-travel", "s-work"])

        for mode in SearchMode.allCases {
            let result = try await agent.search("sourdough starter proofing", topK: 3, mode: mode)
            #expect(result.hits.first?.content.contains("sourdough") == true, "\(mode): \(result.hits.map(\.content))")
            #expect(result.hits.first?.sessionID == "s-food")
            #expect(result.hits.first?.rawID == receipts[2].rawID)
            #expect(!result.stages.isEmpty)
        }
        // Same data, same request: same answer, in the same order.
        let again = try await agent.search(SearchRequest(text: "hours of proofing", topK: 5))
        #expect(again.hits.map(\.chunkID) == (try await agent.search(SearchRequest(text: "hours of proofing", topK: 5))).hits.map(\.chunkID))
        #expect(again.hits.map(\.score) == (try await agent.search(SearchRequest(text: "hours of proofing", topK: 5))).hits.map(\.score))
        let chained = try await agent.search(SearchRequest(text: "airport taxi passport", topK: 2, evidenceText: true))
        #expect(chained.confident == true, "\(chained.explanation)")
        #expect(chained.hits.first?.explanation.via == ["session s-travel"])
        #expect(chained.hits.first?.evidence?.excerpt?.contains("passport") == true)
        #expect(chained.stages.map(\.name).contains("l2.evidence"))

        // A filter narrows; a filter that tries to escape its parentheses does not parse.
        let filtered = try await agent.search(SearchRequest(text: "hours", topK: 5, mode: .hybrid, filter: "session_id = 's-work'"))
        #expect(filtered.hits.allSatisfy { $0.sessionID == "s-work" })
        await #expect(throws: StrataError.self) { _ = try await agent.search(SearchRequest(text: "hours", mode: .fullText, filter: "TRUE) OR (TRUE")) }

        // Trace: chunks and tool calls in time order.
        let call = try await agent.recordToolCall(sessionID: "s-travel", tool: "book_taxi", params: #"{"time": "07:00"}"#)
        let trace = try await agent.trace("s-travel")
        #expect(trace.map(\.kind) == ["chunk", "chunk", "tool_call"])
        #expect(trace.last?.id == call)

        // Explain: session ← entries ← chunks, and the call.
        let graph = try await agent.explain("s-travel", entityType: "session", maxDepth: 2)
        #expect(graph.root.type == "session")
        #expect(graph.edges.contains { $0.source == call && $0.relation == "called_in" })
        #expect(graph.edges.filter { $0.relation == "chunk_of" }.count == 2)
        try await agent.relate(receipts[0].rawID, to: receipts[1].rawID, as: "follows")
        try await agent.relate(receipts[1].rawID, to: receipts[0].rawID, as: "precedes")
        let cyclic = try await agent.explain(receipts[0].rawID, maxDepth: 16)
        #expect(Set(cyclic.nodes.map(\.id)).count == cyclic.nodes.count)
        await #expect(throws: StrataError.self) { _ = try await agent.explain("nothing-here") }
        try await context.close()
    }

    @Test func supersedeArchivePruneCompact() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let context = try await Self.opened(dir)
        let agent = try context.agent("a1")
        let first = try await agent.add("The user lives in Berlin.", sessionID: "profile")
        await context.waitForJobs()
        let before = Timestamp.now()
        try await Task.sleep(nanoseconds: 2_000_000)
        _ = try await agent.update(first.rawID, with: MemoryEntry(text: "The user lives in Munich.", sessionID: "profile"))
        await context.waitForJobs()
        let now = try await agent.search(SearchRequest(text: "where does the user live", topK: 5, mode: .fullText))
        #expect(now.hits.map(\.content) == ["The user lives in Munich."])
        let then = try await agent.search(SearchRequest(text: "where does the user live", topK: 5, mode: .fullText, validAt: before))
        #expect(then.hits.map(\.content) == ["The user lives in Berlin."])

        // Compaction scores, records candidates, promotes; rollback removes the run.
        /// Runs a compaction to its end; its run id.
        func compacted() async throws -> String {
            let run = try await agent.compact(CompactionPolicy(promoteAt: 0.4, pruneBelow: 0.2))
            await context.waitForJobs()
            return run.runID
        }
        _ = try await agent.add("Prefers window seats and vegetarian meals.", sessionID: "profile", metadata: #"{"importance": 1.0}"#)
        _ = try await agent.add("It rained a bit on Tuesday.", sessionID: "smalltalk", metadata: #"{"importance": 0.0}"#)
        await context.waitForJobs()
        let run = try await compacted()
        let candidates = try await agent.memoryCandidates()
        #expect(candidates.contains { $0.level == "PROMOTION" && $0.runID == run })
        #expect(candidates.contains { $0.level == "PRUNING" })
        #expect(try await agent.longTermMemories().contains { $0.content.contains("window seats") })
        // A second run the same day repeats nothing already in long-term memory; rolling it
        // back leaves the first run's entries as they were.
        let standing = try await agent.longTermMemories().map(\.memoryID)
        let again = try await compacted()
        #expect(try await agent.longTermMemories().map(\.memoryID) == standing)
        try await agent.rollbackCompaction(again)
        #expect(try await agent.longTermMemories().map(\.memoryID) == standing)
        // A session whose summary grew is promoted again, superseding its earlier episode;
        // rolling that run back makes the earlier episode valid again.
        _ = try await agent.add("Books trains to Vienna every spring.", sessionID: "trips", metadata: #"{"importance": 1.0}"#)
        await context.waitForJobs()
        let trips = try await compacted()
        let firstEpisode = try await agent.longTermMemories().filter { $0.kind == "episode" }
        #expect(firstEpisode.map(\.runID) == [trips], "\(firstEpisode)")
        _ = try await agent.add("Takes the night train to Rome in autumn.", sessionID: "trips", metadata: #"{"importance": 1.0}"#)
        await context.waitForJobs()
        let grown = try await compacted()
        let episodes = try await agent.longTermMemories().filter { $0.kind == "episode" }
        #expect(episodes.map(\.runID) == [grown], "the grown summary supersedes the first episode: \(episodes)")
        try await agent.rollbackCompaction(grown)
        #expect(try await agent.longTermMemories().filter { $0.kind == "episode" }.map(\.memoryID) == firstEpisode.map(\.memoryID))
        try await agent.rollbackCompaction(trips)
        #expect(try await agent.longTermMemories().map(\.memoryID).sorted() == standing.sorted())
        try await agent.rollbackCompaction(run)
        #expect(try await agent.longTermMemories().isEmpty)
        #expect(try await agent.memoryCandidates().isEmpty)

        // Prune moves PRUNING chunks to the archive: gone from search, still in the trace.
        _ = try await agent.compact(CompactionPolicy(promoteAt: 0.9, pruneBelow: 0.2))
        await context.waitForJobs()
        _ = try await agent.prune()
        await context.waitForJobs()
        #expect(try await agent.search(SearchRequest(text: "rained Tuesday", mode: .fullText)).hits.isEmpty)
        #expect(try await agent.trace("smalltalk").map(\.archived) == [true])

        // Archive moves the whole session; trace still finds it.
        _ = try await agent.archive("profile")
        await context.waitForJobs()
        #expect(try await agent.search(SearchRequest(text: "Munich", mode: .fullText)).hits.isEmpty)
        let archived = try await agent.trace("profile")
        #expect(archived.count == 3 && archived.allSatisfy(\.archived))
        #expect(try await context.database.execute("SELECT status FROM ctx_agent.agent_sessions WHERE session_id = 'profile'").typedRows[0].string("status") == "archived")
        try await context.close()
    }

    @Test func knowledgeBaseSearchedWithMemory() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let context = try await Self.opened(dir)
        let kb = try context.knowledgeBase("manuals")
        _ = try await kb.importDocuments([
            KnowledgeDocument(content: "<html><head><style>p{}</style></head><body><h1>Router</h1><p>Reset the router by holding the button for ten seconds.</p></body></html>",
                              contentType: "text/html", sourceURI: "router.html"),
            KnowledgeDocument(content: "# Printer\n\nThe printer jams when the paper tray is overfilled.", contentType: "text/markdown"),
        ])
        let agent = try context.agent("a1")
        _ = try await agent.add("The user's router is in the basement.", sessionID: "home")
        await context.waitForJobs()
        let result = try await agent.search(SearchRequest(text: "reset router", topK: 5, mode: .hybrid, knowledgeBases: ["manuals"]))
        #expect(Set(result.hits.map(\.source)) == ["memory", "kb:manuals"])
        #expect(result.hits.contains { $0.content.contains("holding the button") && !$0.content.contains("{}") })
        let kbOnly = try await kb.search(SearchRequest(text: "paper tray", topK: 1, mode: .chain))
        #expect(kbOnly.hits.first?.content.contains("jams") == true)
        #expect(kbOnly.hits.first?.evidence != nil)
        try await context.close()
    }

    @Test func badInputIsATypedError() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let context = try await Self.opened(dir)
        let agent = try context.agent("a1")
        await #expect(throws: StrataError.self) { _ = try await agent.add("   ") }
        await #expect(throws: StrataError.self) { _ = try await agent.add("x", metadata: "[1]") }
        await #expect(throws: StrataError.self) { _ = try await agent.add("x", embedding: [1, 2, 3]) }
        await #expect(throws: StrataError.self) { _ = try await agent.add("x", embedding: [Float](repeating: .nan, count: 64)) }
        await #expect(throws: StrataError.self) { _ = try await agent.search(SearchRequest(text: "x", vector: [1], mode: .vector)) }
        await #expect(throws: StrataError.self) { _ = try await agent.search(SearchRequest(topK: 5)) }
        _ = try await agent.add("mine", sessionID: "s1")
        await #expect(throws: StrataError.self) { _ = try await context.agent("a2").add("theirs", sessionID: "s1") }
        #expect(throws: StrataError.self) { _ = try context.agent("") }
        await #expect(throws: StrataError.self) { try await agent.startSession("s-new", metadata: "not json") }
        #expect(try await context.database.execute("SELECT session_id FROM ctx_agent.agent_sessions WHERE session_id = 's-new'").typedRows.isEmpty)
        try await context.close()
    }
}
