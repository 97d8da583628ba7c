import StrataCore
import StrataSQL

/// One L2 entry as an ingest job sees it.
private struct IngestItem {
    let rawID: String
    let vector: [Float]?
    let model: String?
    let supersedes: String?
}

extension ContextDatabase {
    static let chunksTable = "ctx_agent.agent_l1_chunks"
    static let embeddingsTable = "ctx_agent.agent_l1_embeddings"
    /// IDs per IN list in one statement.
    static let idsPerStatement = 1_000

    /// `ids` in parts of at most `idsPerStatement`, for IN lists.
    static func parts<C: RandomAccessCollection>(_ ids: C) -> [C.SubSequence] where C.Index == Int {
        stride(from: ids.startIndex, to: ids.endIndex, by: idsPerStatement).map { ids[$0..<min(ids.endIndex, $0 + idsPerStatement)] }
    }

    /// The `ingest` job (spec/context.md §8): cuts each L2 entry's text into chunks (one
    /// chunk when the entry came with its embedding), embeds the chunks that have no vector,
    /// and writes chunks and embeddings — after deleting what an interrupted earlier run of
    /// the job wrote, so a rerun ends in the same rows. Then it ends the validity of
    /// superseded entries' chunks and queues the summaries of the sessions and of the
    /// documents of more than one chunk.
    func ingest(_ payloads: [JSONValue]) async throws(StrataError) {
        var items: [IngestItem] = []
        for payload in payloads {
            for item in payload.array("items") {
                var vector: [Float]?
                if let encoded = item.optionalString("vector") {
                    let bytes = try Base64.decode(encoded)
                    vector = VectorCoding.decode(bytes, element: .float32, from: 0, count: bytes.count / 4)
                }
                items.append(IngestItem(rawID: try item.requiredString("raw_id"), vector: vector, model: item.optionalString("model"),
                                        supersedes: item.optionalString("supersedes")))
            }
        }
        let raws = try await rawRows(items.map(\.rawID))
        var chunkRows: [[String: Value]] = []
        var embeddingRows: [[String: Value]] = []
        var toEmbed: [(text: String, row: [String: Value])] = []
        var summaries: [(id: String, type: String, payload: JSONValue, agentID: String?)] = []
        for item in items {
            guard let raw = raws[item.rawID], let agent = raw.string("agent_id") else { continue }
            let session = raw.string("session_id")
            let created = raw.int("created_at") ?? Timestamp.now()
            guard let text = Self.text(of: raw) else { continue }
            let pieces = item.vector != nil ? [text.trimmingWhitespace()] : Chunker.chunks(text, options: configuration.chunking).map(\.text)
            for (n, piece) in pieces.enumerated() where !piece.isEmpty {
                let chunkID = "\(item.rawID)#\(n)"
                chunkRows.append([
                    "chunk_id": .string(chunkID), "raw_id": .string(item.rawID), "session_id": session.map(Value.string) ?? .null,
                    "content": .string(piece), "metadata": raw["metadata"], "created_at": .timestamp(created), "agent_id": .string(agent),
                    "valid_from": .timestamp(created),
                ])
                let base: [String: Value] = ["chunk_id": .string(chunkID), "created_at": .timestamp(created), "agent_id": .string(agent),
                                             "raw_id": .string(item.rawID), "session_id": session.map(Value.string) ?? .null]
                if let vector = item.vector {
                    embeddingRows.append(base.merging(["vector": .vector(vector), "model_name": .string(item.model ?? AgentMemory.externalModel)]) { $1 })
                } else {
                    toEmbed.append((piece, base))
                }
            }
            if let session {
                summaries.append(("summarize/\(agent)/session/\(session)", JobKind.summarize.rawValue,
                                  .object([("agent_id", .string(agent)), ("target_type", .string("session")), ("target_id", .string(session))]), agent))
            }
            if pieces.count > 1 {
                summaries.append(("summarize/\(agent)/doc/\(item.rawID)", JobKind.summarize.rawValue,
                                  .object([("agent_id", .string(agent)), ("target_type", .string("doc")), ("target_id", .string(item.rawID))]), agent))
            }
        }
        embeddingRows += try await embedded(toEmbed)
        let rawIDs = items.map(\.rawID)
        try await replace(Self.chunksTable, column: "raw_id", ids: rawIDs, with: chunkRows)
        try await replace(Self.embeddingsTable, column: "raw_id", ids: rawIDs, with: embeddingRows)
        for item in items {
            guard let old = item.supersedes, let raw = raws[item.rawID], let agent = raw.string("agent_id") else { continue }
            try await supersede(old, by: item.rawID, agentID: agent, at: raw.int("created_at") ?? Timestamp.now())
        }
        try await enqueueOnce(summaries)
    }

