import Strata
import Testing
import TestSupport

@Suite struct DeleteAndUpsertTests {
    @Test func deleteByAddressAndByPredicate() async throws {
        let store = MemoryObjectStore()
        var options = TableOptions()
        options.maxRowsPerFragment = 100
        let table = try await Table.create(store: store, schema: Fixtures.schema, options: options)
        try await table.append(Fixtures.batch(0..<300))
        let first = try await table.delete([RowAddress(fragment: 0, offset: 3), RowAddress(fragment: 2, offset: 0), RowAddress(fragment: 0, offset: 3)])
        #expect(first.rowsDeleted == 2)
        var expected = Array(0..<300).filter { $0 != 3 && $0 != 200 }
        #expect(try await Fixtures.ids(table.snapshot()) == expected)
        // Deleting a deleted row again changes nothing and commits nothing.
        let again = try await table.delete([RowAddress(fragment: 0, offset: 3)])
        #expect(again.rowsDeleted == 0 && again.version == first.version)

        let predicate = try Predicate(parsing: "id >= 50 AND id < 60 AND name != 'n55'", schema: Fixtures.schema)
        let second = try await table.delete(where: predicate)
        #expect(second.rowsDeleted == 9)
        expected.removeAll { (50..<60).contains($0) && $0 != 55 }
        #expect(try await Fixtures.ids(table.snapshot()) == expected)
        // Deleting every row of a fragment removes the fragment.
        _ = try await table.delete(where: try Predicate(parsing: "id >= 100 AND id < 200", schema: Fixtures.schema))
        #expect(try await table.snapshot().manifest.fragments.map(\.id) == [0, 2])
        // The deletion vectors are roaring bitmaps under _deletions/.
        let deletionFiles = try await store.list(prefix: "_deletions/")
        #expect(deletionFiles.count >= 2)
        // Older versions still see the deleted rows.
        #expect(try await table.snapshot(version: 2).rowCount == 300)
        #expect(try await table.snapshot(version: 2).manifest.fragments.allSatisfy { $0.deletion == nil })
    }

    @Test func predicateParsingErrorsAreClear() throws {
        #expect(throws: StrataError.self) { try Predicate(parsing: "nope = 1", schema: Fixtures.schema) }
        #expect(throws: StrataError.self) { try Predicate(parsing: "id = 'x'", schema: Fixtures.schema) }
        #expect(throws: StrataError.self) { try Predicate(parsing: "id ~ 3", schema: Fixtures.schema) }
        #expect(throws: StrataError.self) { try Predicate(parsing: "", schema: Fixtures.schema) }
        let nulls = try Predicate(parsing: "score IS NULL", schema: Fixtures.schema)
        let batch = Fixtures.batch([7, 8])
        #expect(nulls.matches(batch, row: 0) && !nulls.matches(batch, row: 1))
        let text = try Predicate(parsing: "name = 'it''s' and id <> 3", schema: Fixtures.schema)
        #expect(text.comparisons.count == 2 && text.comparisons[0].literal == .string("it's"))
    }

    @Test func updateRewritesMatchingRows() async throws {
        let table = try await Table.create(store: MemoryObjectStore(), schema: Fixtures.schema)
        try await table.append(Fixtures.batch(0..<20))
        let result = try await table.update(where: try Predicate(parsing: "id < 5", schema: Fixtures.schema), set: ["name": .string("changed")])
        #expect(result.rowsDeleted == 5 && result.rowsAdded == 5)
        let rows = try await table.snapshot().readAll()
        #expect(rows.rowCount == 20)
        let changed = (0..<rows.rowCount).filter { rows.columns[1].value(at: $0) == .string("changed") }
        #expect(changed.count == 5)
        #expect(try await table.snapshot().manifest.transaction.operation == .update)
    }

