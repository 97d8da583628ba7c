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

    /// Every table, for embeddings of `dimension` elements.
    static func tables(dimension: Int) -> [TableDefinition] {
        [
            TableDefinition(namespace: "ctx_agent", name: "agent_sessions", columns: """
                session_id TEXT NOT NULL, agent_id TEXT NOT NULL, user_id TEXT, status TEXT, start_time TIMESTAMP,
                end_time TIMESTAMP, metadata JSON
                """, indexes: [("sessions_agent", "agent_id", "BTREE"), ("sessions_user", "user_id", "BTREE"), ("sessions_start", "start_time", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_l2_raw", columns: """
                raw_id TEXT NOT NULL, source_id TEXT, session_id TEXT, content BYTEA, content_type TEXT, created_at TIMESTAMP NOT NULL,
                agent_id TEXT NOT NULL
                """, indexes: [("raw_source", "source_id", "BTREE"), ("raw_created", "created_at", "BTREE"), ("raw_agent", "agent_id", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_l1_chunks", columns: """
                chunk_id TEXT NOT NULL, raw_id TEXT, session_id TEXT, content TEXT, metadata JSON, created_at TIMESTAMP NOT NULL,
                agent_id TEXT NOT NULL, valid_from TIMESTAMP, valid_until TIMESTAMP, superseded_by TEXT
                """, indexes: [("chunks_content", "content", "FTS"), ("chunks_agent", "agent_id", "BTREE"), ("chunks_created", "created_at", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_l1_embeddings", columns: """
                chunk_id TEXT NOT NULL, vector VECTOR(\(dimension)) NOT NULL, model_name TEXT NOT NULL, created_at TIMESTAMP NOT NULL,
                agent_id TEXT NOT NULL
                """, indexes: [("embeddings_vector", "vector", "HNSW WITH (metric = 'cosine')"), ("embeddings_model", "model_name", "BITMAP"),
                               ("embeddings_agent", "agent_id", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_l0_summaries", columns: """
                target_id TEXT NOT NULL, target_type TEXT NOT NULL, summary TEXT, updated_at TIMESTAMP NOT NULL, agent_id TEXT NOT NULL
                """, indexes: [("summaries_text", "summary", "FTS"), ("summaries_agent", "agent_id", "BTREE"), ("summaries_type", "target_type", "BITMAP")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_skills", columns: """
                skill_id TEXT NOT NULL, name TEXT NOT NULL, "schema" JSON, description TEXT, agent_id TEXT NOT NULL, version INT
                """, indexes: [("skills_agent", "agent_id", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_tool_calls", columns: """
                call_id TEXT NOT NULL, session_id TEXT, tool_name TEXT NOT NULL, params JSON, result TEXT, status TEXT,
                "timestamp" TIMESTAMP NOT NULL, agent_id TEXT NOT NULL
                """, indexes: [("tool_calls_session", "session_id", "BTREE"), ("tool_calls_agent", "agent_id", "BTREE")]),
            TableDefinition(namespace: "ctx_agent", name: "agent_relations", columns: """
                source_id TEXT NOT NULL, target_id TEXT NOT NULL, relation_type TEXT NOT NULL, agent_id TEXT NOT NULL, created_at TIMESTAMP NOT NULL
                """, indexes: [("relations_source", "source_id", "BTREE"), ("relations_target", "target_id", "BTREE"), ("relations_agent", "agent_id", "BTREE")]),
            TableDefinition(namespace: "ctx_kb", name: "kb_l2_raw_documents", columns: """
                doc_id TEXT NOT NULL, source_uri TEXT, content TEXT, metadata JSON, imported_at TIMESTAMP NOT NULL
                """, indexes: [("documents_source", "source_uri", "BTREE")]),
            TableDefinition(namespace: "ctx_kb", name: "kb_l1_chunks", columns: """
                chunk_id TEXT NOT NULL, doc_id TEXT NOT NULL, content TEXT, metadata JSON
                """, indexes: [("kb_chunks_content", "content", "FTS"), ("kb_chunks_doc", "doc_id", "BTREE")]),
            TableDefinition(namespace: "ctx_kb", name: "kb_l1_embeddings", columns: """
                chunk_id TEXT NOT NULL, vector VECTOR(\(dimension)) NOT NULL, model_name TEXT NOT NULL
                """, indexes: [("kb_embeddings_vector", "vector", "HNSW WITH (metric = 'cosine')"), ("kb_embeddings_model", "model_name", "BITMAP")]),
            TableDefinition(namespace: "ctx_meta", name: "meta_jobs", columns: """
                job_id TEXT NOT NULL, job_type TEXT NOT NULL, payload JSON, status TEXT NOT NULL, scheduled_at TIMESTAMP NOT NULL,
                attempts INT NOT NULL, last_error TEXT
                """, indexes: [("jobs_status", "status", "BITMAP"), ("jobs_scheduled", "scheduled_at", "BTREE")]),
            TableDefinition(namespace: "ctx_meta", name: "meta_mem_candidates", columns: """
                session_id TEXT, chunk_id TEXT NOT NULL, score DOUBLE, candidate_level TEXT
                """, indexes: [("candidates_chunk", "chunk_id", "BTREE")]),
        ]
    }
}
