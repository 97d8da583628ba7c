import StrataCore
import StrataSQL

/// The tables one search reads and the condition that keeps it to its owner: an agent's
/// memory, or a knowledge base. Both have the same shape — L1 chunks with full text, L1
/// embeddings, L0 summaries with their vectors, L2 entries — under other names.
struct Corpus: Sendable {
    /// `memory`, or `kb:` and the knowledge base's name.
    let source: String
    let chunks: String
    let embeddings: String
    let summaries: String
    let summaryEmbeddings: String
    let entries: String
    /// The owner condition, true of this corpus's rows only.
    let scope: String
    /// The column of chunks and embeddings naming the L2 entry.
    let entryColumn: String
    /// Whether chunks carry `session_id` and validity times.
    let isMemory: Bool
    /// The L0 tables' target column.
    let targetColumn: String

    /// An agent's memory.
    static func memory(agentID: String) -> Corpus {
        Corpus(source: "memory", chunks: "ctx_agent.agent_l1_chunks", embeddings: "ctx_agent.agent_l1_embeddings",
               summaries: "ctx_agent.agent_l0_summaries", summaryEmbeddings: "ctx_agent.agent_l0_embeddings", entries: "ctx_agent.agent_l2_raw",
               scope: "agent_id = " + SQLText.literal(agentID), entryColumn: "raw_id", isMemory: true, targetColumn: "target_id")
    }

    /// A knowledge base.
    static func knowledgeBase(_ name: String) -> Corpus {
        Corpus(source: "kb:" + name, chunks: "ctx_kb.kb_l1_chunks", embeddings: "ctx_kb.kb_l1_embeddings",
               summaries: "ctx_kb.kb_l0_summaries", summaryEmbeddings: "ctx_kb.kb_l0_embeddings", entries: "ctx_kb.kb_l2_raw_documents",
               scope: "kb_id = " + SQLText.literal(name), entryColumn: "doc_id", isMemory: false, targetColumn: "doc_id")
    }

    /// The chunk columns a hit is made of.
    var chunkColumns: String {
        isMemory ? "chunk_id, content, metadata, raw_id, session_id, created_at" : "chunk_id, content, metadata, doc_id"
    }

    /// The L0 targets' type column (`'doc'` for knowledge bases, which summarise documents only).
    var targetType: String { isMemory ? "target_type" : "'doc' AS target_type" }

    /// The condition keeping chunks and embeddings to the given L0 targets.
    func restriction(_ targets: [L0Target]) -> String {
        let sessions = targets.filter { $0.type == "session" }.map(\.id)
        let entries = targets.filter { $0.type != "session" }.map(\.id)
        var parts: [String] = []
        if !sessions.isEmpty && isMemory { parts.append("session_id IN \(SQLText.list(sessions))") }
        if !entries.isEmpty { parts.append("\(entryColumn) IN \(SQLText.list(entries))") }
        return parts.isEmpty ? "FALSE" : "(" + parts.joined(separator: " OR ") + ")"
    }

    /// A hit known by its id only; `filled(from:)` adds the rest once it is among the results.
    func candidate(_ chunkID: String) -> SearchHit {
        SearchHit(chunkID: chunkID, content: "", metadata: nil, rawID: nil, sessionID: nil, createdAt: nil, source: source, score: 0,
                  explanation: HitExplanation(stage: "global", via: []), evidence: nil)
    }

    /// `hit` with the columns of its chunk row (a row of `chunkColumns`).
    func filled(_ hit: SearchHit, from row: Row) -> SearchHit {
        var hit = hit
        hit.content = row.string("content") ?? ""
        hit.metadata = row.string("metadata")
        hit.rawID = row.string(entryColumn)
        hit.sessionID = isMemory ? row.string("session_id") : nil
        hit.createdAt = isMemory ? row.int("created_at") : nil
        return hit
    }
}

/// A session or document found at L0.
struct L0Target: Sendable, Hashable {
    let source: String
    let id: String
    let type: String

    var label: String { "\(type) \(id)" }
}
