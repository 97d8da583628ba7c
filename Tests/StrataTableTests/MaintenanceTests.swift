import Strata
import Testing
import TestSupport

@Suite struct MaintenanceTests {
    @Test func compactionMergesDropsDeletedRowsAndMapsAddresses() async throws {
        let store = MemoryObjectStore()
        let table = try await Table.create(store: store, schema: Fixtures.schema)
        for start in stride(from: 0, to: 100, by: 10) { try await table.append(Fixtures.batch(start..<(start + 10))) }
        _ = try await table.delete(where: try Predicate(parsing: "id >= 15 AND id < 25", schema: Fixtures.schema))
        let before = try await table.snapshot()
        let beforeRows = try await before.readAll()
        var oldAddresses: [RowAddress] = []
        let scanner = try before.scanner(withAddresses: true)
        while let next = try await scanner.next() { oldAddresses += next.addresses! }

        let result = try await table.compact()
        #expect(result.fragmentsRemoved.count == 10 && result.fragmentsAdded.count == 1)
        #expect(result.deletedRowsDropped == 10)
        let after = try await table.snapshot()
        #expect(after.manifest.fragments.count == 1 && after.manifest.fragments[0].deletion == nil)
        #expect(try await Fixtures.ids(after) == Array(0..<15) + Array(25..<100))
        // Every old address maps to the new address of the same row.
        #expect(result.addressMap.count == 90)
        let moved = try await after.take(oldAddresses.map { result.addressMap[$0]! })
        for row in 0..<moved.rowCount { #expect(moved.row(row) == beforeRows.row(row)) }
        // Time travel still reads the old fragments.
        #expect(try await table.snapshot(version: before.version).rowCount == 90)
    }

    @Test func cleanupKeepsWhatRetainedVersionsNeedAndHasADryRun() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = try await Table.create(directory: directory.path, schema: Fixtures.schema)
        for start in stride(from: 0, to: 50, by: 10) { try await table.append(Fixtures.batch(start..<(start + 10))) }
        try await table.createTag("kept", version: 3)
        _ = try await table.delete(where: try Predicate(parsing: "id < 5", schema: Fixtures.schema))
        try await table.compact()
        let store = try LocalFileStore(directory: directory.path)
        let before = try await store.list(prefix: "")
        let dry = try await table.cleanup(olderThan: 0, dryRun: true)
        #expect(dry.dryRun && !dry.files.isEmpty && !dry.versions.isEmpty)
        #expect(try await store.list(prefix: "") == before)

        let report = try await table.cleanup(olderThan: 0)
        #expect(report.files == dry.files && report.versions == dry.versions)
        #expect(!report.versions.contains(3))
        // The latest and the tagged version read completely.
        #expect(try await Fixtures.ids(table.snapshot()) == Array(5..<50))
        #expect(try await Fixtures.ids(table.snapshot(tag: "kept")) == Array(0..<20))
        for version in [try await table.snapshot().version, 3] {
            for path in try await table.snapshot(version: version).manifest.referencedFiles {
                #expect(try await store.size(of: path) > 0)
            }
        }
        // A recent cutoff removes nothing.
        #expect(try await table.cleanup(olderThan: 3_600).files.isEmpty)
    }

    @Test func schemaEvolutionWithoutRewritingData() async throws {
        let store = MemoryObjectStore()
        let table = try await Table.create(store: store, schema: Fixtures.schema)
        try await table.append(Fixtures.batch(0..<5))
        let dataBefore = Set(try await store.list(prefix: "data/").map(\.path))
        try await table.addColumn(name: "tag", type: .string, defaultJSON: "\"none\"")
        try await table.addColumn(name: "note", type: .string)
        await #expect(throws: StrataError.self) { try await table.addColumn(name: "tag", type: .int32) }
        await #expect(throws: StrataError.self) { try await table.addColumn(name: "x", type: .int32, nullable: false) }
        await #expect(throws: StrataError.self) { try await table.addColumn(name: "y", type: .int32, defaultJSON: "\"text\"") }
        // Old files are untouched; one small file per fragment holds the default column.
        let dataAfter = Set(try await store.list(prefix: "data/").map(\.path))
        #expect(dataBefore.isSubset(of: dataAfter) && dataAfter.count == dataBefore.count + 1)
        // New rows can omit the new columns or give them.
        let withTag = try RecordBatch(schema: try Schema([("id", .int64, false), ("tag", .string, true)]),
                                      columns: [ColumnBuilder.column(.int64, [.int(9)]), ColumnBuilder.column(.string, [.string("mine")])])
        try await table.append(withTag)
        var rows = try await table.snapshot().readAll(columns: ["id", "tag", "note"])
        #expect(rows.row(0) == [.int(0), .string("none"), .null])
        #expect(rows.row(5) == [.int(9), .string("mine"), .null])

        try await table.renameColumn("tag", to: "label")
        try await table.dropColumn("score")
        let schema = try await table.snapshot().schema
        #expect(schema.fields.map(\.name) == ["id", "name", "label", "note"])
        rows = try await table.snapshot().readAll()
        #expect(rows.row(1) == [.int(1), .string("n1"), .string("none"), .null])
        #expect(Set(try await store.list(prefix: "data/").map(\.path)) == dataAfter.union(try await table.snapshot().manifest.referencedFiles))
        // A dropped column's id is never reused.
        try await table.addColumn(name: "score", type: .float64)
        #expect(try await table.snapshot().schema["score"]!.id > 4)
        #expect(try await table.snapshot(version: 2).readAll().row(0) == Fixtures.batch([0]).row(0))
    }
}
