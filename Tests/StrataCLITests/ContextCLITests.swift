import Foundation
import Testing
import TestSupport

/// The command-line contract of `strata ctx`: add (text, file, bulk JSON lines with
/// embeddings and models), search (single and batch, every mode, --where, --explain),
/// trace, explain, jobs, import, archive; JSON lines out; exit statuses.
@Suite struct ContextCLITests {
    typealias CLI = CLITests

    static func lines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    @Test func addSearchTraceExplainJobs() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path + "/ctx"
        let added = try Self.lines(try TableCLITests.ok(["ctx", db, "add", "--dimension", "8", "--agent", "a1", "--session", "trip", "--text",
                                                         "The flight to Lisbon leaves at nine. The hotel has a rooftop pool.", "--metadata", #"{"kind": "travel"}"#]))
        #expect(added.count == 1 && added[0]["status"] as? String == "done" && added[0]["session_id"] as? String == "trip")
        let rawID = added[0]["raw_id"] as! String

        // Bulk form: per-line agents, times, metadata, precomputed embeddings of a named model.
        let bulk = directory.path + "/in.jsonl"
        try """
            {"agent_id": "a1", "session_id": "trip", "content": "Pack the passport and the charger.", "created_at": "2025-03-01T09:00:00Z", "embedding": [1, 0, 0, 0, 0, 0, 0, 0], "model": "toy"}
            {"agent_id": "a2", "session_id": "games", "content": "Agent two studies chess openings.", "metadata": {"level": 2}, "embedding": [0, 1, 0, 0, 0, 0, 0, 0], "model": "toy"}

            {"agent_id": "a1", "content": "Prefers window seats.", "created_at": 1735689600}
            """.write(toFile: bulk, atomically: false, encoding: .utf8)
        let rejected = try CLI.run(["ctx", directory.path + "/other", "add", "--jsonl", bulk, "--dimension", "8", "--embedding", "[1]"])
        #expect(rejected.status == 1)
        let bulkAdded = try Self.lines(try TableCLITests.ok(["ctx", db, "add", "--jsonl", bulk]))
        #expect(bulkAdded.map { $0["agent_id"] as? String } == ["a1", "a1", "a2"] || bulkAdded.map { $0["agent_id"] as? String } == ["a1", "a2", "a1"])
        #expect(bulkAdded.allSatisfy { $0["status"] as? String == "done" })

        // Search: every result line carries content, metadata, raw_id, session_id, score.
        let hits = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--text", "when does the flight leave", "-k", "2"]))
        #expect(hits.first?["raw_id"] as? String == rawID)
        #expect(hits.first?["content"] as? String == "The flight to Lisbon leaves at nine. The hotel has a rooftop pool.")
        #expect((hits.first?["metadata"] as? [String: Any])?["kind"] as? String == "travel")
        #expect(hits.first?["session_id"] as? String == "trip" && hits.first?["score"] is Double)
        for mode in ["chain", "hybrid", "vector", "fts"] {
            let found = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--text", "flight Lisbon", "--mode", mode, "-k", "1"]))
            #expect(found.first?["raw_id"] as? String == rawID, "\(mode)")
        }
        // A precomputed query vector meets only vectors of its model.
        let toy = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--vector", "[1, 0, 0, 0, 0, 0, 0, 0]", "--model", "toy",
                                                       "--mode", "vector", "-k", "5"]))
        #expect(toy.map { $0["content"] as? String } == ["Pack the passport and the charger."])
        // Without --model, a query vector meets the one model whose vectors were given precomputed.
        let unnamed = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--vector", "[1, 0, 0, 0, 0, 0, 0, 0]", "--mode", "vector", "-k", "1"]))
        #expect(unnamed.map { $0["content"] as? String } == ["Pack the passport and the charger."])
        // Tenancy: agent a1 never sees a2's chess note.
        #expect(try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--text", "chess openings", "--mode", "fts"])).isEmpty)
        let filtered = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--text", "passport seats flight", "--mode", "fts",
                                                            "--where", "created_at < '2025-06-01'"]))
        #expect(Set(filtered.compactMap { $0["content"] as? String }) == ["Pack the passport and the charger.", "Prefers window seats."])

        // Batch form: _query echoes each query's id.
        let queries = directory.path + "/q.jsonl"
        try """
            {"id": 1, "agent_id": "a2", "text": "chess"}
            {"id": "two", "agent_id": "a1", "text": "passport", "k": 1, "mode": "fts"}
            {"id": 3, "agent_id": "a2", "vector": [0, 1, 0, 0, 0, 0, 0, 0], "model": "toy", "mode": "vector"}
            """.write(toFile: queries, atomically: false, encoding: .utf8)
        let batch = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--queries", queries]))
        #expect(batch.filter { $0["_query"] as? Int == 1 }.first?["content"] as? String == "Agent two studies chess openings.")
        #expect(batch.filter { $0["_query"] as? String == "two" }.count == 1)
        #expect(batch.filter { $0["_query"] as? Int == 3 }.first?["session_id"] as? String == "games")

        // --explain prints the chain's stages first.
        let explained = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--text", "flight", "--explain"]))
        let stages = explained.compactMap { $0["stage"] as? String }
        #expect(Set(["l0.fts", "l0.vector", "l0.fuse", "l1.fts", "l1.vector", "l1.fuse", "l2.evidence"]).isSubset(of: stages), "\(stages)")
        #expect(stages.last == "l2.evidence" && explained.last?["rank"] != nil)

        // Trace and explain find the agent from the session or entity.
        let trace = try Self.lines(try TableCLITests.ok(["ctx", db, "trace", "--session", "trip"]))
        #expect(trace.map { $0["kind"] as? String } == ["chunk", "chunk"])
        #expect(trace.first?["content"] as? String == "Pack the passport and the charger.")
        let graph = try Self.lines(try TableCLITests.ok(["ctx", db, "explain", "--entity", "trip"]))
        #expect(graph.contains { $0["kind"] as? String == "edge" && $0["source"] as? String == rawID && $0["relation"] as? String == "part_of" })

        let jobs = try Self.lines(try TableCLITests.ok(["ctx", db, "jobs", "--wait"]))
        #expect(!jobs.isEmpty && jobs.allSatisfy { $0["status"] as? String == "done" })

        // Knowledge base import, searched with memory.
        let manual = directory.path + "/router.html"
        try "<html><body><p>Reset the router by holding the button for ten seconds.</p><script>var x;</script></body></html>".write(toFile: manual, atomically: false, encoding: .utf8)
        _ = try TableCLITests.ok(["ctx", db, "import", "--kb", "manuals", manual])
        let kbHits = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--text", "reset router", "--kb", "manuals", "--mode", "hybrid"]))
        #expect(kbHits.first?["source"] as? String == "kb:manuals")

        // Archive keeps the session traceable.
        _ = try TableCLITests.ok(["ctx", db, "archive", "--session", "trip"])
        #expect(try Self.lines(try TableCLITests.ok(["ctx", db, "trace", "--session", "trip"])).allSatisfy { $0["archived"] as? Bool == true })

        // Errors: exit status 1 with one line on stderr.
        for arguments in [["ctx", db, "search", "--agent", "a1", "--text", "x", "--mode", "bogus"], ["ctx", db, "nope"],
                          ["ctx", db, "search", "--agent", "a1", "--vector", "[1, 2]"], ["ctx", db, "trace", "--session", "missing"],
                          ["ctx", db, "add", "--agent", "a2", "--session", "trip", "--text", "not mine"],
                          ["ctx", db, "search", "--agent", "a1", "--text", "x", "--where", "1 = 1) OR (1 = 1"]] {
            let failed = try CLI.run(arguments)
            #expect(failed.status == 1, "\(arguments)")
            #expect(failed.stderr.hasPrefix("strata: "), "\(arguments): \(failed.stderr)")
        }
    }

    /// Found by an outside review: a bulk add fails whole, unknown agents are errors, a
    /// query without words is refused, and a filter's always-true part or a knowledge base
    /// beside it does not empty the result.
    @Test func bulkAddFailsWholeAndSearchesRefuseWhatTheyCannotAnswer() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path + "/ctx"
        let bulk = directory.path + "/in.jsonl"
        try """
            {"agent_id": "a1", "session_id": "shared", "content": "Agent one owns this session."}
            {"agent_id": "a2", "session_id": "shared", "content": "Agent two may not write into it."}
            """.write(toFile: bulk, atomically: false, encoding: .utf8)
        let crossed = try CLI.run(["ctx", db, "add", "--jsonl", bulk])
        #expect(crossed.status == 1 && crossed.stderr.contains("line 2"), "\(crossed.stderr)")
        #expect(try TableCLITests.ok(["ctx", db, "jobs"]).isEmpty, "nothing was written")

        _ = try TableCLITests.ok(["ctx", db, "add", "--agent", "a1", "--session", "s1", "--text", "The pricing decision: fifteen dollars per seat."])
        let notes = directory.path + "/notes.md"
        try "# Pricing\n\nThe handbook lists every plan's price per seat.\n".write(toFile: notes, atomically: false, encoding: .utf8)
        _ = try TableCLITests.ok(["ctx", db, "import", "--kb", "handbook", notes])
        for filter in ["1 = 1", "TRUE AND session_id = 's1'"] {
            let hits = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--text", "pricing", "--mode", "fts", "--where", filter]))
            #expect(hits.first?["session_id"] as? String == "s1", "\(filter)")
        }
        let withKB = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--text", "price per seat", "--kb", "handbook",
                                                          "--where", "session_id = 's1'", "--mode", "fts"]))
        #expect(Set(withKB.compactMap { $0["source"] as? String }) == ["memory", "kb:handbook"], "the filter narrows memory only")
        for arguments in [["search", "--agent", "nobody", "--text", "pricing"], ["compact", "--agent", "nobody"], ["prune", "--agent", "nobody"],
                          ["jobs", "--agent", "nobody"], ["search", "--agent", "a1", "--text", "?! +-", "--mode", "hybrid"]] {
            let failed = try CLI.run(["ctx", db] + arguments)
            #expect(failed.status == 1 && failed.stdout.isEmpty, "\(arguments)")
        }
        let stopWords = try Self.lines(try TableCLITests.ok(["ctx", db, "search", "--agent", "a1", "--text", "the and of", "--mode", "vector"]))
        #expect(stopWords.isEmpty, "a text the embedder finds nothing in matches nothing")
    }
}