    @Test func mergeInsertUpdatesMatchedAndInsertsTheRestInOneCommit() async throws {
        let table = try await Table.create(store: MemoryObjectStore(), schema: Fixtures.schema)
        try await table.append(Fixtures.batch(0..<10))
        let before = try await table.snapshot().version
        let input = try RecordBatch(schema: Fixtures.schema, columns: [
            ColumnBuilder.column(.int64, [.int(3), .int(42)]),
            ColumnBuilder.column(.string, [.string("three"), .string("forty-two")]),
            ColumnBuilder.column(.float64, [.float64(3), .null]),
        ])
        let result = try await table.mergeInsert(key: "id", input)
        #expect(result.version == before + 1)
        #expect(result.rowsDeleted == 1 && result.rowsAdded == 2)
        let rows = try await table.snapshot().readAll()
        #expect(rows.rowCount == 11)
        let names = Dictionary(uniqueKeysWithValues: (0..<rows.rowCount).map { (rows.columns[0].value(at: $0), rows.columns[1].value(at: $0)) })
        #expect(names[.int(3)] == .string("three"))
        #expect(names[.int(42)] == .string("forty-two"))
        #expect(names[.int(4)] == .string("n4"))
        let duplicate = try RecordBatch(schema: Fixtures.schema, columns: [
            ColumnBuilder.column(.int64, [.int(1), .int(1)]),
            ColumnBuilder.column(.string, [.null, .null]),
            ColumnBuilder.column(.float64, [.null, .null]),
        ])
        await #expect(throws: StrataError.self) { try await table.mergeInsert(key: "id", duplicate) }
        await #expect(throws: StrataError.self) { try await table.mergeInsert(key: "nope", input) }
    }

    @Test func conflictingDeletesOfTheSameFragment() async throws {
        let store = MemoryObjectStore()
        let table = try await Table.create(store: store, schema: Fixtures.schema)
        try await table.append(Fixtures.batch(0..<10))
        let other = try await Table.open(store: store)
        _ = try await other.snapshot()  // `other` read version 2
        // `table` deletes row 1 of fragment 0 first; `other`'s explicit delete of the same
        // fragment, prepared from version 2, cannot be rebased.
        _ = try await table.delete([RowAddress(fragment: 0, offset: 1)])
        let staleSnapshot = try await other.snapshot(version: 2)
        let change = try await other.prepareChange(staleSnapshot, deleting: [RowAddress(fragment: 0, offset: 2)], adding: [], operation: .delete, canRerun: false)
        await #expect(throws: StrataError.commitConflict(table: ".", version: 3, detail: "a concurrent delete changed fragment(s) 0")) {
            _ = try await other.coordinator.commitOnce(change!, base: staleSnapshot.manifest)
        }
        // A predicate delete re-runs instead and succeeds.
        let result = try await other.delete(where: try Predicate(parsing: "id = 2", schema: Fixtures.schema))
        #expect(result.rowsDeleted == 1)
        #expect(try await Fixtures.ids(table.snapshot()) == [0, 3, 4, 5, 6, 7, 8, 9])
    }

    @Test func concurrentAppendsAndDeletesInOneProcess() async throws {
        let store = MemoryObjectStore()
        let table = try await Table.create(store: store, schema: Fixtures.schema)
        try await table.append(Fixtures.batch(0..<100))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    let handle = try await Table.open(store: store)
                    for i in 0..<5 { try await handle.append(Fixtures.batch([1_000 + writer * 10 + i])) }
                }
            }
            group.addTask {
                _ = try await table.delete(where: try Predicate(parsing: "id < 50", schema: Fixtures.schema))
            }
            try await group.waitForAll()
        }
        let versions = try await table.versions().map(\.version)
        #expect(versions == Array(1...UInt64(versions.count)))
        #expect(versions.count == 2 + 40 + 1)
        let ids = Set(try await Fixtures.ids(table.snapshot()))
        var expected = Set(50..<100)
        for writer in 0..<8 { for i in 0..<5 { expected.insert(1_000 + writer * 10 + i) } }
        #expect(ids == expected)
    }
}
