import Foundation
import StrataCore

/// One agent's view of a context database: everything it adds carries its `agentID`, and
/// everything it reads is filtered to it (spec/context.md §9) — it can neither read nor
/// change another agent's rows.
public struct AgentMemory: Sendable {
    /// The database.
    public let context: ContextDatabase
    /// The agent.
    public let agentID: String

    /// The condition selecting this agent's rows.
    var scope: String { "agent_id = " + SQLText.literal(agentID) }
}

/// Content added to an agent's memory: one L2 entry.
public struct MemoryEntry: Sendable {
    /// The content: text, or bytes of another type (stored, not chunked).
    public var content: Content
    /// Its media type (`text/plain`, `text/markdown`, `text/html`, `application/json`, …).
    /// Text types are chunked; HTML is stripped to its text first.
    public var contentType: String
    /// The session it belongs to (created for this agent when new).
    public var sessionID: String?
    /// A JSON object carried to every chunk.
    public var metadata: String?
    /// A precomputed embedding of the whole content: the content becomes one chunk with
    /// this vector, used as is.
    public var embedding: [Float]?
    /// The model that made `embedding` (`external` when not named).
    public var model: String?
    /// When it happened (microseconds, UTC); now when nil.
    public var createdAt: Int64?
    /// Where it came from (a URL, a message id …).
    public var sourceID: String?
    /// The L2 entry this one replaces: that entry's chunks stop being valid when this one's
    /// become searchable (spec/context.md §7).
    public var supersedes: String?

    /// Text or bytes.
    public enum Content: Sendable, Hashable {
        case text(String)
        case bytes([UInt8])
    }

    /// An entry; see each property.
    public init(_ content: Content, contentType: String = "text/plain", sessionID: String? = nil, metadata: String? = nil,
                embedding: [Float]? = nil, model: String? = nil, createdAt: Int64? = nil, sourceID: String? = nil, supersedes: String? = nil) {
        self.content = content
        self.contentType = contentType
        self.sessionID = sessionID
        self.metadata = metadata
        self.embedding = embedding
        self.model = model
        self.createdAt = createdAt
        self.sourceID = sourceID
        self.supersedes = supersedes
    }

    /// A text entry.
    public init(text: String, sessionID: String? = nil, metadata: String? = nil, embedding: [Float]? = nil, model: String? = nil,
                createdAt: Int64? = nil) {
        self.init(.text(text), sessionID: sessionID, metadata: metadata, embedding: embedding, model: model, createdAt: createdAt)
    }
}

/// What `add` returns: the new L2 entry and the job that derives L1 and L0 from it.
public struct AddReceipt: Sendable, Hashable {
    /// The L2 entry's id (`raw_id`).
    public var rawID: String
    /// The ingest job (`meta_jobs.job_id`).
    public var jobID: String
}

extension AgentMemory {
    /// The model name of vectors given without one.
    public static let externalModel = "external"
    /// Entries per ingest job in a batch add.
    static let entriesPerJob = 256

    /// Adds content to this agent's memory. The L2 entry is written and durable when this
    /// returns; its L1 chunks and embeddings, and the L0 summaries of its session and
    /// document, follow as a job (the receipt's `jobID`).
    /// - Throws: `.invalidInput` for empty content, metadata that is not a JSON object, an
    ///   embedding of the wrong dimension or with non-finite elements, or a session of
    ///   another agent; storage errors.
    @discardableResult
    public func add(_ content: String, contentType: String = "text/plain", sessionID: String? = nil, metadata: String? = nil,
                    embedding: [Float]? = nil, model: String? = nil) async throws(StrataError) -> AddReceipt {
        try await add([MemoryEntry(.text(content), contentType: contentType, sessionID: sessionID, metadata: metadata,
                                   embedding: embedding, model: model)])[0]
    }

    /// Adds entries, all checked before any is written; the L2 entries are written in one
    /// commit, and ingest jobs of up to 256 entries follow.
    public func add(_ entries: [MemoryEntry]) async throws(StrataError) -> [AddReceipt] {
        guard !entries.isEmpty else { return [] }
        let now = Timestamp.now()
        var rows: [[String: Value]] = []
        var items: [JSONValue] = []
        var sessions: [String] = []
        for (n, entry) in entries.enumerated() {
            let (row, item) = try checkedRow(entry, number: n + 1, entries: entries.count, now: now)
            rows.append(row)
            items.append(item)
            if let session = entry.sessionID, !sessions.contains(session) { sessions.append(session) }
        }
        let replaced = Set(entries.compactMap(\.supersedes))
        if !replaced.isEmpty {
            let own = Set(try await context.rows("SELECT raw_id FROM ctx_agent.agent_l2_raw WHERE raw_id IN \(SQLText.list(replaced)) AND \(scope)")
                .compactMap { $0.string("raw_id") })
            if let missing = replaced.subtracting(own).sorted().first { throw .notFound(path: "entry \(missing) of agent \(agentID)") }
        }
        for session in sessions { try await context.ensureSession(session, agentID: agentID, start: now) }
        try await context.insert("ctx_agent.agent_l2_raw", rows)
        var receipts: [AddReceipt] = []
        var start = 0
        while start < items.count {
            let end = min(items.count, start + Self.entriesPerJob)
            let payload = JSONValue.object([("agent_id", .string(agentID)), ("items", .array(Array(items[start..<end])))])
            let job = try await context.enqueue(type: JobKind.ingest.rawValue, payload: payload, agentID: agentID)
            for row in rows[start..<end] {
                if case let .string(raw)? = row["raw_id"] { receipts.append(AddReceipt(rawID: raw, jobID: job)) }
            }
            start = end
        }
        return receipts
    }

