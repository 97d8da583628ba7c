import Strata
import Testing
import TestSupport

/// The query builder and SQL text produce the same plans and the same rows.
@Suite struct QueryBuilderTests {
    func database() async throws -> (Database, TemporaryDirectory) {
        let dir = TemporaryDirectory()
        let db = try await Database.open(directory: dir.path)
        try await db.execute("CREATE TABLE docs (id INT NOT NULL, body TEXT, tenant TEXT, emb VECTOR(2))")
        try await db.execute("""
            INSERT INTO docs VALUES (1, 'red apples', 't1', [1, 0]), (2, 'green apples', 't2', [0, 1]),
            (3, 'red cars', 't1', [0.7, 0.7]), (4, 'blue sky', 't1', [0.1, 0.9])
            """)
        return (db, dir)
    }

    @Test func builderAndSQLGiveTheSamePlansAndRows() async throws {
        let (db, dir) = try await database()
        defer { dir.remove() }
        let cases: [(QueryBuilder, String, [Value])] = [
            (db.query("docs").select("id").where("tenant = $1", .string("t1")).nearest(to: [1, 0], column: "emb").limit(2),
             "SELECT id FROM docs WHERE tenant = $1 ORDER BY emb <-> $2 LIMIT 2", [.string("t1"), .vector([1, 0])]),
            (db.query("docs").select("id", "_score").match("apples", column: "body").where("id > $1", .int(1)),
             "SELECT id, _score FROM docs WHERE MATCH(body, $1) AND id > $2", [.string("apples"), .int(1)]),
            (db.query("docs").select("id").hybrid(vector: [0, 1], vectorColumn: "emb", text: "red", textColumn: "body").limit(3),
             "SELECT id FROM docs ORDER BY rrf(emb <-> $1, MATCH(body, $2), weights => [1, 1], k => 60) LIMIT 3", [.vector([0, 1]), .string("red")]),
            (db.query("docs").select("id", "upper(body) AS b").where("tenant <> $1", .string("t2")).orderBy("id", descending: true).limit(2).offset(1),
             "SELECT id, upper(body) AS b FROM docs WHERE tenant <> $1 ORDER BY id DESC LIMIT 2 OFFSET 1", [.string("t2")]),
        ]
        for (builder, sql, parameters) in cases {
            let built = try await builder.run()
            let text = try await db.execute(sql, parameters: parameters)
            #expect(built.typedRows == text.typedRows, "\(sql)")
            #expect(!built.typedRows.isEmpty, "\(sql)")
            let plan = try await db.execute("EXPLAIN " + sql, parameters: parameters).typedRows.compactMap { $0.string("plan") }.joined(separator: "\n")
            #expect(try await builder.explain() == plan, "\(sql)")
        }
    }

    @Test func builderErrorsSurfaceWhenRun() async throws {
        let (db, dir) = try await database()
        defer { dir.remove() }
        await #expect(throws: StrataError.invalidQuery(message: "unknown column 'nope'", offset: 0)) {
            _ = try await db.query("docs").where("nope = 1").run()
        }
        await #expect(throws: StrataError.self) { _ = try await db.query("docs").select("id +").run() }
        let rows = try await db.query("docs").select("id").where("id = $1", .int(3)).run().typedRows
        #expect(rows.map { $0.int("id") } == [3])
    }
}
