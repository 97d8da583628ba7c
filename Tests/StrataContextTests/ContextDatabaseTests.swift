import Foundation
import Strata
import Testing
import TestSupport

/// `ContextDatabase.open` creates the three families with their tables and indexes, records
/// them in the information schema, and opening again changes nothing (or heals what a crash
/// left unmade).
@Suite struct ContextDatabaseTests {
    static let expectedTables = [
        "ctx_agent.agent_l0_embeddings", "ctx_agent.agent_l0_summaries", "ctx_agent.agent_l1_chunks", "ctx_agent.agent_l1_embeddings",
        "ctx_agent.agent_l2_raw", "ctx_agent.agent_memories", "ctx_agent.agent_relations", "ctx_agent.agent_sessions", "ctx_agent.agent_skills",
        "ctx_agent.agent_tool_calls",
        "ctx_archive.archive_l1_chunks", "ctx_archive.archive_l1_embeddings", "ctx_archive.archive_l2_raw", "ctx_archive.archive_tool_calls",
        "ctx_kb.kb_l0_embeddings", "ctx_kb.kb_l0_summaries", "ctx_kb.kb_l1_chunks", "ctx_kb.kb_l1_embeddings", "ctx_kb.kb_l2_raw_documents",
        "ctx_meta.meta_columns", "ctx_meta.meta_jobs", "ctx_meta.meta_mem_candidates", "ctx_meta.meta_tables",
    ]

    @Test func familiesTablesIndexesAndInformationSchema() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let context = try await ContextDatabase.open(directory: dir.path, embeddingDimension: 8)
        let db = context.database
        let listed = try await db.execute("SELECT namespace || '.' || table_name AS t FROM ctx_meta.meta_tables ORDER BY t").typedRows.compactMap { $0.string("t") }
        #expect(listed == Self.expectedTables)

        // Every ctx_agent table carries agent_id, and the embeddings have the dimension asked.
        let agentTables = try await db.execute("SELECT table_name FROM ctx_meta.meta_tables WHERE namespace = 'ctx_agent'").typedRows
        for row in agentTables {
            let name = row.string("table_name")!
            let columns = try await db.execute("SELECT column_name FROM ctx_meta.meta_columns WHERE namespace = 'ctx_agent' AND table_name = $1",
                                               parameters: [.string(name)]).typedRows.compactMap { $0.string("column_name") }
            #expect(columns.contains("agent_id"), "\(name)")
        }
        let vectorType = try await db.execute("SELECT data_type FROM ctx_meta.meta_columns WHERE table_name = 'agent_l1_embeddings' AND column_name = 'vector'")
        #expect(vectorType.typedRows.first?.string("data_type") == "vector(float32,8)")

        let indexes = try await db.execute("SHOW INDEXES ctx_agent.agent_l1_chunks").typedRows.map { "\($0.string("column_name")!):\($0.string("kind")!)" }
        #expect(Set(indexes) == ["content:fts", "chunk_id:btree", "raw_id:btree", "session_id:btree", "agent_id:btree", "created_at:btree"])
        let vectorIndex = try await db.execute("SHOW INDEXES ctx_kb.kb_l1_embeddings").typedRows.first { $0.string("column_name") == "vector" }
        #expect(vectorIndex?.string("kind") == "hnsw" && vectorIndex?.string("metric") == "cosine")

        // The tables take rows through SQL at once (a quoted "timestamp" column included).
        try await db.execute(#"INSERT INTO ctx_agent.agent_tool_calls (call_id, tool_name, "timestamp", agent_id) VALUES ('c1', 'search', now(), 'a1')"#)
        #expect(try await db.execute("SELECT call_id FROM ctx_agent.agent_tool_calls WHERE agent_id = 'a1'").typedRows.count == 1)

        // Opening again creates nothing new and keeps the rows; an index a crash left
        // unmade is made.
        let versionsBefore = try await db.execute("SHOW TABLES").typedRows.map { "\($0.string("table_name")!)@\($0.int("version")!)" }
        try await db.execute("DROP INDEX chunks_content ON ctx_agent.agent_l1_chunks")
        let again = try await ContextDatabase.open(directory: dir.path, embeddingDimension: 8)
        let indexesAfter = try await again.database.execute("SHOW INDEXES ctx_agent.agent_l1_chunks").typedRows.compactMap { $0.string("index_name") }
        #expect(indexesAfter.contains("chunks_content"))
        let versionsAfter = try await again.database.execute("SHOW TABLES").typedRows.map { "\($0.string("table_name")!)@\($0.int("version")!)" }
        #expect(versionsAfter.filter { !$0.hasPrefix("agent_l1_chunks@") } == versionsBefore.filter { !$0.hasPrefix("agent_l1_chunks@") })
        #expect(try await again.database.execute("SELECT call_id FROM ctx_agent.agent_tool_calls").typedRows.count == 1)

        // Another embedding dimension is refused, naming the table.
        await #expect(throws: StrataError.self) { _ = try await ContextDatabase.open(directory: dir.path, embeddingDimension: 16) }
    }
}

/// spec/context.md §2 restates every table: its columns (in order) and its indexes (name,
/// kind, column) are exactly what `ContextDatabase.open` creates.
@Suite struct ContextSpecTests {
    @Test func specTablesMatchTheDatabase() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let spec = try String(contentsOf: root.appendingPathComponent("spec/context.md"), encoding: .utf8)
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let db = try await ContextDatabase.open(directory: dir.path, embeddingDimension: 4).database
        var checked = 0
        for line in spec.split(separator: "\n") where line.hasPrefix("| `") && !line.contains("meta_tables") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3 else { continue }
            let table = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let namespace = table.hasPrefix("agent_") ? "ctx_agent" : table.hasPrefix("kb_") ? "ctx_kb" : table.hasPrefix("archive_") ? "ctx_archive" : "ctx_meta"
            // Columns: the first backquoted word of each comma-separated item.
            let specColumns = cells[1].components(separatedBy: ", `").map { item in
                item.trimmingCharacters(in: CharacterSet(charactersIn: "`")).split(separator: "`").first.map(String.init) ?? ""
            }
            let columns = try await db.execute("SELECT column_name FROM ctx_meta.meta_columns WHERE namespace = $1 AND table_name = $2 ORDER BY ordinal",
                                               parameters: [.string(namespace), .string(table)]).typedRows.compactMap { $0.string("column_name") }
            #expect(columns == specColumns, "\(table)")
            // Indexes: `name` KIND(column[, …]).
            let specIndexes = Set(cells[2].components(separatedBy: "), ").compactMap { item -> String? in
                let parts = item.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: ")", with: "").split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { return nil }
                let kindAndColumn = parts[1].split(separator: "(")
                let column = kindAndColumn.count > 1 ? kindAndColumn[1].split(separator: ",")[0] : ""
                return "\(parts[0]):\(kindAndColumn[0].lowercased()):\(column)"
            })
            let indexes = Set(try await db.execute("SHOW INDEXES \(namespace).\(table)").typedRows.map {
                "\($0.string("index_name")!):\($0.string("kind")!):\($0.string("column_name")!)"
            })
            #expect(indexes == specIndexes, "\(table)")
            checked += 1
        }
        #expect(checked == 21)
    }
}
