import Foundation
import Strata
import Testing
import TestSupport

/// Vector search through a table: index on covered fragments, exact on the rest, merged.
@Suite struct VectorSearchTests {
    static let dimension = 8
    static let schema = try! Schema([("id", .int64, false), ("group", .int32, false), ("emb", .vector(.float32, dimension: dimension), true)])

    static func batch(_ ids: Range<Int>, seed: UInt64) throws -> RecordBatch {
        var rng = SeededRandom(seed: seed)
        let rows: [[Value]] = ids.map { id in
            let vector = (0..<dimension).map { _ in Float.random(in: -1...1, using: &rng) }
            return [.int(Int64(id)), .int(Int64(id % 10)), id % 97 == 3 ? .null : .vector(vector)]
        }
        return try rowsBatch(rows)
    }

    static func rowsBatch(_ rows: [[Value]]) throws -> RecordBatch {
        try RecordBatch(schema: schema, columns: schema.fields.indices.map { c in
            try ColumnBuilder.column(schema.fields[c].type, rows.map { $0[c] })
        })
    }

    /// The ids of the exact top-k over every visible row (the oracle), by full scan.
    static func oracle(_ snapshot: TableSnapshot, _ query: [Float], k: Int, group: Int32? = nil) async throws -> [Int64] {
        let all = try await snapshot.readAll(columns: ["id", "group", "emb"])
        var scored: [(Float, Int64)] = []
        for row in 0..<all.rowCount {
            guard case let .vector(v) = all.columns[2].value(at: row), case let .int(id) = all.columns[0].value(at: row) else { continue }
            if let group, all.columns[1].value(at: row) != .int(Int64(group)) { continue }
            scored.append((zip(v, query).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }, id))
        }
        return scored.sorted { $0 < $1 }.prefix(k).map(\.1)
    }

    static func ids(_ result: VectorSearchResult) -> [Int64] {
        (0..<result.rows.rowCount).compactMap { if case let .int(id) = result.rows.columns[0].value(at: $0) { id } else { nil } }
    }

    static func recall(_ table: Table, queries: Int = 20, group: Int32? = nil, parameters: VectorSearchParameters = .init()) async throws -> Double {
        let snapshot = try await table.snapshot()
        var rng = SeededRandom(seed: 77)
        var hits = 0, total = 0
        for _ in 0..<queries {
            let query = (0..<dimension).map { _ in Float.random(in: -1...1, using: &rng) }
            let filter = try group.map { try Predicate(parsing: "group = \($0)", schema: schema) }
            let found = ids(try await snapshot.search(VectorSearchRequest(column: "emb", vector: query, k: 10, filter: filter, parameters: parameters)))
            let truth = try await oracle(snapshot, query, k: 10, group: group)
            #expect(found.count == truth.count, "never fewer rows than exist")
            hits += Set(found).intersection(truth).count
            total += truth.count
        }
        return Double(hits) / Double(total)
    }

    @Test(arguments: [VectorIndexKind.hnsw, .ivfPQ, .flat])
    func indexedFreshDeletedFilteredAndCompactedRowsAreAllSearchedCorrectly(kind: VectorIndexKind) async throws {
        let store = MemoryObjectStore()
        let table = try await Table.create(store: store, schema: Self.schema)
        try await table.append(Self.batch(0..<1500, seed: 1))
        try await table.createIndex(column: "emb", kind: kind, parameters: kind == .ivfPQ ? ["partitions": "16"] : [:])
        #expect(try await Self.recall(table) >= 0.95)
        // Fresh rows: found before any optimisation (exact path), then folded in.
        try await table.append(Self.batch(1500..<1800, seed: 2))
        let probe: [Float] = Array(repeating: 0.999, count: Self.dimension)
        try await table.append(try Self.rowsBatch([[.int(9999), .int(1), .vector(probe)]]))
        let fresh = try await table.snapshot().search(VectorSearchRequest(column: "emb", vector: probe, k: 1))
        #expect(Self.ids(fresh) == [9999] && fresh.distances == [0])
        #expect(try await Self.recall(table) >= 0.95)
        let optimized = try await table.optimizeIndexes()
        #expect(optimized.indexes[0].fragmentIds.count == optimized.fragments.count)
        #expect(try await Self.recall(table) >= 0.95)
        // The optimisation appended a vector segment instead of rewriting the vectors, and a
        // fresh handle reading index, segments and rows from the store answers the same.
        #expect(optimized.indexes[0].vectorFiles.count == 2)
        #expect(optimized.indexes[0].vectorFiles[1].sizeBytes < optimized.indexes[0].vectorFiles[0].sizeBytes / 3)
        let reopened = try await Table.open(store: store)
        let probeQuery = VectorSearchRequest(column: "emb", vector: Array(repeating: 0.5, count: Self.dimension), k: 10)
        #expect(Self.ids(try await reopened.snapshot().search(probeQuery)) == Self.ids(try await table.snapshot().search(probeQuery)))
        // Deleted rows never come back; filters never under-fill.
        _ = try await table.delete(where: try Predicate(parsing: "id = 9999", schema: Self.schema))
        #expect(!Self.ids(try await table.snapshot().search(VectorSearchRequest(column: "emb", vector: probe, k: 5))).contains(9999))
        #expect(try await Self.recall(table, group: 3) >= 0.95)
        // Compaction moves rows to new fragments: still found, exactly once.
        try await table.compact()
        let compacted = try await table.latestManifest()
        #expect(compacted.transaction.operation == .index, "indexes are remapped right after compaction")
        #expect(compacted.indexes[0].fragmentIds == compacted.fragments.map(\.id), "the merged fragment is covered")
        #expect(try await Self.recall(table) >= 0.95)
        let result = try await table.snapshot().search(VectorSearchRequest(column: "emb", vector: probe, k: 50))
        #expect(Set(Self.ids(result)).count == 50)
    }

    @Test func compactingCoveredWithUncoveredRowsFallsBackToExactWithoutDuplicates() async throws {
        let table = try await Table.create(store: MemoryObjectStore(), schema: Self.schema)
        try await table.append(Self.batch(0..<600, seed: 5))
        try await table.createIndex(column: "emb", kind: .hnsw)
        try await table.append(Self.batch(600..<700, seed: 6))
        try await table.compact()
        let latest = try await table.latestManifest()
        #expect(latest.fragments.count == 1 && latest.indexes[0].fragmentIds.isEmpty)
        #expect(try await Self.recall(table) == 1, "everything is searched exactly now")
        let all = try await table.snapshot().search(VectorSearchRequest(column: "emb", vector: Array(repeating: 0, count: Self.dimension), k: 700))
        #expect(Set(Self.ids(all)).count == all.rows.rowCount)
        try await table.optimizeIndexes()
        #expect(try await table.latestManifest().indexes[0].fragmentIds == latest.fragments.map(\.id))
        #expect(try await Self.recall(table) >= 0.95)
    }

    @Test func verifyChecksIndexFilesAndSearchRefusesDamagedOnes() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = try await Table.create(directory: directory.path, schema: Self.schema)
        try await table.append(Self.batch(0..<300, seed: 8))
        let manifest = try await table.createIndex(column: "emb", kind: .ivfPQ, parameters: ["partitions": "4"])
        #expect(try await table.verify().problems.isEmpty)
        #expect(try await table.verify().filesChecked == manifest.fragments.count + 2 + manifest.indexes[0].vectorFiles.count)
        // Flip one byte in the middle of the index file: verify names it, a fresh handle's
        // search fails with corruption instead of answering from damaged data.
        let path = directory.path + "/" + manifest.indexes[0].indexFile.path
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let problems = try await table.verify().problems
        #expect(problems.count == 1 && problems.allSatisfy(\.isDataError))
        let reopened = try await Table.open(directory: directory.path)
        await #expect(throws: StrataError.self) {
            try await reopened.snapshot().search(VectorSearchRequest(column: "emb", vector: Array(repeating: 0, count: Self.dimension), k: 3))
        }
    }

    @Test func rowsStillInTheLogAreFoundWithEveryColumnAsked() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = try await Table.create(directory: directory.path, schema: Self.schema)
        try await table.append(Self.batch(0..<200, seed: 12))
        try await table.createIndex(column: "emb", kind: .hnsw)
        let probe: [Float] = [0.9, -0.9, 0.9, -0.9, 0.9, -0.9, 0.9, -0.9]
        try await table.insert(try Self.rowsBatch([[.int(5000), .int(4), .vector(probe)]]))
        let snapshot = try await table.snapshot()
        #expect(snapshot.pendingRows.count == 1, "the row is in the log, not in a fragment")
        for columns in [["id"], ["group", "id"], nil] as [[String]?] {
            let found = try await snapshot.search(VectorSearchRequest(column: "emb", vector: probe, k: 2, columns: columns))
            #expect(found.addresses.first! == nil && found.distances.first == 0)
            let id = found.rows.column(named: "id")!.value(at: 0)
            #expect(id == .int(5000), "columns \(columns ?? [])")
            if columns != ["id"] { #expect(found.rows.column(named: "group")!.value(at: 0) == .int(4)) }
        }
    }

    @Test func inMemoryRowsAndReopenAndBadRequests() async throws {
        let store = MemoryObjectStore()
        var options = TableOptions()
        options.durability = .none
        let table = try await Table.create(store: store, schema: Self.schema, options: options)
        try await table.append(Self.batch(0..<300, seed: 3))
        try await table.createIndex(column: "emb", kind: .hnsw, metric: .cosine)
        let probe: [Float] = [1, 0, 0, 0, 0, 0, 0, 0]
        try await table.insert(try Self.rowsBatch([[.int(777), .int(0), .vector(probe)]]))
        let found = try await table.snapshot().search(VectorSearchRequest(column: "emb", vector: probe, k: 3))
        #expect(Self.ids(found).first == 777, "a row is found as soon as its write returns")
        let reopened = try await Table.open(store: store)
        let again = try await reopened.snapshot().search(VectorSearchRequest(column: "emb", vector: [0.5, 0.5, 0, 0, 0, 0, 0, 0], k: 10))
        #expect(again.rows.rowCount == 10 && again.distances == again.distances.sorted())
        let snapshot = try await reopened.snapshot()
        await #expect(throws: StrataError.self) { try await snapshot.search(VectorSearchRequest(column: "emb", vector: [1], k: 3)) }
        await #expect(throws: StrataError.self) { try await snapshot.search(VectorSearchRequest(column: "id", vector: probe, k: 3)) }
        await #expect(throws: StrataError.self) { try await snapshot.search(VectorSearchRequest(column: "emb", vector: probe, k: 0)) }
        await #expect(throws: StrataError.self) { try await reopened.createIndex(column: "emb", kind: .hnsw, parameters: ["m": "x"]) }
        // Dropping the column drops its index.
        let dropped = try await reopened.dropColumn("emb")
        #expect(dropped.indexes.isEmpty)
    }
}
