import COpenBLAS
import StrataCore
import StrataKernels

/// Lloyd's k-means with k-means++ seeding, the assignment step as one matrix product per
/// block of points through OpenBLAS `sgemm`: ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖², and only the
/// x·c term needs the product. Empty clusters are refilled by splitting the largest one.
struct KMeans {
    /// Points per `sgemm` block: bounds the distance matrix to blockRows × k floats.
    static let blockRows = 4096

    /// Trains `k` centroids on `count` points of `dimension` floats at `points`.
    /// Deterministic for a given seed. Requires count ≥ k ≥ 1.
    /// - Complexity: O(iterations × count × k × dimension).
    static func train(points: UnsafePointer<Float>, count: Int, dimension: Int, k: Int,
                      iterations: Int, generator: inout SeededGenerator) -> [Float] {
        precondition(count >= k && k >= 1, "k-means needs at least k points")
        var centroids = seedPlusPlus(points: points, count: count, dimension: dimension, k: k, generator: &generator)
        var assignment = [Int32](repeating: 0, count: count)
        for iteration in 0..<iterations {
            WorkProgress.report("Training \(k) centroids", done: iteration, of: iterations, unit: "rounds")
            assign(points: points, count: count, dimension: dimension, centroids: centroids, k: k, into: &assignment)
            var sums = [Double](repeating: 0, count: k * dimension)
            var sizes = [Int](repeating: 0, count: k)
            for i in 0..<count {
                let c = Int(assignment[i])
                sizes[c] += 1
                for j in 0..<dimension { sums[c * dimension + j] += Double(points[i * dimension + j]) }
            }
            for c in 0..<k where sizes[c] > 0 {
                for j in 0..<dimension { centroids[c * dimension + j] = Float(sums[c * dimension + j] / Double(sizes[c])) }
            }
            splitLargest(into: sizes, centroids: &centroids, dimension: dimension, generator: &generator)
        }
        return centroids
    }

    /// k-means++: each next seed is drawn with probability proportional to its squared
    /// distance from the nearest seed so far, which spreads the seeds over the data.
    static func seedPlusPlus(points: UnsafePointer<Float>, count: Int, dimension: Int, k: Int,
                             generator: inout SeededGenerator) -> [Float] {
        var centroids = [Float](repeating: 0, count: k * dimension)
        var nearest = [Float](repeating: .infinity, count: count)
        var chosen = Int.random(in: 0..<count, using: &generator)
        for c in 0..<k {
            let seed = points + chosen * dimension
            for j in 0..<dimension { centroids[c * dimension + j] = seed[j] }
            var total = 0.0
            for i in 0..<count {
                let d = VectorDistance.l2Squared(points + i * dimension, UnsafeRawPointer(seed), as: Float32Element.self, dimension: dimension)
                if d < nearest[i] { nearest[i] = d }
                total += Double(nearest[i])
            }
            guard c + 1 < k else { break }
            if total <= 0 {  // every point sits on a seed: any point will do
                chosen = Int.random(in: 0..<count, using: &generator)
                continue
            }
            var target = Double.random(in: 0..<total, using: &generator)
            chosen = count - 1
            for i in 0..<count {
                target -= Double(nearest[i])
                if target < 0 { chosen = i; break }
            }
        }
        return centroids
    }

    /// The nearest centroid of each point (ties by lower index).
    static func assign(points: UnsafePointer<Float>, count: Int, dimension: Int, centroids: [Float], k: Int,
                       into assignment: inout [Int32]) {
        let centroidNorms = (0..<k).map { c in
            centroids.withUnsafeBufferPointer { VectorDistance.squaredNorm($0.baseAddress! + c * dimension, dimension: dimension) }
        }
        var products = [Float](repeating: 0, count: blockRows * k)
        centroids.withUnsafeBufferPointer { cent in
            products.withUnsafeMutableBufferPointer { dots in
                var start = 0
                while start < count {
                    let rows = min(blockRows, count - start)
                    // dots[rows × k] = points[start..<start+rows] · centroidsᵀ
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(k), Int32(dimension),
                                1, points + start * dimension, Int32(dimension), cent.baseAddress!, Int32(dimension),
                                0, dots.baseAddress!, Int32(k))
                    for r in 0..<rows {
                        var best = 0, bestScore = Float.infinity
                        let row = dots.baseAddress! + r * k
                        for c in 0..<k {
                            let score = centroidNorms[c] - 2 * row[c]
                            if score < bestScore { bestScore = score; best = c }
                        }
                        assignment[start + r] = Int32(best)
                    }
                    start += rows
                }
            }
        }
    }

    /// Gives each empty cluster half of the largest one: a copy of its centroid, both
    /// nudged apart by a tiny symmetric perturbation (as FAISS does).
    private static func splitLargest(into sizes: [Int], centroids: inout [Float], dimension: Int, generator: inout SeededGenerator) {
        var sizes = sizes
        for empty in sizes.indices where sizes[empty] == 0 {
            guard let largest = sizes.indices.max(by: { sizes[$0] < sizes[$1] }), sizes[largest] > 1 else { return }
            for j in 0..<dimension {
                let value = centroids[largest * dimension + j]
                let nudge = Float(1.0 / 1024) * max(abs(value), 1e-3) * (Bool.random(using: &generator) ? 1 : -1)
                centroids[empty * dimension + j] = value + nudge
                centroids[largest * dimension + j] = value - nudge
            }
            sizes[empty] = sizes[largest] / 2
            sizes[largest] -= sizes[empty]
        }
    }
}
