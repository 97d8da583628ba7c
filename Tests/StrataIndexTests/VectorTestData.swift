import StrataIndex
import StrataKernels
import TestSupport

/// Seeded clustered vectors like the benchmark's synthetic sets: Gaussian clusters around
/// random centres, so that an index has structure to find (uniform noise has none).
struct ClusteredVectors {
    let dimension: Int
    let base: [Float]
    let queries: [Float]

    init(count: Int, queries queryCount: Int, dimension: Int, clusters: Int = 20, seed: UInt64 = 1) {
        var rng = SeededRandom(seed: seed)
        self.dimension = dimension
        let centres = (0..<(clusters * dimension)).map { _ in Float(Self.gaussian(&rng) * 2) }
        func draw(_ n: Int) -> [Float] {
            var out: [Float] = []
            out.reserveCapacity(n * dimension)
            for _ in 0..<n {
                let c = Int.random(in: 0..<clusters, using: &rng)
                for j in 0..<dimension { out.append(centres[c * dimension + j] + Float(Self.gaussian(&rng))) }
            }
            return out
        }
        base = draw(count)
        queries = draw(queryCount)
    }

    var count: Int { base.count / dimension }
    var queryCount: Int { queries.count / dimension }

    func query(_ i: Int) -> [Float] { Array(queries[(i * dimension)..<((i + 1) * dimension)]) }
    func vector(_ i: Int) -> [Float] { Array(base[(i * dimension)..<((i + 1) * dimension)]) }

    static func gaussian(_ rng: inout SeededRandom) -> Double {
        let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }
}

/// Mean recall@k of `index` against the exact oracle over the data's queries.
func recall(of index: some VectorIndex, oracle: FlatIndex, data: ClusteredVectors, k: Int = 10,
            parameters: VectorSearchParameters = .init(), allowed: IDBitset? = nil) throws -> Double {
    var hits = 0, total = 0
    for q in 0..<data.queryCount {
        let truth = try oracle.search(data.query(q), k: k, allowed: allowed).map(\.id)
        let found = try index.search(data.query(q), k: k, parameters: parameters, allowed: allowed).map(\.id)
        hits += Set(truth).intersection(found).count
        total += truth.count
    }
    return Double(hits) / Double(max(total, 1))
}

import Foundation
