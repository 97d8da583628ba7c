import StrataCore

/// How `search` finds chunks (spec/context.md §6).
public enum SearchMode: String, Sendable, Hashable, CaseIterable {
    /// Nearest L1 embeddings of the query vector's model.
    case vector
    /// BM25 over L1 chunk text.
    case fullText = "fts"
    /// Both, fused by reciprocal rank fusion.
    case hybrid
    /// L0 summaries (hybrid) pick sessions and documents, L1 hybrid search runs inside
    /// them, and each hit carries its L2 evidence. The default.
    case chain
}

/// A search.
public struct SearchRequest: Sendable {
    /// The query text (for full text, and embedded by the database's embedder when no
    /// vector is given).
    public var text: String?
    /// A precomputed query vector.
    public var vector: [Float]?
    /// The model that made `vector`; vectors of other models are never compared with it.
    /// When nil: the one model of the corpora's precomputed vectors, else `external`
    /// (spec/context.md §4.1).
    public var model: String?
    /// Results wanted.
    public var topK: Int
    /// How to search.
    public var mode: SearchMode
    /// A SQL condition on chunk columns (`created_at`, `session_id`, `metadata`, …), ANDed
    /// to the search.
    public var filter: String?
    /// Return what was valid at this time (microseconds, UTC) instead of now.
    public var validAt: Int64?
    /// Knowledge bases searched together with the agent's memory.
    public var knowledgeBases: [String]
    /// Whether the agent's own memory is searched (false: the knowledge bases only).
    public var includeMemory: Bool
    /// Whether chain-mode evidence carries the L2 entry's text (`Evidence.excerpt`); it
    /// always carries the entry's id, source, type and time.
    public var evidenceText: Bool

    /// A search; see each property.
    public init(text: String? = nil, vector: [Float]? = nil, model: String? = nil, topK: Int = 10, mode: SearchMode = .chain,
                filter: String? = nil, validAt: Int64? = nil, knowledgeBases: [String] = [], includeMemory: Bool = true, evidenceText: Bool = false) {
        self.evidenceText = evidenceText
        self.text = text
        self.vector = vector
        self.model = model
        self.topK = topK
        self.mode = mode
        self.filter = filter
        self.validAt = validAt
        self.knowledgeBases = knowledgeBases
        self.includeMemory = includeMemory
    }
}

/// One chunk found.
public struct SearchHit: Sendable, Hashable {
    /// The chunk.
    public var chunkID: String
    /// Its text.
    public var content: String
    /// Its metadata (a JSON object), if any.
    public var metadata: String?
    /// Its L2 entry: `raw_id` of agent memory, `doc_id` of a knowledge base.
    public var rawID: String?
    /// Its session (agent memory).
    public var sessionID: String?
    /// When its content was created (agent memory).
    public var createdAt: Int64?
    /// `memory`, or `kb:` and the knowledge base's name.
    public var source: String
    /// Higher is better: BM25 for full text, 1 − cosine distance for vector, the fused RRF
    /// score for hybrid and chain.
    public var score: Double
    /// How it was found.
    public var explanation: HitExplanation
    /// Its L2 evidence (chain mode).
    public var evidence: Evidence?
}

/// How a hit was found.
public struct HitExplanation: Sendable, Hashable {
    /// Its rank (from 1) and BM25 score in the full-text list, if it was there.
    public var fullTextRank: Int?
    public var fullTextScore: Double?
    /// Its rank and cosine distance in the vector list, if it was there.
    public var vectorRank: Int?
    public var vectorDistance: Double?
    /// `global` (all of the corpus), `shortlist` (inside the L0 targets) or `fill` (the
    /// chain topped up a short shortlist result from the global search).
    public var stage: String
    /// The L0 targets (sessions, documents) that led to it.
    public var via: [String]

    /// A line for people: "fts #2 (bm25 7.31) + vector #1 (distance 0.142) via session s1".
    public var summary: String {
        var parts: [String] = []
        if let rank = fullTextRank { parts.append("fts #\(rank)" + (fullTextScore.map { " (bm25 \(Self.short($0)))" } ?? "")) }
        if let rank = vectorRank { parts.append("vector #\(rank)" + (vectorDistance.map { " (distance \(Self.short($0)))" } ?? "")) }
        var text = parts.joined(separator: " + ")
        if !via.isEmpty { text += " via " + via.joined(separator: ", ") }
        return text + " [\(stage)]"
    }

    private static func short(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return "\(scaled)"
    }
}

/// A hit's L2 entry.
public struct Evidence: Sendable, Hashable {
    /// `raw_id` or `doc_id`.
    public var id: String
    /// `source_id` or `source_uri`.
    public var source: String?
    /// Its media type (agent memory).
    public var contentType: String?
    /// When it was created or imported.
    public var createdAt: Int64?
    /// Its text, at most `Evidence.excerptCharacters` characters (when the request asked).
    public var excerpt: String?

    /// The longest excerpt carried.
    public static let excerptCharacters = 2_000
}

/// One stage of a search, for EXPLAIN.
public struct SearchStage: Sendable, Hashable {
    /// `l0.fts`, `l0.vector`, `l0.fuse`, `l1.fts`, `l1.vector`, `l1.fuse`, `fill`, `l2.evidence`.
    public var name: String
    /// Candidates it produced.
    public var candidates: Int
    /// Its time in microseconds (arms that run side by side each count their own).
    public var micros: Int64
    /// What it did.
    public var detail: String
}

/// What `search` returns.
public struct SearchResult: Sendable {
    /// The hits, best first.
    public var hits: [SearchHit]
    /// The stages, in order.
    public var stages: [SearchStage]
    /// For chain mode: whether L0 was confident (its shortlist was searched); nil otherwise.
    public var confident: Bool?

    /// EXPLAIN: one line per stage.
    public var explanation: String {
        stages.map { "\($0.name)  candidates=\($0.candidates)  time=\(Double($0.micros) / 1000) ms  \($0.detail)" }.joined(separator: "\n")
    }
}
