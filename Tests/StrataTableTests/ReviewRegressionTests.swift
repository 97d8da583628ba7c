import Strata
import Testing
import TestSupport

/// Cases a review of the table layer found, each once broken.
@Suite struct ReviewRegressionTests {
    @Test func deletingLongRunsOfRowsKeepsTheFragmentReadable() async throws {
        let schema = try Schema([("id", .int64, false)])
        let table = try await Table.create(store: MemoryObjectStore(), schema: schema)
        try await table.append(try RecordBatch(schema: schema, columns: [ColumnBuilder.column(.int64, (0..<150_000).map { .int(Int64($0)) })]))
        // 100,000 contiguous rows serialize to a few bytes of run containers.
        let result = try await table.delete(where: try Predicate(parsing: "id < 100000", schema: schema))
        #expect(result.rowsDeleted == 100_000)
        #expect(try await table.snapshot().readAll().rowCount == 50_000)
        _ = try await table.delete(where: try Predicate(parsing: "id >= 149000", schema: schema))
        #expect(try await table.snapshot().rowCount == 49_000)
        #expect(try await table.verify().problems.isEmpty)
    }

    @Test func concurrentUpsertsOfTheSameNewKeyInsertItOnce() async throws {
        for round in 0..<5 {
            let store = MemoryObjectStore()
            let table = try await Table.create(store: store, schema: Fixtures.schema)
            try await table.append(Fixtures.batch(0..<3))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let handle = try await Table.open(store: store)
                        try await handle.mergeInsert(key: "id", Fixtures.batch([42 + round * 0]))
                    }
                }
                try await group.waitForAll()
            }
            let ids = try await Fixtures.ids(table.snapshot())
            #expect(ids.filter { $0 == 42 }.count == 1, "round \(round): \(ids)")
        }
    }

    @Test func createRefusesATableWhoseFirstVersionWasCleanedUp() async throws {
        let store = MemoryObjectStore()
        let table = try await Table.create(store: store, schema: Fixtures.schema)
        try await table.append(Fixtures.batch(0..<3))
        try await store.delete("_versions/00000000000000000001.manifest")
        await #expect(throws: StrataError.self) { _ = try await Table.create(store: store, schema: Fixtures.schema) }
        #expect(try await Table.open(store: store).snapshot().rowCount == 3)
    }

    @Test func smallFragmentsAreMergedEvenWhenNotNeighbours() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var options = TableOptions()
        options.flushRows = 10
        options.maxSmallFragments = 3
        let table = try await Table.create(directory: directory.path, schema: Fixtures.schema, options: options)
        // Small and large fragments alternate.
        for i in 0..<6 {
            try await table.append(Fixtures.batch((i * 100)..<(i * 100 + 2)))
            try await table.append(Fixtures.batch((i * 100 + 10)..<(i * 100 + 30)))
        }
        try await table.insert(Fixtures.batch([999]))
        try await table.flushSmallWrites()
        let fragments = try await table.latestManifest().fragments
        #expect(fragments.filter { $0.physicalRows < 10 }.count <= 3)
        #expect(try await table.snapshot().rowCount == 6 * 22 + 1)
    }

    @Test func insertsSurviveFlushesThatSealTheirSegment() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var options = TableOptions()
        options.flushRows = 7
        let table = try await Table.create(directory: directory.path, schema: Fixtures.schema, options: options)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<6 {
                group.addTask { for i in 0..<40 { try await table.insert(Fixtures.batch([task * 1_000 + i])) } }
            }
            try await group.waitForAll()
        }
        try await table.close()
        let reopened = try await Table.open(directory: directory.path)
        let ids = try await Fixtures.ids(reopened.snapshot())
        #expect(ids.count == 240 && Set(ids).count == 240)
    }
}
