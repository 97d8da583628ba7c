import Foundation
import Strata
import Testing
import TestSupport

/// Filters through a table: B-tree and bitmap index segments, zone maps and scans must
/// together give exactly the rows a full scan gives, whatever is indexed, appended, deleted,
/// merged, compacted or reloaded.
@Suite struct ScalarFilterTests {
    static let schema = try! Schema([("id", .int64, false), ("score", .float64, true), ("tenant", .int32, false),
                                     ("name", .string, true), ("at", .timestamp, true)])

    /// Rows `ids`: random scores (some null, some NaN), 12 tenants, names from a small set,
    /// timestamps rising with the id (so zone maps can prune them).
    static func batch(_ ids: Range<Int>, seed: UInt64) throws -> RecordBatch {
        var rng = SeededRandom(seed: seed)
        var scores: [Value] = [], tenants: [Value] = [], names: [Value] = [], times: [Value] = []
        for id in ids {
            let draw = Int.random(in: 0..<20, using: &rng)
            scores.append(draw == 0 ? .null : draw == 1 ? .float64(.nan) : .float64(Double(Int.random(in: -50...50, using: &rng)) / 4))
            tenants.append(.int(Int64(Int.random(in: 0..<12, using: &rng))))
            names.append(draw == 2 ? .null : .string(["ada", "bob", "cy", "dee", "ed"][Int.random(in: 0..<5, using: &rng)]))
            times.append(id % 13 == 0 ? .null : .timestamp(1_700_000_000_000_000 + Int64(id) * 1_000_000))
        }
        return try RecordBatch(schema: schema, columns: [
            ColumnBuilder.column(.int64, ids.map { .int(Int64($0)) }), ColumnBuilder.column(.float64, scores),
            ColumnBuilder.column(.int32, tenants), ColumnBuilder.column(.string, names), ColumnBuilder.column(.timestamp, times),
        ])
    }

