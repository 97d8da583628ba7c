import Foundation
import Strata
import StrataShell

/// The SQL half of `strata demo`: the same turns in a database, queried with SQL — a filter
/// with a JSON path, a vector search with a filter, a full-text search, a hybrid search fused
/// by reciprocal rank fusion, and the plan of one.
enum DemoSQLTour {
    static func run(directory: String, schema: Schema, rows: Int) async throws {
        let out = StandardOutput.shared
        let path = directory + "/db"
        try? FileManager.default.removeItem(atPath: path)  // the demo's own database, remade each run
        let db = try await Database.open(directory: path)
        try await db.execute("""
            CREATE TABLE turns (turn_id BIGINT NOT NULL, session_id TEXT NOT NULL, role TEXT NOT NULL, created_at TIMESTAMP NOT NULL,
                                content TEXT NOT NULL, tokens INT NOT NULL, relevance REAL, pinned BOOL NOT NULL, metadata JSON,
                                embedding VECTOR(16) NOT NULL)
            """)
        let table = try await db.table(named: "turns")
        let count = min(rows, 10_000)
        try await table.append(try DemoData.batch(schema: schema, rows: 0..<count))
        try out.line("\nDatabase \(path): table turns, \(count) rows; SQL from here on.")
        let probe = try DemoData.batch(schema: schema, rows: 42..<43)
        guard case let .vector(query) = probe.column(named: "embedding")!.value(at: 0) else { return }
        let statements: [(String, String, [Value])] = [
            ("A filter with a JSON path and a time window",
             "SELECT turn_id, role, metadata->>'agent' AS agent, created_at FROM turns WHERE metadata->'latency_ms' > 850 AND created_at < TIMESTAMP '2025-01-01 00:10:00' ORDER BY created_at LIMIT 3", []),
            ("Indexes", "CREATE INDEX ON turns (embedding) USING HNSW WITH (metric = 'cosine')", []),
            ("", "CREATE INDEX ON turns (content) USING FTS", []),
            ("", "CREATE INDEX ON turns (role) USING BITMAP", []),
            ("Nearest user turns to turn 42 ($1 is its embedding)",
             "SELECT turn_id, content, round(_distance, 3) AS distance FROM turns WHERE role = 'user' ORDER BY embedding <=> $1 LIMIT 3", [.vector(query)]),
            ("Full text, BM25", "SELECT turn_id, content, round(_score, 2) AS score FROM turns WHERE MATCH(content, 'pricing enterprise') LIMIT 3", []),
            ("Hybrid: vector and full text fused by reciprocal rank fusion",
             "SELECT turn_id, content, round(_score, 4) AS rrf FROM turns WHERE role <> 'tool' ORDER BY rrf(embedding <=> $1, MATCH(content, 'certificate outage')) LIMIT 3",
             [.vector(query)]),
            ("Its plan, measured",
             "EXPLAIN ANALYZE SELECT turn_id FROM turns WHERE role <> 'tool' ORDER BY rrf(embedding <=> $1, MATCH(content, 'certificate outage')) LIMIT 3",
             [.vector(query)]),
        ]
        for (title, sql, parameters) in statements {
            if !title.isEmpty { try out.line("\n\(title):") }
            try out.line("strata> \(sql);")
            let result = try await db.execute(sql, parameters: parameters)
            if let rows = result.rows {
                for line in ResultRenderer(RenderSettings()).lines(rows) { try out.line(line) }
            } else {
                try out.line(result.status)
            }
        }
    }
}
