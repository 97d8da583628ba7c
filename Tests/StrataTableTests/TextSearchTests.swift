import Foundation
import Strata
import Testing
import TestSupport

/// Full-text search through a table: segments, unindexed fragments and in-memory rows scored
/// together with the statistics of every live row, so that the answer equals one index over
/// the table's visible rows — whatever is indexed, merged, deleted, compacted or reloaded.
@Suite struct TextSearchTests {
    static let schema = try! Schema([("id", .int64, false), ("body", .string, true), ("tenant", .int32, false)])
    static let queries = ["t1", "t2 t7 t30", "+t1 +t3", "\"t1 t2\"", "t1* -t2", "t4 AND t5 OR t6", "t0 t0x"]

    /// Rows `ids` of 0–12 words drawn from t0…t39, skewed to the small ones; every 11th null.
    static func batch(_ ids: Range<Int>, seed: UInt64) throws -> RecordBatch {
        var rng = SeededRandom(seed: seed)
        let bodies: [Value] = ids.map { id in
            guard id % 11 != 5 else { return .null }
            let words = (0..<Int.random(in: 0...12, using: &rng)).map { _ in "t\(Int(pow(Double.random(in: 0..<1, using: &rng), 2) * 40))" }
            return .string(words.joined(separator: " "))
        }
        return try RecordBatch(schema: schema, columns: [
            ColumnBuilder.column(.int64, ids.map { .int(Int64($0)) }), ColumnBuilder.column(.string, bodies),
            ColumnBuilder.column(.int32, ids.map { .int(Int64($0 % 3)) }),
        ])
    }

    /// One index over every visible row, in table order: the oracle's ids and scores.
    static func oracle(_ snapshot: TableSnapshot, _ query: String, k: Int, tenant: Int? = nil) async throws -> [(Int64, Double)] {
        let all = try await snapshot.readAll(columns: ["id", "body", "tenant"])
        var documents: [String?] = [], ids: [Int64] = [], allowed = IDBitset(capacity: all.rowCount)
        for row in 0..<all.rowCount {
            guard case let .int(id) = all.columns[0].value(at: row) else { continue }
            ids.append(id)
            if case let .string(text) = all.columns[1].value(at: row) { documents.append(text) } else { documents.append(nil) }
            if tenant == nil || all.columns[2].value(at: row) == .int(Int64(tenant!)) { allowed.insert(UInt32(row)) }
        }
        let index = InvertedIndex(documents: documents, analyzer: try TextAnalyzer())
        return try index.search(TextQuery.parse(query), k: k, allowed: allowed).map { (ids[Int($0.id)], $0.score) }
    }

    static func found(_ snapshot: TableSnapshot, _ query: String, k: Int, tenant: Int? = nil) async throws -> [(Int64, Double)] {
        let filter = try tenant.map { try Predicate(parsing: "tenant = \($0)", schema: schema) }
        let result = try await snapshot.search(TextSearchRequest(column: "body", query: query, k: k, filter: filter, columns: ["id"]))
        return (0..<result.rows.rowCount).map { row in
            guard case let .int(id) = result.rows.columns[0].value(at: row) else { return (-1, 0) }
            return (id, result.scores[row])
        }
    }

    /// Every query, with and without a filter, answers as the oracle does; returns the answers.
    @discardableResult
    static func expectOracle(_ table: Table, _ stage: String) async throws -> [[(Int64, Double)]] {
        let snapshot = try await table.snapshot()
        var answers: [[(Int64, Double)]] = []
        for query in queries {
            for tenant in [nil, 1] {
                let got = try await found(snapshot, query, k: 10, tenant: tenant)
                let want = try await oracle(snapshot, query, k: 10, tenant: tenant)
                #expect(got.map(\.0) == want.map(\.0), "\(stage): ids for '\(query)' tenant \(String(describing: tenant))")
                #expect(zip(got, want).allSatisfy { abs($0.1 - $1.1) <= 1e-12 * max(1, abs($1.1)) }, "\(stage): scores for '\(query)'")
                answers.append(got)
            }
        }
        return answers
    }