    /// The L2 row of `entry` and its item in the ingest job's payload.
    private func checkedRow(_ entry: MemoryEntry, number: Int, entries: Int, now: Int64) throws(StrataError) -> ([String: Value], JSONValue) {
        let what = entries == 1 ? "content" : "entry \(number)"
        let content: [UInt8]
        switch entry.content {
        case let .text(text):
            guard !text.trimmingWhitespace().isEmpty else { throw .invalidInput(what: what, why: "is empty") }
            content = Array(text.utf8)
        case let .bytes(bytes):
            guard !bytes.isEmpty else { throw .invalidInput(what: what, why: "is empty") }
            content = bytes
        }
        if let session = entry.sessionID, session.isEmpty { throw .invalidInput(what: "\(what): session id", why: "must not be empty") }
        if let metadata = entry.metadata {
            guard case .object? = try? JSONParser.parse(metadata) else {
                throw .invalidInput(what: "\(what): metadata", why: "must be a JSON object")
            }
        }
        let rawID = ContextDatabase.newID("raw")
        var item: [(String, JSONValue)] = [("raw_id", .string(rawID))]
        if let embedding = entry.embedding {
            try context.checkVector(embedding, what: "\(what): embedding")
            var bytes: [UInt8] = []
            try VectorCoding.append(embedding, element: .float32, to: &bytes)
            item.append(("vector", .string(Base64.encode(bytes))))
            item.append(("model", .string(entry.model ?? Self.externalModel)))
        } else if entry.model != nil {
            throw .invalidInput(what: "\(what): model", why: "names the model of an embedding, and there is none")
        }
        if let old = entry.supersedes { item.append(("supersedes", .string(old))) }
        let row: [String: Value] = [
            "raw_id": .string(rawID), "source_id": entry.sourceID.map(Value.string) ?? .null,
            "session_id": entry.sessionID.map(Value.string) ?? .null, "content": .binary(content),
            "content_type": .string(entry.contentType), "created_at": .timestamp(entry.createdAt ?? now),
            "agent_id": .string(agentID), "metadata": entry.metadata.map(Value.json) ?? .null,
        ]
        return (row, .object(item))
    }

    /// Replaces the L2 entry `rawID` with new content: a new entry that supersedes it. The
    /// old entry's chunks stay, valid until the new ones are searchable, and are then
    /// returned only for searches at an earlier time (spec/context.md §7).
    /// - Throws: `.notFound` when this agent has no entry `rawID`.
    @discardableResult
    public func update(_ rawID: String, with entry: MemoryEntry) async throws(StrataError) -> AddReceipt {
        var replacement = entry
        replacement.supersedes = rawID
        return try await add([replacement])[0]
    }
}

extension ContextDatabase {
    /// Checks that `vector` fits the database's embeddings.
    func checkVector(_ vector: [Float], what: String) throws(StrataError) {
        guard vector.count == embeddingDimension else {
            throw .invalidInput(what: what, why: "has \(vector.count) elements; this database's embeddings have \(embeddingDimension)")
        }
        guard vector.allSatisfy(\.isFinite) else { throw .invalidInput(what: what, why: "holds a NaN or an infinity") }
    }

    /// Whether agent `agentID` has any L2 entry, live or archived (an agent exists through
    /// its memory).
    public func hasAgent(_ agentID: String) async throws(StrataError) -> Bool {
        for table in ["ctx_agent.agent_l2_raw", "ctx_archive.archive_l2_raw"] {
            if try await !rows("SELECT raw_id FROM \(table) WHERE agent_id = $1 LIMIT 1", [.string(agentID)]).isEmpty { return true }
        }
        return false
    }

    /// The agent whose session `sessionID` is (nil for a session no agent has yet).
    public func sessionOwner(_ sessionID: String) async throws(StrataError) -> String? {
        if let known = state.withLock({ $0.sessions[sessionID] }) { return known }
        return try await rows("SELECT agent_id FROM ctx_agent.agent_sessions WHERE session_id = $1", [.string(sessionID)]).first?.string("agent_id")
    }

    /// Makes sure session `sessionID` exists and is `agentID`'s, creating it when new.
    /// - Throws: `.invalidInput` when it belongs to another agent.
    func ensureSession(_ sessionID: String, agentID: String, start: Int64) async throws(StrataError) {
        if let owner = try await sessionOwner(sessionID) {
            state.withLock { _ = $0.sessions[sessionID] = owner }
            guard owner == agentID else { throw Self.foreignSession(sessionID, agentID) }
            return
        }
        // Claim it here first, so that two adds of this handle create it once.
        let claimed = state.withLock { state -> String? in
            if let owner = state.sessions[sessionID] { return owner }
            state.sessions[sessionID] = agentID
            return nil
        }
        if let claimed {
            guard claimed == agentID else { throw Self.foreignSession(sessionID, agentID) }
            return
        }
        try await insert("ctx_agent.agent_sessions", [["session_id": .string(sessionID), "agent_id": .string(agentID), "status": .string("active"),
                                                       "start_time": .timestamp(start)]])
    }

    private static func foreignSession(_ sessionID: String, _ agentID: String) -> StrataError {
        .invalidInput(what: "session '\(sessionID)'", why: "is not a session of agent '\(agentID)'")
    }
}
