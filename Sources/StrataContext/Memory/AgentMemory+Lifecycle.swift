import StrataCore

/// Which chunks `prune` removes (spec/context.md §10).
public struct PrunePolicy: Sendable, Hashable {
    /// Only candidates scored at or below this.
    public var maxScore: Double?
    /// Only chunks created before this time (microseconds, UTC).
    public var olderThan: Int64?

    /// Every PRUNING candidate, or those the limits keep.
    public init(maxScore: Double? = nil, olderThan: Int64? = nil) {
        self.maxScore = maxScore
        self.olderThan = olderThan
    }
}

/// A long-term memory entry written by compaction.
public struct LongTermMemory: Sendable, Hashable {
    public var memoryID: String
    /// `profile` (a promoted chunk) or `episode` (a promoted session's summary).
    public var kind: String
    public var content: String
    public var score: Double
    public var runID: String
}

extension AgentMemory {
    /// Queues the pruning of this agent's PRUNING candidates (from compaction): their chunks
    /// and embeddings move to the archive — gone from search, still traceable. Returns the
    /// job id.
    @discardableResult
    public func prune(_ policy: PrunePolicy = PrunePolicy()) async throws(StrataError) -> String {
        var payload: [(String, JSONValue)] = [("agent_id", .string(agentID))]
        if let max = policy.maxScore { payload.append(("max_score", .number("\(max)"))) }
        if let before = policy.olderThan { payload.append(("older_than", .number("\(before)"))) }
        return try await context.enqueue(type: JobKind.prune.rawValue, payload: .object(payload), agentID: agentID)
    }

    /// Queues the archiving of a session: its entries, chunks, embeddings and tool calls
    /// move to `ctx_archive`, where `trace` and `explain` still find them. Returns the job id.
    /// - Throws: `.notFound` when this agent has no such session.
    @discardableResult
    public func archive(_ sessionID: String) async throws(StrataError) -> String {
        guard try await !context.rows("SELECT session_id FROM ctx_agent.agent_sessions WHERE session_id = $1 AND \(scope)", [.string(sessionID)]).isEmpty else {
            throw .notFound(path: "session \(sessionID) of agent \(agentID)")
        }
        return try await context.enqueue(type: JobKind.archive.rawValue, payload: .object([("agent_id", .string(agentID)), ("session_id", .string(sessionID))]),
                                         agentID: agentID)
    }

    /// Queues a compaction run (normally daily) and returns (run id, job id).
    public func compact(_ policy: CompactionPolicy = CompactionPolicy(), at time: Int64? = nil) async throws(StrataError) -> (runID: String, jobID: String) {
        let run = ContextDatabase.newID("run")
        var payload: [(String, JSONValue)] = [("agent_id", .string(agentID)), ("run_id", .string(run)), ("policy", policy.json)]
        if let time { payload.append(("now", .number("\(time)"))) }
        let job = try await context.enqueue(type: JobKind.compact.rawValue, payload: .object(payload), agentID: agentID)
        return (run, job)
    }

    /// Undoes compaction run `runID`: its candidates and promotions go, in one commit each.
    public func rollbackCompaction(_ runID: String) async throws(StrataError) {
        let condition = "run_id = $1 AND \(scope)"
        // The entries this run superseded are valid again.
        let made = try await context.rows("SELECT memory_id FROM ctx_agent.agent_memories WHERE \(condition)", [.string(runID)]).compactMap { $0.string("memory_id") }
        if !made.isEmpty {
            try await context.write("ctx_agent.agent_memories", """
                UPDATE ctx_agent.agent_memories SET valid_until = NULL, superseded_by = NULL WHERE \(scope) AND superseded_by IN \(SQLText.list(made))
                """)
        }
        try await context.write("ctx_agent.agent_memories", "DELETE FROM ctx_agent.agent_memories WHERE \(condition)", [.string(runID)])
        try await context.write("ctx_meta.meta_mem_candidates", "DELETE FROM ctx_meta.meta_mem_candidates WHERE \(condition)", [.string(runID)])
    }

    /// This agent's long-term memory entries valid now, best first.
    public func longTermMemories() async throws(StrataError) -> [LongTermMemory] {
        try await context.rows("""
            SELECT memory_id, kind, content, score, run_id FROM ctx_agent.agent_memories WHERE \(scope) AND \(SQLText.valid(at: Timestamp.now()))
             ORDER BY score DESC, memory_id
            """).map {
            LongTermMemory(memoryID: $0.string("memory_id") ?? "", kind: $0.string("kind") ?? "", content: $0.string("content") ?? "",
                           score: $0.double("score") ?? 0, runID: $0.string("run_id") ?? "")
        }
    }

    /// The candidates compaction recorded for this agent (all runs, newest first).
    public func memoryCandidates() async throws(StrataError) -> [(sessionID: String?, chunkID: String, score: Double, level: String, runID: String)] {
        try await context.rows("""
            SELECT session_id, chunk_id, score, candidate_level, run_id FROM ctx_meta.meta_mem_candidates WHERE \(scope)
             ORDER BY created_at DESC, run_id, chunk_id, session_id
            """).map { ($0.string("session_id"), $0.string("chunk_id") ?? "", $0.double("score") ?? 0, $0.string("candidate_level") ?? "", $0.string("run_id") ?? "") }
    }
}