    static func same(_ a: [[(Int64, Double)]], _ b: [[(Int64, Double)]]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.map(\.0) == $1.map(\.0) && $0.map(\.1) == $1.map(\.1) }
    }

    @Test func segmentsFreshRowsDeletesMergesCompactionAndReloadAllScoreAsOneIndex() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = try await Table.create(directory: directory.path, schema: Self.schema)
        try await Self.expectOracle(table, "empty, no index")
        for (i, start) in [0, 200, 400].enumerated() { try await table.append(Self.batch(start..<(start + 200), seed: UInt64(i))) }
        try await Self.expectOracle(table, "no index")
        let created = try await table.createTextIndex(column: "body")
        #expect(created.indexes.count == 1 && created.indexes[0].segments.count == 1 && created.indexes[0].fragmentIds.count == 3)
        try await Self.expectOracle(table, "indexed")

        // Fresh rows: two unindexed fragments and in-memory rows are found at once.
        try await table.append(Self.batch(600..<700, seed: 10))
        try await table.append(Self.batch(700..<750, seed: 11))
        for id in 750..<780 { try await table.insert(Self.batch(id..<(id + 1), seed: UInt64(id))) }
        try await table.insert(try RecordBatch(schema: Self.schema, columns: [
            ColumnBuilder.column(.int64, [.int(9999)]), ColumnBuilder.column(.string, [.string("zebra crossing")]),
            ColumnBuilder.column(.int32, [.int(1)]),
        ]))
        #expect(try await Self.found(table.snapshot(), "zebra", k: 3).map(\.0) == [9999])
        try await Self.expectOracle(table, "fresh")

        // Deletes are honoured in the results and in the statistics.
        try await table.delete(where: Predicate(parsing: "tenant = 2", schema: Self.schema))
        let beforeOptimize = try await Self.expectOracle(table, "deleted")

        // Optimizing adds a segment (merging by the policy) and changes no answer or score.
        let optimized = try await table.optimizeIndexes()
        #expect(optimized.indexes[0].fragmentIds == optimized.fragments.map(\.id).sorted())
        #expect(Self.same(beforeOptimize, try await Self.expectOracle(table, "optimized")))

        // Compaction moves rows: the remap keeps the index answering, as does a reload.
        let compaction = try await table.compact()
        #expect(!compaction.fragmentsRemoved.isEmpty)
        #expect(Self.same(beforeOptimize, try await Self.expectOracle(table, "compacted")))
        let reopened = try await Table.open(directory: directory.path)
        #expect(Self.same(beforeOptimize, try await Self.expectOracle(reopened, "reopened")))
        #expect(try await reopened.verify().problems.isEmpty)
    }

    @Test func theMergePolicyKeepsSegmentsLogarithmic() async throws {
        let table = try await Table.create(store: MemoryObjectStore(), schema: Self.schema)
        try await table.append(Self.batch(0..<50, seed: 1))
        try await table.createTextIndex(column: "body", parameters: ["stemmer": "none", "k1": "1.5", "b": "0.5"])
        var rows = 50
        for round in 0..<24 {
            let count = 5 + round % 4 * 7
            try await table.append(Self.batch(rows..<(rows + count), seed: UInt64(100 + round)))
            rows += count
            let manifest = try await table.optimizeIndexes()
            let segments = manifest.indexes[0].segments
            #expect(segments.flatMap(\.fragmentIds).sorted() == manifest.fragments.map(\.id))
            #expect(Double(segments.count) <= 1 + log2(Double(rows)), "round \(round): \(segments.count) segments for \(rows) rows")
        }
        // Its own settings score: the oracle with k1 1.5, b 0.5 and no stemming agrees.
        let snapshot = try await table.snapshot()
        let all = try await snapshot.readAll(columns: ["body"])
        let documents: [String?] = (0..<all.rowCount).map { if case let .string(text) = all.columns[0].value(at: $0) { text } else { nil } }
        let analyzer = try TextAnalyzer(options: TextAnalyzerOptions(settings: ["stemmer": "none"]))
        let oracle = try InvertedIndex(documents: documents, analyzer: analyzer, bm25: BM25Parameters(k1: 1.5, b: 0.5)).search("t3 t9", k: 5)
        #expect(try await Self.found(snapshot, "t3 t9", k: 5).map(\.1) == oracle.map(\.score))
    }

    /// Why `body` failed with invalid input; nil when it succeeded, "other" for another error.
    static func invalidInput(_ body: () async throws(StrataError) -> Void) async -> String? {
        do throws(StrataError) {
            try await body()
            return nil
        } catch {
            if case let .invalidInput(_, why) = error { return why }
            return "other: \(error)"
        }
    }

    @Test func badRequestsAreTypedErrors() async throws {
        let table = try await Table.create(store: MemoryObjectStore(), schema: Self.schema)
        try await table.append(Self.batch(0..<10, seed: 1))
        let snapshot = try await table.snapshot()
        for (request, fragment) in [(TextSearchRequest(column: "id", query: "x", k: 1), "not a string column"),
                                    (TextSearchRequest(column: "nope", query: "x", k: 1), "no such column"),
                                    (TextSearchRequest(column: "body", query: "x", k: 0), "at least 1"),
                                    (TextSearchRequest(column: "body", query: "\"open", k: 1), "not closed")] {
            let why = await Self.invalidInput { () async throws(StrataError) in _ = try await snapshot.search(request) }
            #expect(why?.contains(fragment) == true, "\(String(describing: why))")
        }
        for parameters in [["stemmer": "klingon"], ["k1": "-1"], ["b": "2"], ["colour": "blue"]] {
            let why = await Self.invalidInput { () async throws(StrataError) in try await table.createTextIndex(column: "body", parameters: parameters) }
            #expect(why != nil && why?.hasPrefix("other") == false, "\(parameters)")
        }
        let why = await Self.invalidInput { () async throws(StrataError) in try await table.createTextIndex(column: "tenant") }
        #expect(why?.contains("not a string column") == true)
    }
}
