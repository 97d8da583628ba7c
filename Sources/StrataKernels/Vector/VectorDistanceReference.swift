/// Plain scalar references for the distance kernels, accumulated in Double. Used by property
/// tests and as the readable definition of each metric; never on a hot path.
public enum VectorDistanceReference {
    /// The distance under `metric` between two vectors of equal length.
    public static func distance(_ metric: VectorMetric, _ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "vectors of different dimensions")
        var dot = 0.0, l2 = 0.0, normA = 0.0, normB = 0.0
        for i in a.indices {
            let x = Double(a[i]), y = Double(b[i])
            dot += x * y
            l2 += (x - y) * (x - y)
            normA += x * x
            normB += y * y
        }
        switch metric {
        case .l2: return l2
        case .dot: return -dot
        case .cosine:
            let denominator = (normA * normB).squareRoot()
            return denominator > 0 ? 1 - dot / denominator : 1
        }
    }

    /// The `k` nearest of `vectors` to `query` as (index, distance), nearest first, ties by
    /// lower index.
    public static func nearest(_ metric: VectorMetric, query: [Float], vectors: [[Float]], k: Int) -> [(index: Int, distance: Double)] {
        let scored = vectors.enumerated().map { (index: $0.offset, distance: distance(metric, query, $0.element)) }
        return Array(scored.sorted { ($0.distance, $0.index) < ($1.distance, $1.index) }.prefix(k))
    }
}
