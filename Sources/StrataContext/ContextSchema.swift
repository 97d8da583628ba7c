import StrataCore

/// The tables of the three families and their indexes (spec/context.md §2), as SQL.
/// `ctx_meta.meta_tables` and `meta_columns` belong to the database itself (StrataSQL).
enum ContextSchema {
    /// One table: its qualified name, its columns as SQL, and its indexes.
    struct TableDefinition {
        let namespace: String
        let name: String
        let columns: String
        /// (index name, column, kind and settings after USING).
        let indexes: [(name: String, column: String, using: String)]

        var qualified: String { namespace + "." + name }
    }

    /// The tables whose rows `archive` and `prune` move, with the name of their copy in
    /// `ctx_archive` (spec/context.md §2.4).
    static let archived: [(hot: String, archive: String)] = [
        ("ctx_agent.agent_l2_raw", "ctx_archive.archive_l2_raw"),
        ("ctx_agent.agent_l1_chunks", "ctx_archive.archive_l1_chunks"),
        ("ctx_agent.agent_l1_embeddings", "ctx_archive.archive_l1_embeddings"),
        ("ctx_agent.agent_tool_calls", "ctx_archive.archive_tool_calls"),
    ]

    /// The namespaces the families live in (`ctx_meta` belongs to every database).
    static let namespaces = ["ctx_agent", "ctx_kb", "ctx_archive"]

