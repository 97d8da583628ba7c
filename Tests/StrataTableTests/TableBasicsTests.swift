import Strata
import Testing
import TestSupport

@Suite struct TableBasicsTests {
    @Test func createAppendScanAndTakeAcrossFragments() async throws {
        let store = MemoryObjectStore()
        var options = TableOptions()
        options.maxRowsPerFragment = 1_000
        let table = try await Table.create(store: store, root: "t", schema: Fixtures.schema, options: options)
        try await table.append(Fixtures.batch(0..<2_500))
        try await table.append(Fixtures.batch(2_500..<2_600))
        let snapshot = try await table.snapshot()
        #expect(snapshot.version == 3)
        #expect(snapshot.manifest.fragments.map(\.physicalRows) == [1_000, 1_000, 500, 100])
        #expect(try await Fixtures.ids(snapshot) == Array(0..<2_600))
        let taken = try await snapshot.take([RowAddress(fragment: 3, offset: 5), RowAddress(fragment: 0, offset: 7), RowAddress(fragment: 1, offset: 0)])
        #expect(taken.row(0) == Fixtures.batch([2_505]).row(0))
        #expect(taken.row(1) == Fixtures.batch([7]).row(0))
        #expect(taken.row(2) == Fixtures.batch([1_000]).row(0))
        await #expect(throws: StrataError.self) { try await snapshot.take([RowAddress(fragment: 9, offset: 0)]) }
        // Another handle sees the same latest version.
        let reopened = try await Table.open(store: store, root: "t")
        #expect(try await reopened.snapshot().version == 3)
        await #expect(throws: StrataError.alreadyExists(path: "t/_versions/00000000000000000001.manifest")) {
            _ = try await Table.create(store: store, root: "t", schema: Fixtures.schema)
        }
    }

    @Test func appendRejectsMismatchedColumns() async throws {
        let table = try await Table.create(store: MemoryObjectStore(), schema: Fixtures.schema)
        let wrong = try RecordBatch(schema: try Schema([("id", .string, false)]), columns: [ColumnBuilder.column(.string, [.string("x")])])
        await #expect(throws: StrataError.self) { try await table.append(wrong) }
        let missing = try RecordBatch(schema: try Schema([("name", .string, true)]), columns: [ColumnBuilder.column(.string, [.string("x")])])
        await #expect(throws: StrataError.self) { try await table.append(missing) }  // id is not nullable
        #expect(try await table.snapshot().rowCount == 0)
    }

    @Test func timeTravelByVersionTagAndTimestampAndRestore() async throws {
        let table = try await Table.create(store: MemoryObjectStore(), schema: Fixtures.schema)
        try await table.append(Fixtures.batch(0..<10))
        let v2 = try await table.snapshot()
        try await table.createTag("first-ten")
        try await Task.sleep(nanoseconds: 2_000_000)
        try await table.append(Fixtures.batch(10..<20))
        #expect(try await table.snapshot().rowCount == 20)
        #expect(try await Fixtures.ids(table.snapshot(version: 2)) == Array(0..<10))
        #expect(try await Fixtures.ids(table.snapshot(tag: "first-ten")) == Array(0..<10))
        #expect(try await table.snapshot(asOf: v2.manifest.timestampMicros).version == 2)
        await #expect(throws: StrataError.self) { try await table.snapshot(asOf: 0) }
        await #expect(throws: StrataError.self) { try await table.createTag("first-ten") }
        await #expect(throws: StrataError.self) { try await table.createTag("../bad") }
        let restored = try await table.restore(version: 2)
        #expect(restored.version == 4)
        #expect(try await Fixtures.ids(table.snapshot()) == Array(0..<10))
        #expect(try await table.versions().map(\.transaction.operation) == [.create, .append, .append, .restore])
        try await table.deleteTag("first-ten")
        #expect(try await table.tags().isEmpty)
    }

    @Test func latestVersionIsFoundWithoutListingTheHistory() async throws {
        let store = ListCountingStore(base: MemoryObjectStore())
        let table = try await Table.create(store: store, schema: Fixtures.schema)
        for i in 0..<300 { try await table.append(Fixtures.batch([i])) }
        // Make the hint stale, as a writer that died before updating it would leave it.
        try await store.write("_versions/latest.hint", bytes: Array("250\n".utf8))
        store.lists.withLock { $0 = 0 }
        let reopened = try await Table.open(store: store)
        #expect(try await reopened.snapshot().version == 301)
        #expect(store.lists.withLock { $0 } == 0)
        // Without a hint the table is still found, by listing.
        try await store.delete("_versions/latest.hint")
        #expect(try await Table.open(store: store).snapshot().version == 301)
    }
}

/// Counts `list` calls.
final class ListCountingStore: ObjectStore {
    let base: any ObjectStore
    let lists = Mutex(0)
    init(base: any ObjectStore) { self.base = base }
    func read(_ path: String, range: Range<UInt64>) async throws(StrataError) -> [UInt8] { try await base.read(path, range: range) }
    func openForReading(_ path: String) async throws(StrataError) -> any ObjectReadHandle { try await base.openForReading(path) }
    func size(of path: String) async throws(StrataError) -> UInt64 { try await base.size(of: path) }
    func write(_ path: String, bytes: [UInt8]) async throws(StrataError) { try await base.write(path, bytes: bytes) }
    func putIfAbsent(_ path: String, bytes: [UInt8]) async throws(StrataError) { try await base.putIfAbsent(path, bytes: bytes) }
    func makeWriter(_ path: String) async throws(StrataError) -> any ObjectWriter { try await base.makeWriter(path) }
    func list(prefix: String) async throws(StrataError) -> [ObjectInfo] {
        lists.withLock { $0 += 1 }
        return try await base.list(prefix: prefix)
    }
    func delete(_ path: String) async throws(StrataError) { try await base.delete(path) }
}

import Synchronization
