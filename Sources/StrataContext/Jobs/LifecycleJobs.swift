import StrataCore

extension ContextDatabase {
    /// The `archive` job: moves a session's L2 entries, chunks, embeddings and tool calls
    /// to `ctx_archive` (spec/context.md §10), drops its derived L0 rows, and marks the
    /// session `archived`. Rows are copied first — only those the archive lacks, so a rerun
    /// after a crash neither loses nor doubles any — and then deleted from the live tables.
    func archive(_ payload: JSONValue) async throws(StrataError) {
        let agent = try payload.requiredString("agent_id")
        let session = try payload.requiredString("session_id")
        let condition = "agent_id = \(SQLText.literal(agent)) AND session_id = \(SQLText.literal(session))"
        let raws = try await rows("SELECT raw_id FROM ctx_agent.agent_l2_raw WHERE \(condition)").compactMap { $0.string("raw_id") }
        try await moveToArchive(condition: condition, reason: "archive", tables: ContextSchema.archived)
        let targets = [session] + raws
        for table in ["ctx_agent.agent_l0_summaries", "ctx_agent.agent_l0_embeddings"] {
            for part in Self.parts(targets) {
                try await write(table, "DELETE FROM \(table) WHERE agent_id = \(SQLText.literal(agent)) AND target_id IN \(SQLText.list(part))")
            }
        }
        try await write("ctx_agent.agent_sessions", """
            UPDATE ctx_agent.agent_sessions SET status = 'archived', end_time = coalesce(end_time, \(SQLText.timestamp(Timestamp.now())))
             WHERE session_id = $1 AND agent_id = $2
            """, [.string(session), .string(agent)])
    }

    /// The `prune` job: moves the agent's chunks marked PRUNING in `meta_mem_candidates`
    /// (at or below `max_score` and created before `older_than` when given) with their
    /// embeddings to the archive — a soft delete: they leave search, stay traceable, and
    /// their L2 entries stay — and marks the candidates PRUNED.
    func prune(_ payload: JSONValue) async throws(StrataError) {
        let agent = try payload.requiredString("agent_id")
        var condition = "agent_id = \(SQLText.literal(agent)) AND candidate_level = 'PRUNING' AND chunk_id <> ''"
        if let max = payload.optionalDouble("max_score") { condition += " AND score <= \(max)" }
        var chunks = Set(try await rows("SELECT chunk_id FROM ctx_meta.meta_mem_candidates WHERE \(condition)").compactMap { $0.string("chunk_id") })
        if let before = payload.optionalDouble("older_than"), !chunks.isEmpty {
            chunks = Set(try await rows("""
                SELECT chunk_id FROM \(Self.chunksTable) WHERE agent_id = \(SQLText.literal(agent)) AND chunk_id IN \(SQLText.list(chunks.sorted()))
                 AND created_at < \(SQLText.timestamp(Int64(before)))
                """).compactMap { $0.string("chunk_id") })
        }
        let ids = chunks.sorted()
        for slice in Self.parts(ids) {
            let part = SQLText.list(slice)
            try await moveToArchive(condition: "agent_id = \(SQLText.literal(agent)) AND chunk_id IN \(part)", reason: "prune",
                                    tables: ContextSchema.archived.filter { $0.hot == Self.chunksTable || $0.hot == Self.embeddingsTable })
            try await write("ctx_meta.meta_mem_candidates", """
                UPDATE ctx_meta.meta_mem_candidates SET candidate_level = 'PRUNED' WHERE agent_id = \(SQLText.literal(agent)) AND chunk_id IN \(part)
                 AND candidate_level = 'PRUNING'
                """)
        }
    }

    /// Copies the rows of each live table matching `condition` to its archive table (those
    /// the archive does not hold yet, by key), then deletes them from the live table.
    func moveToArchive(condition: String, reason: String, tables: [(hot: String, archive: String)]) async throws(StrataError) {
        let now = Timestamp.now()
        for (hot, archive) in tables {
            let live = try await rows("SELECT * FROM \(hot) WHERE \(condition)")
            guard !live.isEmpty else { continue }
            let key = Self.archiveKey(hot)
            let held = Set(try await rows("SELECT \(key.joined(separator: ", ")) FROM \(archive) WHERE \(condition)").map { row in key.map { row[$0] } })
            let missing = live.filter { row in !held.contains(key.map { row[$0] }) }.map { row -> [String: Value] in
                var values = Dictionary(uniqueKeysWithValues: zip(row.names, row.values))
                values["archived_at"] = .timestamp(now)
                values["archive_reason"] = .string(reason)
                return values
            }
            try await insert(archive, missing)
            try await write(hot, "DELETE FROM \(hot) WHERE \(condition)")
        }
    }

    /// The columns that identify a row of a live table.
    private static func archiveKey(_ table: String) -> [String] {
        switch table {
        case "ctx_agent.agent_l2_raw": return ["raw_id"]
        case "ctx_agent.agent_l1_embeddings": return ["chunk_id", "model_name"]
        case "ctx_agent.agent_tool_calls": return ["call_id"]
        default: return ["chunk_id"]
        }
    }
}