    /// A random predicate of one or two comparisons over the indexed and unindexed columns.
    static func predicate(using rng: inout SeededRandom) -> String {
        let ops = ["=", "!=", "<", "<=", ">", ">="]
        func one() -> String {
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: return "score \(ops.randomElement(using: &rng)!) \(Double(Int.random(in: -60...60, using: &rng)) / 4)"
            case 1: return "tenant \(ops.randomElement(using: &rng)!) \(Int.random(in: -1...12, using: &rng))"
            case 2: return "name \(ops.randomElement(using: &rng)!) '\(["ada", "bob", "cy", "zed", "a"].randomElement(using: &rng)!)'"
            case 3: return "at \(ops.randomElement(using: &rng)!) \(1_700_000_000_000_000 + Int64(Int.random(in: 0..<3000, using: &rng)) * 1_000_000)"
            case 4: return ["score", "name", "at"].randomElement(using: &rng)! + [" IS NULL", " IS NOT NULL"].randomElement(using: &rng)!
            case 5: return "id < \(Int.random(in: 0..<3000, using: &rng))"
            default: return "tenant = \(Int.random(in: 0..<12, using: &rng))"
            }
        }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return one() + " AND " + one()
        case 1:  // a range on one indexed column: both bounds answered by the index together
            let low = Int.random(in: -60...40, using: &rng)
            return "score \([">", ">="].randomElement(using: &rng)!) \(Double(low) / 4) AND score \(["<", "<=", "="].randomElement(using: &rng)!) \(Double(low + Int.random(in: 0...20, using: &rng)) / 4)"
        default: return one()
        }
    }

    static func ids(_ batch: RecordBatch) -> [Int64] {
        (0..<batch.rowCount).map { if case let .int(id) = batch.columns[0].value(at: $0) { id } else { -1 } }
    }

    /// Every random predicate gives, through `filter`, exactly the rows a full scan gives.
    static func expectScanResults(_ table: Table, _ stage: String, seed: UInt64) async throws {
        let snapshot = try await table.snapshot()
        let all = try await snapshot.readAll()
        let allIDs = ids(all)
        var rng = SeededRandom(seed: seed)
        for _ in 0..<60 {
            let text = predicate(using: &rng)
            let predicate = try Predicate(parsing: text, schema: schema)
            let want = allIDs.indices.filter { predicate.matches(all, row: $0) }.map { allIDs[$0] }
            let got = ids(try await snapshot.filter(predicate, columns: ["id"]))
            #expect(got == want, "\(stage): \(text)")
        }
    }

    @Test(arguments: [false, true])
    func indexedScannedFreshDeletedMergedAndCompactedRowsFilterAsAScan(smallPages: Bool) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var options = TableOptions()
        if smallPages { options.fileOptions.maxRowsPerPage = 64 }  // many pages: zone maps at work
        let table = try await Table.create(directory: directory.path, schema: Self.schema, options: options)
        try await table.append(Self.batch(0..<1000, seed: 1))
        try await table.append(Self.batch(1000..<1600, seed: 2))
        try await Self.expectScanResults(table, "no index", seed: 10)
        try await table.createScalarIndex(column: "score", kind: .btree)
        try await table.createScalarIndex(column: "tenant", kind: .bitmap)
        try await table.createScalarIndex(column: "name", kind: .bitmap)
        let manifest = try await table.createScalarIndex(column: "at", kind: .btree)
        #expect(manifest.indexes.map(\.kind) == ["btree", "bitmap", "bitmap", "btree"])
        try await Self.expectScanResults(table, "indexed", seed: 11)
        try await table.append(Self.batch(1600..<2000, seed: 3))
        for id in 2000..<2020 { try await table.insert(Self.batch(id..<(id + 1), seed: UInt64(id))) }
        try await Self.expectScanResults(table, "fresh", seed: 12)
        try await table.delete(where: Predicate(parsing: "tenant = 3", schema: Self.schema))
        try await Self.expectScanResults(table, "deleted", seed: 13)
        let optimized = try await table.optimizeIndexes()
        #expect(optimized.indexes.allSatisfy { $0.fragmentIds == optimized.fragments.map(\.id) })
        try await Self.expectScanResults(table, "optimized", seed: 14)
        #expect(!(try await table.compact()).fragmentsRemoved.isEmpty)
        try await Self.expectScanResults(table, "compacted", seed: 15)
        let reopened = try await Table.open(directory: directory.path)
        try await Self.expectScanResults(reopened, "reopened", seed: 16)
        #expect(try await reopened.verify().problems.isEmpty)
    }

    /// On a column whose pages hold disjoint ranges, a narrow filter reads a fraction of the
    /// bytes a scan reads.
    @Test func zoneMapsSkipPages() async throws {
        let store = CountingStore(wrapping: MemoryObjectStore())
        var options = TableOptions()
        options.fileOptions.fixedPageBytes = 16 << 10  // about 2,000 rows a page: many pages, little metadata
        let table = try await Table.create(store: store, schema: Self.schema, options: options)
        try await table.append(Self.batch(0..<100_000, seed: 4))
        let predicate = try Predicate(parsing: "at >= 1700000100000000 AND at < 1700000110000000", schema: Self.schema)
        // Each measurement on a fresh handle: nothing in its page cache yet.
        store.reset()
        _ = try await Table.open(store: store).snapshot().readAll(columns: ["score", "at"])
        let scanBytes = store.reads.bytes
        store.reset()
        let found = try await Table.open(store: store).snapshot().filter(predicate, columns: ["id", "score"])
        #expect(Self.ids(found) == Array(100..<110).filter { $0 % 13 != 0 }.map(Int64.init))
        #expect(store.reads.bytes * 10 < scanBytes, "\(store.reads.bytes) bytes read against \(scanBytes) for a scan")
    }

    @Test func badIndexesAreTypedErrors() async throws {
        let schema = try Schema([("id", .int64, false), ("v", .vector(.float32, dimension: 2), true)])
        let table = try await Table.create(store: MemoryObjectStore(), schema: schema)
        try await table.append(try RecordBatch(schema: schema, columns: [
            ColumnBuilder.column(.int64, (0..<70_000).map { .int(Int64($0)) }),
            ColumnBuilder.column(.vector(.float32, dimension: 2), (0..<70_000).map { _ in .null }),
        ]))
        await #expect(throws: StrataError.self) { try await table.createScalarIndex(column: "v", kind: .btree) }
        await #expect(throws: StrataError.self) { try await table.createScalarIndex(column: "nope", kind: .btree) }
        await #expect(throws: StrataError.self) { try await table.createScalarIndex(column: "id", kind: .bitmap) }
        #expect(try await table.createScalarIndex(column: "id", kind: .btree).indexes.count == 1)
    }
}
