import StrataCore

/// One event of a session's trace.
public struct TraceEvent: Sendable, Hashable {
    /// `chunk` or `tool_call`.
    public var kind: String
    /// The chunk's or the call's id.
    public var id: String
    /// When (chunks: their content's creation; calls: their timestamp).
    public var time: Int64
    /// The chunk's text, or the call's tool name.
    public var content: String
    /// The chunk's L2 entry.
    public var rawID: String?
    /// The call's parameters (JSON), result and status.
    public var params: String?
    public var result: String?
    public var status: String?
    /// Whether it lies in the archive (spec/context.md §10).
    public var archived: Bool
}

extension AgentMemory {
    /// Starts a session of this agent (or records its details when it exists).
    /// - Throws: `.invalidInput` when the session belongs to another agent or the metadata
    ///   is not a JSON object.
    public func startSession(_ sessionID: String, userID: String? = nil, metadata: String? = nil) async throws(StrataError) {
        guard !sessionID.isEmpty else { throw .invalidInput(what: "session id", why: "must not be empty") }
        if let metadata {
            // Checked before the session is created, so bad metadata leaves nothing behind.
            guard case .object? = try? JSONParser.parse(metadata) else { throw .invalidInput(what: "session metadata", why: "must be a JSON object") }
        }
        let now = Timestamp.now()
        try await context.ensureSession(sessionID, agentID: agentID, start: now)
        if userID != nil || metadata != nil {
            try await context.write("ctx_agent.agent_sessions", "UPDATE ctx_agent.agent_sessions SET user_id = $1, metadata = $2 WHERE session_id = $3 AND \(scope)",
                                    [userID.map(Value.string) ?? .null, metadata.map(Value.json) ?? .null, .string(sessionID)])
        }
    }

    /// Ends a session: status `ended`, `end_time` now.
    /// - Throws: `.notFound` when this agent has no such session.
    public func endSession(_ sessionID: String) async throws(StrataError) {
        let changed = try await context.write("ctx_agent.agent_sessions", """
            UPDATE ctx_agent.agent_sessions SET status = 'ended', end_time = \(SQLText.timestamp(Timestamp.now())) WHERE session_id = $1 AND \(scope)
            """, [.string(sessionID)])
        guard changed > 0 else { throw .notFound(path: "session \(sessionID) of agent \(agentID)") }
    }

    /// Records a tool call of a session; returns its id.
    @discardableResult
    public func recordToolCall(sessionID: String?, tool: String, params: String? = nil, result: String? = nil, status: String = "ok",
                               at time: Int64? = nil) async throws(StrataError) -> String {
        guard !tool.isEmpty else { throw .invalidInput(what: "tool name", why: "must not be empty") }
        if let params { _ = try JSONParser.parse(params) }
        let now = time ?? Timestamp.now()
        if let sessionID { try await context.ensureSession(sessionID, agentID: agentID, start: now) }
        let id = ContextDatabase.newID("call")
        try await context.insert("ctx_agent.agent_tool_calls", [[
            "call_id": .string(id), "session_id": sessionID.map(Value.string) ?? .null, "tool_name": .string(tool),
            "params": params.map(Value.json) ?? .null, "result": result.map(Value.string) ?? .null, "status": .string(status),
            "timestamp": .timestamp(now), "agent_id": .string(agentID),
        ]])
        return id
    }

    /// Records that `source` relates to `target` (for `explain`).
    public func relate(_ source: String, to target: String, as relation: String) async throws(StrataError) {
        guard !source.isEmpty, !target.isEmpty, !relation.isEmpty else {
            throw .invalidInput(what: "relation", why: "source, target and type must not be empty")
        }
        try await context.insert("ctx_agent.agent_relations", [[
            "source_id": .string(source), "target_id": .string(target), "relation_type": .string(relation),
            "agent_id": .string(agentID), "created_at": .timestamp(Timestamp.now()),
        ]])
    }

    /// The session's chunks and tool calls in time order (ties: chunks before calls, then
    /// by id), from the live tables and the archive.
    /// - Throws: `.notFound` when this agent has no such session.
    public func trace(_ sessionID: String) async throws(StrataError) -> [TraceEvent] {
        guard try await !context.rows("SELECT session_id FROM ctx_agent.agent_sessions WHERE session_id = $1 AND \(scope)", [.string(sessionID)]).isEmpty else {
            throw .notFound(path: "session \(sessionID) of agent \(agentID)")
        }
        var events: [TraceEvent] = []
        for (table, archived) in [("ctx_agent.agent_l1_chunks", false), ("ctx_archive.archive_l1_chunks", true)] {
            for row in try await context.rows("SELECT chunk_id, content, raw_id, created_at FROM \(table) WHERE session_id = $1 AND \(scope)", [.string(sessionID)]) {
                events.append(TraceEvent(kind: "chunk", id: row.string("chunk_id") ?? "", time: row.int("created_at") ?? 0, content: row.string("content") ?? "",
                                         rawID: row.string("raw_id"), archived: archived))
            }
        }
        for (table, archived) in [("ctx_agent.agent_tool_calls", false), ("ctx_archive.archive_tool_calls", true)] {
            for row in try await context.rows("""
                SELECT call_id, tool_name, params, result, status, "timestamp" FROM \(table) WHERE session_id = $1 AND \(scope)
                """, [.string(sessionID)]) {
                events.append(TraceEvent(kind: "tool_call", id: row.string("call_id") ?? "", time: row.int("timestamp") ?? 0, content: row.string("tool_name") ?? "",
                                         params: row.string("params"), result: row.string("result"), status: row.string("status"), archived: archived))
            }
        }
        return events.sorted { a, b in
            if a.time != b.time { return a.time < b.time }
            if a.kind != b.kind { return a.kind == "chunk" }
            return Self.chunkOrder(a.id, b.id)
        }
    }

    /// Chunk ids `raw#n` in entry order, then by their number.
    private static func chunkOrder(_ a: String, _ b: String) -> Bool {
        let ra = ContextDatabase.entryID(ofChunk: a), rb = ContextDatabase.entryID(ofChunk: b)
        return ra != rb ? ra < rb : ContextDatabase.chunkNumber(a) < ContextDatabase.chunkNumber(b)
    }
}