    /// Every table, for embeddings of `dimension` elements.
    static func tables(dimension: Int) -> [TableDefinition] {
        let raw = """
            raw_id TEXT NOT NULL, source_id TEXT, session_id TEXT, content BYTEA, content_type TEXT, created_at TIMESTAMP NOT NULL,
            agent_id TEXT NOT NULL, metadata JSON
            """
        let chunks = """
            chunk_id TEXT NOT NULL, raw_id TEXT, session_id TEXT, content TEXT, metadata JSON, created_at TIMESTAMP NOT NULL,
            agent_id TEXT NOT NULL, valid_from TIMESTAMP, valid_until TIMESTAMP, superseded_by TEXT
            """
        let embeddings = """
            chunk_id TEXT NOT NULL, vector VECTOR(\(dimension)) NOT NULL, model_name TEXT NOT NULL, created_at TIMESTAMP NOT NULL,
            agent_id TEXT NOT NULL, raw_id TEXT, session_id TEXT
            """
        let toolCalls = """
            call_id TEXT NOT NULL, session_id TEXT, tool_name TEXT NOT NULL, params JSON, result TEXT, status TEXT,
            "timestamp" TIMESTAMP NOT NULL, agent_id TEXT NOT NULL
            """
        let archiveColumns = ", archived_at TIMESTAMP NOT NULL, archive_reason TEXT"
        let cosine = "HNSW WITH (metric = 'cosine')"
        return [
            TableDefinition(namespace: "ctx_agent", name: "agent_sessions", columns: """
                session_id TEXT NOT NULL, agent_id TEXT NOT NULL, user_id TEXT, status TEXT, start_time TIMESTAMP,
                end_time TIMESTAMP, metadata JSON
                """, indexes: [("sessions_id", "session_id", "BTREE"), ("sessions_agent", "agent_id", "BTREE"), ("sessions_user", "user_id", "BTREE"),
                               ("sessions_start", "start_time", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_l2_raw", columns: raw,
                            indexes: [("raw_id", "raw_id", "BTREE"), ("raw_source", "source_id", "BTREE"), ("raw_created", "created_at", "BTREE"),
                                      ("raw_agent", "agent_id", "BTREE"), ("raw_session", "session_id", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_l1_chunks", columns: chunks,
                            indexes: [("chunks_content", "content", "FTS"), ("chunks_id", "chunk_id", "BTREE"), ("chunks_raw", "raw_id", "BTREE"),
                                      ("chunks_session", "session_id", "BTREE"), ("chunks_agent", "agent_id", "BTREE"), ("chunks_created", "created_at", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_l1_embeddings", columns: embeddings,
                            indexes: [("embeddings_vector", "vector", cosine), ("embeddings_model", "model_name", "BITMAP"),
                                      ("embeddings_agent", "agent_id", "BTREE"), ("embeddings_chunk", "chunk_id", "BTREE"),
                                      ("embeddings_raw", "raw_id", "BTREE"), ("embeddings_session", "session_id", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_l0_summaries", columns: """
                target_id TEXT NOT NULL, target_type TEXT NOT NULL, summary TEXT, updated_at TIMESTAMP NOT NULL, agent_id TEXT NOT NULL
                """, indexes: [("summaries_text", "summary", "FTS"), ("summaries_id", "target_id", "BTREE"), ("summaries_agent", "agent_id", "BTREE"),
                               ("summaries_type", "target_type", "BITMAP")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_l0_embeddings", columns: """
                target_id TEXT NOT NULL, target_type TEXT NOT NULL, vector VECTOR(\(dimension)) NOT NULL, model_name TEXT NOT NULL,
                updated_at TIMESTAMP NOT NULL, agent_id TEXT NOT NULL
                """, indexes: [("l0_embeddings_target", "target_id", "BTREE"), ("l0_embeddings_agent", "agent_id", "BTREE"),
                               ("l0_embeddings_model", "model_name", "BITMAP")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_memories", columns: """
                memory_id TEXT NOT NULL, agent_id TEXT NOT NULL, kind TEXT NOT NULL, content TEXT, sources JSON, score DOUBLE,
                run_id TEXT NOT NULL, created_at TIMESTAMP NOT NULL, valid_from TIMESTAMP, valid_until TIMESTAMP, superseded_by TEXT
                """, indexes: [("memories_content", "content", "FTS"), ("memories_agent", "agent_id", "BTREE"), ("memories_run", "run_id", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_skills", columns: """
                skill_id TEXT NOT NULL, name TEXT NOT NULL, "schema" JSON, description TEXT, agent_id TEXT NOT NULL, version INT
                """, indexes: [("skills_agent", "agent_id", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_tool_calls", columns: toolCalls,
                            indexes: [("tool_calls_session", "session_id", "BTREE"), ("tool_calls_agent", "agent_id", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_relations", columns: """
                source_id TEXT NOT NULL, target_id TEXT NOT NULL, relation_type TEXT NOT NULL, agent_id TEXT NOT NULL, created_at TIMESTAMP NOT NULL
                """, indexes: [("relations_source", "source_id", "BTREE"), ("relations_target", "target_id", "BTREE"), ("relations_agent", "agent_id", "BTREE")]),
            TableDefinition(namespace: "ctx_kb", name: "kb_l2_raw_documents", columns: """
                doc_id TEXT NOT NULL, source_uri TEXT, content TEXT, metadata JSON, imported_at TIMESTAMP NOT NULL, kb_id TEXT NOT NULL,
                content_type TEXT
                """, indexes: [("documents_id", "doc_id", "BTREE"), ("documents_source", "source_uri", "BTREE"), ("documents_kb", "kb_id", "BTREE")]),
            TableDefinition(namespace: "ctx_kb", name: "kb_l1_chunks", columns: """
                chunk_id TEXT NOT NULL, doc_id TEXT NOT NULL, content TEXT, metadata JSON, kb_id TEXT NOT NULL
                """, indexes: [("kb_chunks_content", "content", "FTS"), ("kb_chunks_id", "chunk_id", "BTREE"), ("kb_chunks_doc", "doc_id", "BTREE"),
                               ("kb_chunks_kb", "kb_id", "BTREE")]),
            TableDefinition(namespace: "ctx_kb", name: "kb_l1_embeddings", columns: """
                chunk_id TEXT NOT NULL, vector VECTOR(\(dimension)) NOT NULL, model_name TEXT NOT NULL, doc_id TEXT NOT NULL, kb_id TEXT NOT NULL
                """, indexes: [("kb_embeddings_vector", "vector", cosine), ("kb_embeddings_model", "model_name", "BITMAP"),
                               ("kb_embeddings_chunk", "chunk_id", "BTREE"), ("kb_embeddings_doc", "doc_id", "BTREE"), ("kb_embeddings_kb", "kb_id", "BTREE")]),
            TableDefinition(namespace: "ctx_kb", name: "kb_l0_summaries", columns: """
                doc_id TEXT NOT NULL, summary TEXT, updated_at TIMESTAMP NOT NULL, kb_id TEXT NOT NULL
                """, indexes: [("kb_summaries_text", "summary", "FTS"), ("kb_summaries_id", "doc_id", "BTREE"), ("kb_summaries_kb", "kb_id", "BTREE")]),
            TableDefinition(namespace: "ctx_kb", name: "kb_l0_embeddings", columns: """
                doc_id TEXT NOT NULL, vector VECTOR(\(dimension)) NOT NULL, model_name TEXT NOT NULL, kb_id TEXT NOT NULL
                """, indexes: [("kb_l0_embeddings_doc", "doc_id", "BTREE"), ("kb_l0_embeddings_kb", "kb_id", "BTREE")]),
            TableDefinition(namespace: "ctx_meta", name: "meta_jobs", columns: """
                job_id TEXT NOT NULL, job_type TEXT NOT NULL, payload JSON, status TEXT NOT NULL, scheduled_at TIMESTAMP NOT NULL,
                attempts INT NOT NULL, last_error TEXT, agent_id TEXT, created_at TIMESTAMP NOT NULL, finished_at TIMESTAMP
                """, indexes: [("jobs_id", "job_id", "BTREE"), ("jobs_status", "status", "BITMAP"), ("jobs_scheduled", "scheduled_at", "BTREE")]),
            TableDefinition(namespace: "ctx_meta", name: "meta_mem_candidates", columns: """
                session_id TEXT, chunk_id TEXT NOT NULL, score DOUBLE, candidate_level TEXT, agent_id TEXT NOT NULL, run_id TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL
                """, indexes: [("candidates_chunk", "chunk_id", "BTREE"), ("candidates_agent", "agent_id", "BTREE"), ("candidates_run", "run_id", "BTREE")]),
            TableDefinition(namespace: "ctx_archive", name: "archive_l2_raw", columns: raw + archiveColumns,
                            indexes: [("archive_raw_id", "raw_id", "BTREE"), ("archive_raw_session", "session_id", "BTREE")]),
            TableDefinition(namespace: "ctx_archive", name: "archive_l1_chunks", columns: chunks + archiveColumns,
                            indexes: [("archive_chunks_id", "chunk_id", "BTREE"), ("archive_chunks_session", "session_id", "BTREE")]),
            TableDefinition(namespace: "ctx_archive", name: "archive_l1_embeddings", columns: embeddings + archiveColumns,
                            indexes: [("archive_embeddings_chunk", "chunk_id", "BTREE")]),
            TableDefinition(namespace: "ctx_archive", name: "archive_tool_calls", columns: toolCalls + archiveColumns,
                            indexes: [("archive_tool_calls_session", "session_id", "BTREE")]),
        ]
    }
}
