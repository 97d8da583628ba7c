import Strata
import Testing
import TestSupport

/// Rows still in a table's write-ahead log (inserted through the table handle, not yet
/// flushed to a fragment) are found by every kind of query at once, with the same keys in
/// every search, so that fusion recognises them.
@Suite struct PendingRowsTests {
    @Test func loggedRowsAreScannedSearchedAndFused() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let db = try await Database.open(directory: dir.path)
        try await db.execute("CREATE TABLE notes (id BIGINT NOT NULL, body TEXT, tag TEXT, emb VECTOR(2))")
        try await db.execute("INSERT INTO notes VALUES (1, 'red apples', 'a', [1, 0]), (2, 'green pears', 'b', [0, 1]), (3, 'red cars', 'a', [0.7, 0.7])")
        try await db.execute("CREATE INDEX ON notes (emb) USING HNSW; ")
        try await db.execute("CREATE INDEX ON notes (body) USING FTS")
        let table = try await db.table(named: "notes")
        let schema = try await table.latestManifest().schema
        for (id, body, tag, emb) in [(4, "blue apples", "b", [Float(0.9), 0.1]), (5, "purple pears", "a", [0.1, 0.9])] as [(Int64, String, String, [Float])] {
            try await table.insert(try RecordBatch(schema: schema, columns: [
                ColumnBuilder.column(.int64, [.int(id)]), ColumnBuilder.column(.string, [.string(body)]),
                ColumnBuilder.column(.string, [.string(tag)]), ColumnBuilder.column(.vector(.float32, dimension: 2), [.vector(emb)]),
            ]))
        }
        func ids(_ sql: String) async throws -> [Int64] { try await db.execute(sql).typedRows.map { $0.int("id")! } }
        #expect(try await ids("SELECT id FROM notes WHERE tag = 'b' ORDER BY id") == [2, 4])
        #expect(try await ids("SELECT id FROM notes WHERE body LIKE '%pears' ORDER BY id") == [2, 5])
        #expect(try await ids("SELECT id FROM notes ORDER BY emb <-> [0.9, 0.1] LIMIT 1") == [4])
        #expect(try await ids("SELECT id FROM notes WHERE tag = 'a' ORDER BY emb <-> [0.1, 0.9] LIMIT 1") == [5])
        #expect(try await ids("SELECT id FROM notes WHERE MATCH(body, 'purple')") == [5])
        // Row 4 is first by vector and by text (the only "blue"): fused, it is first, so both
        // searches gave it the same key.
        let fused = try await ids("SELECT id FROM notes ORDER BY rrf(emb <-> [0.9, 0.1], MATCH(body, 'blue apples')) LIMIT 2")
        #expect(fused.first == 4)
        #expect(Set(fused) == [1, 4])
        // A logged row counted once by UPDATE and DELETE (they flush the log first).
        #expect(try await db.execute("UPDATE notes SET tag = 'c' WHERE id >= 4").rowsAffected == 2)
        #expect(try await ids("SELECT id FROM notes WHERE tag = 'c' ORDER BY id") == [4, 5])
        #expect(try await db.execute("DELETE FROM notes WHERE tag = 'c'").rowsAffected == 2)
        #expect(try await ids("SELECT id FROM notes ORDER BY id") == [1, 2, 3])
    }
}
