import StrataCore
import StrataIndex
import StrataKernels
import Testing
import TestSupport

@Suite struct HNSWIndexTests {
    static let data = ClusteredVectors(count: 4000, queries: 100, dimension: 24)

    static func oracle(_ metric: VectorMetric, _ data: ClusteredVectors = data) throws -> FlatIndex {
        var flat = FlatIndex(dimension: data.dimension, metric: metric)
        try flat.add(data.base)
        return flat
    }

    @Test(arguments: VectorMetric.allCases)
    func recallAtDocumentedSettings(metric: VectorMetric) throws {
        var index = try HNSWIndex(dimension: Self.data.dimension, metric: metric, parameters: HNSWParameters(m: 16, efConstruction: 100))
        try index.add(Self.data.base)
        #expect(index.checkInvariants() == [])
        let r = try recall(of: index, oracle: Self.oracle(metric), data: Self.data, parameters: .init(ef: 64))
        #expect(r >= 0.98, "recall@10 \(r) with \(metric)")
    }

    @Test func distancesMatchTheOracle() throws {
        var index = try HNSWIndex(dimension: Self.data.dimension, metric: .l2)
        try index.add(Self.data.base)
        let oracle = try Self.oracle(.l2)
        for q in 0..<10 {
            let exact = try oracle.search(Self.data.query(q), k: 5)
            let found = try index.search(Self.data.query(q), k: 5, parameters: .init(ef: 200))
            #expect(found.map(\.id) == exact.map(\.id))
            #expect(zip(found, exact).allSatisfy { abs($0.distance - $1.distance) <= 1e-3 * max(1, $1.distance) })
        }
    }

    @Test func sameRecallAfterSaveAndReload() throws {
        var index = try HNSWIndex(dimension: Self.data.dimension, metric: .cosine)
        try index.add(Self.data.base)
        let bytes = index.encoded()
        let reloaded = try #require(try VectorIndexCoding.decode(bytes, path: "test.vidx") as? HNSWIndex)
        #expect(reloaded.checkInvariants() == [])
        #expect(reloaded.encoded() == bytes)
        for q in 0..<Self.data.queryCount {
            #expect(try reloaded.search(Self.data.query(q), k: 10) == index.search(Self.data.query(q), k: 10))
        }
    }

    @Test func incrementalInsertKeepsRecall() throws {
        var index = try HNSWIndex(dimension: Self.data.dimension, metric: .l2)
        let half = Self.data.base.count / 2
        try index.add(Array(Self.data.base[..<half]))
        let reloaded = try #require(try VectorIndexCoding.decode(index.encoded(), path: "t") as? HNSWIndex)
        var grown = reloaded
        try grown.add(Array(Self.data.base[half...]))
        #expect(grown.count == Self.data.count)
        #expect(grown.checkInvariants() == [])
        #expect(try recall(of: grown, oracle: Self.oracle(.l2), data: Self.data) >= 0.98)
        #expect(reloaded.count == Self.data.count / 2, "a copy is not changed by the other's insert")
    }

    @Test(arguments: [0.002, 0.01, 0.1, 0.5, 0.95])
    func filteredSearchNeverUnderfills(selectivity: Double) throws {
        var index = try HNSWIndex(dimension: Self.data.dimension, metric: .l2)
        try index.add(Self.data.base)
        var rng = SeededRandom(seed: UInt64(selectivity * 1000))
        var allowed = IDBitset(capacity: Self.data.count)
        for id in 0..<Self.data.count where Double.random(in: 0..<1, using: &rng) < selectivity { allowed.insert(UInt32(id)) }
        let oracle = try Self.oracle(.l2)
        for q in 0..<30 {
            let found = try index.search(Self.data.query(q), k: 10, allowed: allowed)
            #expect(found.count == min(10, allowed.count))
            #expect(found.allSatisfy { allowed.contains($0.id) })
        }
        #expect(try recall(of: index, oracle: oracle, data: Self.data, allowed: allowed) >= 0.95)
    }

    @Test func deletedRowsAreSkippedAndFewRowsFillExactly() throws {
        var index = try HNSWIndex(dimension: Self.data.dimension, metric: .l2)
        try index.add(Self.data.base)
        var live = IDBitset(capacity: Self.data.count, full: true)
        for id in stride(from: 0, to: Self.data.count, by: 3) { live.remove(UInt32(id)) }
        for q in 0..<20 {
            let found = try index.search(Self.data.query(q), k: 10, allowed: live)
            #expect(found.count == 10 && found.allSatisfy { $0.id % 3 != 0 })
        }
        var three = IDBitset(capacity: Self.data.count)
        for id: UInt32 in [5, 900, 3999] { three.insert(id) }
        #expect(try index.search(Self.data.query(0), k: 10, allowed: three).map(\.id).sorted() == [5, 900, 3999])
    }

    @Test func badInputIsATypedError() throws {
        var index = try HNSWIndex(dimension: 4, metric: .l2)
        #expect(throws: StrataError.self) { try index.add([1, 2, 3]) }
        #expect(throws: StrataError.self) { try index.add([1, 2, .nan, 4]) }
        try index.add([1, 2, 3, 4])
        #expect(throws: StrataError.self) { try index.search([1, 2], k: 1) }
        #expect(throws: StrataError.self) { try index.search([1, 2, 3, 4], k: 0) }
        #expect(throws: StrataError.self) { try HNSWIndex(dimension: 4, metric: .l2, parameters: .init(m: 1)) }
        #expect(try index.search([1, 2, 3, 4], k: 5).count == 1)
    }
}

/// A filter that lets many rows through is answered by a scan of the int8 copy, re-ranked
/// exactly: the results are those of the exact filtered search.
@Suite struct HNSWQuantizedScanTests {
    @Test(arguments: VectorMetric.allCases)
    func manyAllowedRowsGiveTheExactFilteredTopK(metric: VectorMetric) throws {
        let data = ClusteredVectors(count: 12_000, queries: 40, dimension: 32)
        var index = try HNSWIndex(dimension: data.dimension, metric: metric, parameters: HNSWParameters(m: 8, efConstruction: 40))
        try index.add(data.base)
        var flat = FlatIndex(dimension: data.dimension, metric: metric)
        try flat.add(data.base)
        // Every other row: 6,000 allowed, enough for the scan; with a wide ef the graph walk
        // would cost more than scanning them.
        var allowed = IDBitset(capacity: data.count)
        for id in stride(from: 0, to: UInt32(data.count), by: 2) { allowed.insert(id) }
        #expect(allowed.count >= HNSWIndex.quantizedScanMinimum && index.exactIsCheaper(allowedCount: allowed.count, ef: 400))
        var hits = 0, total = 0
        for q in 0..<data.queryCount {
            let exact = try flat.search(data.query(q), k: 10, allowed: allowed)
            let found = try index.search(data.query(q), k: 10, parameters: .init(ef: 400), allowed: allowed)
            #expect(found.count == 10)
            #expect(found.allSatisfy { allowed.contains($0.id) })
            hits += Set(found.map(\.id)).intersection(exact.map(\.id)).count
            total += exact.count
        }
        #expect(Double(hits) / Double(total) >= 0.99, "recall \(Double(hits) / Double(total)) with \(metric)")
    }
}
