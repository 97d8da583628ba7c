import StrataCore
import StrataSQL

extension ContextDatabase {
    /// Characters of an L0 summary's sentences (keywords come on top).
    static let summaryCharacters = 1_000
    /// Chunks a summary reads at most (the most recent).
    static let summaryChunks = 2_000

    /// The `summarize` job: the L0 summary of an agent's session or document from its valid
    /// chunks, and per embedding model the normalised mean of the chunks' vectors as its L0
    /// vector (spec/context.md §5). Replaces what an earlier run wrote. Due jobs of this kind
    /// run together: one write per table for all their targets.
    func summarize(_ payloads: [JSONValue]) async throws(StrataError) {
        var targets: [String] = []
        var summaries: [[String: Value]] = []
        var vectors: [[String: Value]] = []
        let now = Timestamp.now()
        for payload in payloads {
            let agent = try payload.requiredString("agent_id")
            let type = try payload.requiredString("target_type")
            let target = try payload.requiredString("target_id")
            let column = type == "session" ? "session_id" : "raw_id"
            let scope = "agent_id = \(SQLText.literal(agent)) AND \(column) = \(SQLText.literal(target))"
            let chunks = try await rows("""
                SELECT content FROM \(Self.chunksTable) WHERE \(scope) AND \(SQLText.valid(at: now))
                 ORDER BY created_at DESC, chunk_id DESC LIMIT \(Self.summaryChunks)
                """).compactMap { $0.string("content") }.reversed()
            targets.append(target)
            guard !chunks.isEmpty else { continue }
            summaries.append(["target_id": .string(target), "target_type": .string(type), "agent_id": .string(agent), "updated_at": .timestamp(now),
                              "summary": .string(try await configuration.summarizer.summarize(Array(chunks), maxCharacters: Self.summaryCharacters))])
            for (model, vector) in Self.centroids(try await rows("SELECT model_name, vector FROM \(Self.embeddingsTable) WHERE \(scope)")) {
                vectors.append(["target_id": .string(target), "target_type": .string(type), "agent_id": .string(agent), "updated_at": .timestamp(now),
                                "model_name": .string(model), "vector": .vector(vector)])
            }
        }
        try await replace("ctx_agent.agent_l0_summaries", column: "target_id", ids: targets, with: summaries)
        try await replace("ctx_agent.agent_l0_embeddings", column: "target_id", ids: targets, with: vectors)
    }

    /// Per model, the normalised mean of the rows' vectors, by model name.
    static func centroids(_ rows: [Row]) -> [(String, [Float])] {
        var sums: [String: [Float]] = [:]
        for row in rows {
            guard let model = row.string("model_name"), let vector = row.vector("vector") else { continue }
            var sum = sums[model] ?? [Float](repeating: 0, count: vector.count)
            guard sum.count == vector.count else { continue }
            for i in sum.indices { sum[i] += vector[i] }
            sums[model] = sum
        }
        return sums.keys.sorted().compactMap { model in
            let sum = sums[model]!
            let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? (model, sum.map { $0 / norm }) : nil
        }
    }
}
