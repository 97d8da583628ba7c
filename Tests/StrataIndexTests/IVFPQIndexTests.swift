import StrataCore
import StrataIndex
import StrataKernels
import Testing
import TestSupport

@Suite struct IVFPQIndexTests {
    static let data = ClusteredVectors(count: 5000, queries: 100, dimension: 32, seed: 2)

    static func oracle(_ metric: VectorMetric) throws -> FlatIndex {
        var flat = FlatIndex(dimension: data.dimension, metric: metric)
        try flat.add(data.base)
        return flat
    }

    @Test(arguments: VectorMetric.allCases)
    func recallWithRefine(metric: VectorMetric) throws {
        let index = try IVFPQIndex(training: Self.data.base, dimension: Self.data.dimension, metric: metric)
        let r = try recall(of: index, oracle: Self.oracle(metric), data: Self.data, parameters: .init(nprobes: 16, refine: 10))
        #expect(r >= 0.95, "recall@10 \(r) with \(metric)")
        let defaults = try recall(of: index, oracle: Self.oracle(metric), data: Self.data)
        #expect(defaults >= 0.90, "recall@10 \(defaults) at default settings with \(metric)")
    }

    @Test func pqDistancesApproximateExactOnes() throws {
        let index = try IVFPQIndex(training: Self.data.base, dimension: Self.data.dimension, metric: .l2,
                                   parameters: .init(partitions: 16, subvectors: 16))
        let oracle = try Self.oracle(.l2)
        let r = try recall(of: index, oracle: oracle, data: Self.data, parameters: .init(nprobes: 16, refine: 0))
        #expect(r >= 0.5, "PQ alone keeps a good part of the true neighbours: \(r)")
        let found = try index.search(Self.data.query(0), k: 10, parameters: .init(nprobes: 16, refine: 0))
        let exact = try oracle.search(Self.data.query(0), k: 1)[0].distance
        #expect(abs(found[0].distance - exact) < 0.5 * exact, "table distance \(found[0].distance) vs exact \(exact)")
    }

    @Test func sameResultsAfterSaveAndReload() throws {
        let index = try IVFPQIndex(training: Self.data.base, dimension: Self.data.dimension, metric: .cosine)
        let bytes = index.encoded()
        let reloaded = try #require(try VectorIndexCoding.decode(bytes, path: "t") as? IVFPQIndex)
        #expect(reloaded.encoded() == bytes)
        for q in 0..<Self.data.queryCount {
            #expect(try reloaded.search(Self.data.query(q), k: 10) == index.search(Self.data.query(q), k: 10))
        }
    }

    @Test func incrementalAddUsesTrainedCodebooks() throws {
        let half = Self.data.base.count / 2
        var index = try IVFPQIndex(training: Array(Self.data.base[..<half]), dimension: Self.data.dimension, metric: .l2)
        try index.add(Array(Self.data.base[half...]))
        #expect(index.count == Self.data.count)
        #expect(try recall(of: index, oracle: Self.oracle(.l2), data: Self.data) >= 0.95)
    }

    @Test(arguments: [0.001, 0.01, 0.1, 0.5])
    func filteredSearchNeverUnderfills(selectivity: Double) throws {
        let index = try IVFPQIndex(training: Self.data.base, dimension: Self.data.dimension, metric: .l2)
        var rng = SeededRandom(seed: 9)
        var allowed = IDBitset(capacity: Self.data.count)
        for id in 0..<Self.data.count where Double.random(in: 0..<1, using: &rng) < selectivity { allowed.insert(UInt32(id)) }
        for q in 0..<30 {
            let found = try index.search(Self.data.query(q), k: 10, parameters: .init(nprobes: 1), allowed: allowed)
            #expect(found.count == min(10, allowed.count))
            #expect(found.allSatisfy { allowed.contains($0.id) })
        }
        #expect(try recall(of: index, oracle: Self.oracle(.l2), data: Self.data, allowed: allowed) >= 0.9)
    }

    @Test func parametersAreCheckedAndChosen() throws {
        let auto = try IVFPQParameters().resolved(count: 100_000, dimension: 100)
        #expect(auto.partitions == 316 && auto.subvectors == 25 && auto.nprobes == 31 && auto.refine == 10)
        let big = try IVFPQParameters().resolved(count: 20_000, dimension: 384)
        #expect(big.partitions == 141 && big.subvectors == 48)
        #expect(throws: StrataError.self) { try IVFPQParameters(subvectors: 33).resolved(count: 100, dimension: 32) }
        #expect(throws: StrataError.self) { try IVFPQParameters(partitions: 0).resolved(count: 100, dimension: 32) }
        #expect(throws: StrataError.self) { try IVFPQIndex(training: [], dimension: 4, metric: .l2) }
        // Subvectors that do not divide the dimension: uneven pieces.
        let odd = ClusteredVectors(count: 600, queries: 20, dimension: 13, seed: 4)
        let index = try IVFPQIndex(training: odd.base, dimension: 13, metric: .l2, parameters: .init(subvectors: 5))
        var flat = FlatIndex(dimension: 13, metric: .l2)
        try flat.add(odd.base)
        #expect(try recall(of: index, oracle: flat, data: odd) >= 0.95)
    }
}
