import Foundation
import Strata

/// The context half of `strata demo`: an agent's memory and a knowledge base in a context
/// database — adds that return before their chunks, embeddings and summaries are made (jobs),
/// the L0 → L1 → L2 chain with its stages, a superseded fact, a trace, the relation graph,
/// and another agent that sees none of it.
enum DemoContextTour {
    static let notes: [(session: String, text: String)] = [
        ("trip-lisbon", "The customer booked a flight to Lisbon for the 14th of May. The hotel is near the river."),
        ("trip-lisbon", "They asked for a window seat and a vegetarian meal on the flight."),
        ("trip-lisbon", "The hotel confirmed late check-in after 22:00."),
        ("billing", "The invoice for March was paid twice by mistake. A refund of 120 euros was promised."),
        ("billing", "The refund was sent on the 3rd of April to the original card."),
        ("support", "The customer's router drops the connection every evening around eight."),
    ]

    static func run(directory: String) async throws {
        let out = StandardOutput.shared
        let path = directory + "/context"
        try? FileManager.default.removeItem(atPath: path)  // the demo's own database, remade each run
        let clock = ContinuousClock()
        var started = clock.now
        let context = try await ContextDatabase.open(directory: path)
        let memory = try context.agent("support-bot")
        try out.line("\nContext database \(path): the families ctx_agent, ctx_kb, ctx_meta and ctx_archive (\((clock.now - started).formatted)).")

        started = clock.now
        var receipts: [AddReceipt] = []
        for note in notes { receipts.append(try await memory.add(note.text, sessionID: note.session)) }
        try await memory.recordToolCall(sessionID: "billing", tool: "issue_refund", params: #"{"amount": 120, "currency": "EUR"}"#, result: "ok")
        _ = try await context.knowledgeBase("help-center").importDocuments([
            KnowledgeDocument(content: "<h1>Router</h1><p>If the connection drops at the same hour every day, check the router's scheduled Wi-Fi off timer.</p>",
                              contentType: "text/html", sourceURI: "help/router.html"),
        ])
        try out.line("Added \(notes.count) notes for agent support-bot in 3 sessions, a tool call and a help-center page (\((clock.now - started).formatted)); L2 is durable, the jobs run in the background.")
        started = clock.now
        await context.waitForJobs()
        let jobs = try await context.jobs()
        try out.line("Jobs: \(jobs.count) done (\(Set(jobs.map(\.type)).sorted().joined(separator: ", "))) in \((clock.now - started).formatted): chunks, embeddings (built-in hashing embedder), L0 summaries.")

        let question = "when was the refund for the invoice sent?"
        let result = try await memory.search(SearchRequest(text: question, topK: 3, knowledgeBases: ["help-center"]))
        try out.line("\nsearch \"\(question)\" (mode chain):")
        for stage in result.stages { try out.line("  \(stage.name.padding(20)) \(String(stage.candidates).padding(4)) \(String(format: "%.2f ms", Double(stage.micros) / 1000))  \(stage.detail)") }
        for (rank, hit) in result.hits.enumerated() {
            try out.line("  \(rank + 1). [\(hit.source)] \(hit.content)\n     \(hit.explanation.summary); evidence \(hit.evidence?.id ?? "-")")
        }

        let router = try await memory.search(SearchRequest(text: "router drops every evening", topK: 2, mode: .hybrid, knowledgeBases: ["help-center"]))
        try out.line("\nsearch \"router drops every evening\" (hybrid, memory and knowledge base):")
        for hit in router.hits { try out.line("  [\(hit.source)] \(hit.content)") }

        let old = receipts[1].rawID
        _ = try await memory.update(old, with: MemoryEntry(text: "They now want an aisle seat and a vegetarian meal on the flight.", sessionID: "trip-lisbon"))
        let before = Timestamp.now()
        await context.waitForJobs()
        let seat = try await memory.search(SearchRequest(text: "which seat do they want", topK: 1, mode: .fullText))
        let earlier = try await memory.search(SearchRequest(text: "which seat do they want", topK: 1, mode: .fullText, validAt: before - 1))
        try out.line("\nA fact changed (supersede, not overwrite): now \"\(seat.hits.first?.content ?? "-")\"; before the change \"\(earlier.hits.first?.content ?? "-")\".")

        try out.line("\ntrace billing:")
        for event in try await memory.trace("billing") {
            try out.line("  \(Timestamp.format(event.time) ?? "") \(event.kind.padding(9)) \(event.kind == "chunk" ? event.content : event.content + " " + (event.params ?? ""))")
        }
        let graph = try await memory.explain("trip-lisbon", entityType: "session", maxDepth: 2)
        try out.line("\nexplain trip-lisbon: \(graph.nodes.count) entities, \(graph.edges.count) relations (\(Set(graph.edges.map(\.relation)).sorted().joined(separator: ", "))).")
        let stranger = try await context.agent("another-agent").search(SearchRequest(text: question, topK: 3))
        try out.line("Agent another-agent searching the same question finds \(stranger.hits.count) rows: an agent sees only its own memory.")
        try await context.close()
    }
}
