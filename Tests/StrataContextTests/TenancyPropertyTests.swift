import Foundation
import Strata
import Testing
import TestSupport

/// Tenancy (spec/context.md §9) as a property: random multi-agent workloads — adds to own
/// and others' sessions, updates of own and others' entries, tool calls, searches in every
/// mode with and without filters, traces and explains of own and others' entities — and
/// every result holds only the asking agent's rows; every reach into another agent's data
/// is refused.
@Suite struct TenancyPropertyTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let words = ["river", "budget", "chess", "garden", "flight", "report", "tomato", "piano", "server", "invoice", "lisbon", "coffee"]

    @Test(arguments: [1, 2, 3])
    func agentsSeeOnlyTheirOwnRows(seed: UInt64) async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var random = Generator(state: seed)
        let context = try await ContextDatabase.open(directory: dir.path, configuration: ContextConfiguration(embeddingDimension: 32))
        let agents = ["alice", "bob", "carol"]
        var raws: [String: Set<String>] = [:]
        var sessions: [String: [String]] = [:]
        var calls: [String: Set<String>] = [:]
        func sentence() -> String {
            (0..<Int.random(in: 3...8, using: &random)).map { _ in Self.words.randomElement(using: &random)! }.joined(separator: " ") + "."
        }
        for step in 0..<60 {
            let agent = agents.randomElement(using: &random)!
            let memory = try context.agent(agent)
            let others = agents.filter { $0 != agent }
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3:
                var session = sessions[agent]?.randomElement(using: &random) ?? "\(agent)-s\(step)"
                if Bool.random(using: &random) { session = "\(agent)-s\(step)" }
                if !sessions[agent, default: []].contains(session) { sessions[agent, default: []].append(session) }
                raws[agent, default: []].insert(try await memory.add(sentence(), sessionID: session).rawID)
            case 4:
                // Another agent's session or entry is refused.
                let other = others.randomElement(using: &random)!
                if let session = sessions[other]?.first {
                    await #expect(throws: StrataError.self) { _ = try await memory.add(sentence(), sessionID: session) }
                    await #expect(throws: StrataError.self) { _ = try await memory.trace(session) }
                    await #expect(throws: StrataError.self) { _ = try await memory.archive(session) }
                    await #expect(throws: StrataError.self) { _ = try await memory.recordToolCall(sessionID: session, tool: "x") }
                }
                if let raw = raws[other]?.first {
                    await #expect(throws: StrataError.self) { _ = try await memory.update(raw, with: MemoryEntry(text: sentence())) }
                    await #expect(throws: StrataError.self) { _ = try await memory.explain(raw) }
                }
            case 5:
                if let session = sessions[agent]?.randomElement(using: &random) {
                    calls[agent, default: []].insert(try await memory.recordToolCall(sessionID: session, tool: "lookup", params: #"{"q": 1}"#))
                }
            case 6:
                if let raw = raws[agent]?.randomElement(using: &random) {
                    let receipt = try await memory.update(raw, with: MemoryEntry(text: sentence(), sessionID: sessions[agent]?.first))
                    raws[agent, default: []].insert(receipt.rawID)
                }
            default:
                await context.waitForJobs()
                let mode = SearchMode.allCases.randomElement(using: &random)!
                let filter: String? = Bool.random(using: &random) ? nil : "created_at > '2000-01-01'"
                let query = (0..<3).map { _ in Self.words.randomElement(using: &random)! }.joined(separator: " ")
                let result = try await memory.search(SearchRequest(text: query, topK: 20, mode: mode, filter: filter))
                for hit in result.hits {
                    #expect(raws[agent, default: []].contains(hit.rawID ?? ""), "\(agent) got \(hit.rawID ?? "nil") in \(mode)")
                    #expect(sessions[agent, default: []].contains(hit.sessionID ?? ""))
                }
                if let session = sessions[agent]?.randomElement(using: &random) {
                    for event in try await memory.trace(session) {
                        #expect(event.kind == "chunk" ? raws[agent, default: []].contains(event.rawID ?? "") : calls[agent, default: []].contains(event.id))
                    }
                    let graph = try await memory.explain(session, maxDepth: 4)
                    let foreign = others.reduce(Set<String>()) { $0.union(raws[$1] ?? []).union(sessions[$1] ?? []).union(calls[$1] ?? []) }
                    #expect(graph.nodes.allSatisfy { !foreign.contains($0.id) && !foreign.contains($0.id.split(separator: "#").first.map(String.init) ?? "") })
                }
            }
        }
        try await context.close()
    }
}
