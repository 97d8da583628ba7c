import Foundation
import Strata
import Testing
import TestSupport

/// Two handles on one database directory behave as two processes would: DDL and commits of
/// one are seen by the other's next statement, concurrent inserts lose nothing, and a
/// statement reads one snapshot whatever commits meanwhile.
@Suite struct DatabaseSharingTests {
    @Test func twoHandlesSeeEachOthersCommitsAndLoseNothing() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let a = try await Database.open(directory: dir.path)
        let b = try await Database.open(directory: dir.path)
        try await a.execute("CREATE TABLE events (id BIGINT NOT NULL, writer TEXT)")
        // b never saw the table before: its next statement finds it.
        #expect(try await b.execute("SELECT id FROM events").typedRows.isEmpty)
        #expect(try await b.execute("SELECT column_count FROM ctx_meta.meta_tables WHERE table_name = 'events'").typedRows.first?.int("column_count") == 2)

        // Both insert concurrently, 40 statements each.
        async let fromA: Void = Self.insert(a, writer: "a", ids: 0..<40)
        async let fromB: Void = Self.insert(b, writer: "b", ids: 1_000..<1_040)
        _ = try await (fromA, fromB)
        for db in [a, b] {
            let rows = try await db.execute("SELECT writer, id FROM events ORDER BY id").typedRows
            #expect(rows.count == 80)
            #expect(rows.filter { $0.string("writer") == "a" }.count == 40)
        }

        // A query's snapshot is taken when it starts: the plan of a statement run while the
        // other handle deletes sees all of its rows or none of the deletion.
        async let deleting = b.execute("DELETE FROM events WHERE writer = 'b'")
        let counted = try await a.execute("SELECT id FROM events").typedRows.count
        _ = try await deleting
        #expect(counted == 80 || counted == 40)
        #expect(try await a.execute("SELECT id FROM events").typedRows.count == 40)

        // A table one handle drops is gone for the other: an unknown table, not damage.
        try await b.execute("DROP TABLE events")
        await #expect(throws: StrataError.invalidQuery(message: "unknown table 'events'", offset: 15)) { _ = try await a.execute("SELECT id FROM events") }
        #expect(try await a.execute("SELECT table_name FROM ctx_meta.meta_tables WHERE table_name = 'events'").typedRows.isEmpty)
    }

    static func insert(_ db: Database, writer: String, ids: Range<Int>) async throws {
        for id in ids { try await db.execute("INSERT INTO events VALUES ($1, $2)", parameters: [.int(Int64(id)), .string(writer)]) }
    }
}