    /// Rows of `agent_l2_raw` by id.
    private func rawRows(_ ids: [String]) async throws(StrataError) -> [String: Row] {
        var found: [String: Row] = [:]
        for part in Self.parts(ids) {
            for row in try await rows("""
                SELECT raw_id, session_id, content, content_type, created_at, agent_id, metadata FROM ctx_agent.agent_l2_raw
                 WHERE raw_id IN \(SQLText.list(part))
                """) {
                if let id = row.string("raw_id") { found[id] = row }
            }
        }
        return found
    }

    /// The text of an L2 row: UTF-8 content of a text type (HTML stripped to text), nil for
    /// other types.
    static func text(of raw: Row) -> String? {
        guard case let .binary(bytes) = raw["content"] else { return nil }
        let type = (raw.string("content_type") ?? "text/plain").lowercased()
        guard DocumentText.isText(type) else { return nil }
        return DocumentText.plainText(String(decoding: bytes, as: UTF8.self), contentType: type)
    }

    /// Embeds texts with the configured embedder, 64 at a time.
    func embedded(_ pending: [(text: String, row: [String: Value])]) async throws(StrataError) -> [[String: Value]] {
        var rows: [[String: Value]] = []
        for start in stride(from: 0, to: pending.count, by: 64) {
            let part = Array(pending[start..<min(pending.count, start + 64)])
            let vectors = try await embedder.embed(part.map(\.text))
            guard vectors.count == part.count else {
                throw .invalidInput(what: "embedder \(embedder.modelName)", why: "returned \(vectors.count) vectors for \(part.count) texts")
            }
            for (item, vector) in zip(part, vectors) {
                try checkVector(vector, what: "a vector of embedder \(embedder.modelName)")
                rows.append(item.row.merging(["vector": .vector(vector), "model_name": .string(embedder.modelName)]) { $1 })
            }
        }
        return rows
    }

    /// Deletes the rows of `table` whose `column` is one of `ids`, then inserts `rows`: the
    /// idempotent write of every job step.
    func replace(_ table: String, column: String, ids: [String], with rows: [[String: Value]]) async throws(StrataError) {
        for part in Self.parts(ids) {
            try await write(table, "DELETE FROM \(table) WHERE \(column) IN \(SQLText.list(part))")
        }
        try await insert(table, rows)
    }

    /// Ends the validity of entry `old`'s chunks at `time` and links the entries.
    private func supersede(_ old: String, by new: String, agentID: String, at time: Int64) async throws(StrataError) {
        try await write(Self.chunksTable, """
            UPDATE \(Self.chunksTable) SET valid_until = \(SQLText.timestamp(time)), superseded_by = $1
             WHERE raw_id = $2 AND agent_id = $3 AND valid_until IS NULL
            """, [.string(new), .string(old), .string(agentID)])
        try await write("ctx_agent.agent_relations", "DELETE FROM ctx_agent.agent_relations WHERE source_id = $1 AND relation_type = 'supersedes'", [.string(new)])
        try await insert("ctx_agent.agent_relations", [["source_id": .string(new), "target_id": .string(old), "relation_type": .string("supersedes"),
                                                       "agent_id": .string(agentID), "created_at": .timestamp(time)]])
    }
}
