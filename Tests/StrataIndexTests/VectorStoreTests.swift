import Foundation
import StrataCore
@testable import StrataIndex
import StrataKernels
import Testing
import TestSupport

/// The store's two runs: appends to a shared copy leave the original untouched, rows read the
/// same whichever run holds them, and files written from two runs match files from one.
@Suite struct VectorStoreTests {
    static let data = ClusteredVectors(count: 800, queries: 20, dimension: 12, seed: 41)

    /// The vectors of `store`, read row by row through `withRows`.
    static func rows(_ store: VectorStore) -> [Float] { store.copyRows(0..<store.count) }

    @Test(arguments: VectorMetric.allCases)
    func appendsToACopyGoToTheTailAndLeaveTheOriginal(metric: VectorMetric) throws {
        let d = Self.data.dimension
        var original = VectorStore(dimension: d, metric: metric)
        try original.append(contentsOf: Array(Self.data.base[..<(640 * d)]))
        let before = Self.rows(original)
        var copy = original
        // Small appends (an eighth of the base in all) stay in the tail.
        for start in stride(from: 640, to: 720, by: 20) {
            #expect(try copy.append(contentsOf: Array(Self.data.base[(start * d)..<((start + 20) * d)])) == UInt32(start))
        }
        #expect(copy.base.count == 640 * d && copy.tail.count == 80 * d)
        #expect(Self.rows(original) == before && original.count == 640)
        // One more and the tail is folded into the base.
        try copy.append(contentsOf: Array(Self.data.base[(720 * d)...]))
        #expect(copy.base.count == 800 * d && copy.tail.isEmpty && copy.count == 800)
        var single = VectorStore(dimension: d, metric: metric)
        try single.append(contentsOf: Self.data.base)
        #expect(Self.rows(copy) == Self.rows(single))
        #expect(Self.rows(original) == before)
    }

    @Test func runsFromAnyFirstRowCoverBothRuns() throws {
        let d = Self.data.dimension
        var store = VectorStore(dimension: d, metric: .l2)
        try store.append(contentsOf: Array(Self.data.base[..<(700 * d)]))
        try store.append(contentsOf: Array(Self.data.base[(700 * d)..<(760 * d)]))
        #expect(store.tail.count == 60 * d)
        for first in [0, 1, 699, 700, 701, 759, 760] {
            #expect(store.runs(from: first).flatMap { $0 } == Array(Self.data.base[(first * d)..<(760 * d)]))
        }
    }

    @Test(arguments: [VectorIndexKind.flat, .hnsw, .ivfPQ])
    func anIndexWithATailWritesTheFileOfOneRun(kind: VectorIndexKind) throws {
        let d = Self.data.dimension, split = 720
        func build(_ batches: [[Float]]) throws -> any VectorIndex {
            var index: any VectorIndex
            switch kind {
            case .flat: index = FlatIndex(dimension: d, metric: .l2)
            case .hnsw: index = try HNSWIndex(dimension: d, metric: .l2)
            case .ivfPQ: index = try IVFPQIndex(training: batches[0], dimension: d, metric: .l2, parameters: IVFPQParameters(partitions: 4, subvectors: 3))
            }
            for batch in (kind == .ivfPQ ? Array(batches.dropFirst()) : batches) { try index.add(batch) }
            return index
        }
        let first = Array(Self.data.base[..<(split * d)]), rest = Array(Self.data.base[(split * d)...])
        let twoRuns = try build([first, rest])
        let shared = twoRuns  // a copy still sharing the arrays must not change the bytes
        let bytes = twoRuns.encoded()
        let reloaded = try VectorIndexCoding.decode(bytes, path: "two-runs")
        #expect(reloaded.encoded() == bytes && shared.encoded() == bytes)
        for q in 0..<Self.data.queryCount {
            #expect(try reloaded.search(Self.data.query(q), k: 10, parameters: .init(), allowed: nil) == twoRuns.search(Self.data.query(q), k: 10, parameters: .init(), allowed: nil))
        }
        #expect(VectorIndexFileWriter.vectorSegment(twoRuns.store, from: split).finish()
                == VectorIndexFileWriter.vectorSegment(reloaded.store, from: split).finish())
    }

    @Test func streamedChecksumEqualsOneShot() {
        var rng = SeededRandom(seed: 7)
        let bytes = (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for cuts in [[0], [1, 17], [64, 240, 241, 4_999], [2_500]] {
            var stream = Checksum.XXH3Stream()
            var start = 0
            bytes.withUnsafeBytes { raw in
                for cut in cuts + [bytes.count] {
                    stream.update(UnsafeRawBufferPointer(rebasing: raw[start..<cut]))
                    start = cut
                }
            }
            #expect(stream.digest() == Checksum.xxh3(bytes))
        }
    }
}
