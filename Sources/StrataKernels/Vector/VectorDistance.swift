import CStrataSIMD

/// Distance kernels between a float32 query and a stored vector of any `StoredVectorElement`.
///
/// Each kernel runs 16 lanes per step into one SIMD16 accumulator (four independent vector
/// registers on SSE, enough to overlap the additions without spilling), folds the lanes by
/// halves, then finishes with a scalar tail; it writes `acc += d * d` rather than a fused
/// multiply-add, which without a target CPU would become a library call per lane. Nothing
/// allocates. Scalar references live in `VectorDistanceReference` and property tests hold
/// every kernel to them.
public enum VectorDistance {
    /// Squared Euclidean distance Σ(qᵢ − vᵢ)².
    /// - Complexity: O(dimension).
    @inlinable
    public static func l2Squared<E: StoredVectorElement>(
        _ query: UnsafePointer<Float>, _ stored: UnsafeRawPointer, as element: E.Type, dimension: Int
    ) -> Float {
        if E.self == Float32Element.self {  // resolved when specialized
            return strata_l2sq_f32(query, stored.assumingMemoryBound(to: Float.self), dimension)
        }
        if E.self == Int8Element.self {
            return strata_l2sq_f32_i8(query, stored.assumingMemoryBound(to: Int8.self), dimension)
        }
        let q = UnsafeRawPointer(query)
        var acc = SIMD16<Float>()
        var i = 0
        while i &+ 16 <= dimension {
            let d = Float32Element.load16(q, at: i) - E.load16(stored, at: i)
            acc += d * d
            i &+= 16
        }
        var sum = reduce(acc)
        while i < dimension {
            let d = query[i] - E.load1(stored, at: i)
            sum += d * d
            i &+= 1
        }
        return sum
    }

    /// The sum of the lanes, folding halves (two vector additions, then four lanes) rather
    /// than adding sixteen lanes one by one.
    @inlinable @inline(__always)
    public static func reduce(_ v: SIMD16<Float>) -> Float {
        let eight = v.lowHalf + v.highHalf
        let four = eight.lowHalf + eight.highHalf
        return (four[0] + four[2]) + (four[1] + four[3])
    }

    /// Inner product Σ qᵢ·vᵢ.
    /// - Complexity: O(dimension).
    @inlinable
    public static func dot<E: StoredVectorElement>(
        _ query: UnsafePointer<Float>, _ stored: UnsafeRawPointer, as element: E.Type, dimension: Int
    ) -> Float {
        if E.self == Float32Element.self {  // resolved when specialized
            return strata_dot_f32(query, stored.assumingMemoryBound(to: Float.self), dimension)
        }
        if E.self == Int8Element.self {
            return strata_dot_f32_i8(query, stored.assumingMemoryBound(to: Int8.self), dimension)
        }
        let q = UnsafeRawPointer(query)
        var acc = SIMD16<Float>()
        var i = 0
        while i &+ 16 <= dimension {
            acc += Float32Element.load16(q, at: i) * E.load16(stored, at: i)
            i &+= 16
        }
        var sum = reduce(acc)
        while i < dimension {
            sum += query[i] * E.load1(stored, at: i)
            i &+= 1
        }
        return sum
    }

    /// Inner product and the stored vector's squared norm in one pass (for cosine).
    /// - Complexity: O(dimension).
    @inlinable
    public static func dotAndSquaredNorm<E: StoredVectorElement>(
        _ query: UnsafePointer<Float>, _ stored: UnsafeRawPointer, as element: E.Type, dimension: Int
    ) -> (dot: Float, squaredNorm: Float) {
        let q = UnsafeRawPointer(query)
        var dotAcc = SIMD16<Float>(), normAcc = SIMD16<Float>()
        var i = 0
        while i &+ 16 <= dimension {
            let v = E.load16(stored, at: i)
            dotAcc += Float32Element.load16(q, at: i) * v
            normAcc += v * v
            i &+= 16
        }
        var dot = reduce(dotAcc), norm = reduce(normAcc)
        while i < dimension {
            let v = E.load1(stored, at: i)
            dot += query[i] * v
            norm += v * v
            i &+= 1
        }
        return (dot, norm)
    }

    /// Squared norm of a float32 vector.
    /// - Complexity: O(dimension).
    @inlinable
    public static func squaredNorm(_ vector: UnsafePointer<Float>, dimension: Int) -> Float {
        dot(vector, UnsafeRawPointer(vector), as: Float32Element.self, dimension: dimension)
    }

    /// The distance under `metric`, given the query's own squared norm (used by cosine only;
    /// pass it once per query instead of recomputing it per vector).
    /// - Complexity: O(dimension).
    @inlinable
    public static func distance<E: StoredVectorElement>(
        _ metric: VectorMetric, _ query: UnsafePointer<Float>, querySquaredNorm: Float,
        _ stored: UnsafeRawPointer, as element: E.Type, dimension: Int
    ) -> Float {
        switch metric {
        case .l2:
            return l2Squared(query, stored, as: element, dimension: dimension)
        case .dot:
            return -dot(query, stored, as: element, dimension: dimension)
        case .cosine:
            let (d, norm) = dotAndSquaredNorm(query, stored, as: element, dimension: dimension)
            return cosineDistance(dot: d, squaredNorms: querySquaredNorm, norm)
        }
    }

    /// 1 − dot / (‖a‖‖b‖), or 1 when either norm is zero (a zero vector has no direction).
    @inlinable @inline(__always)
    public static func cosineDistance(dot: Float, squaredNorms a: Float, _ b: Float) -> Float {
        let denominator = (a * b).squareRoot()
        return denominator > 0 ? 1 - dot / denominator : 1
    }

    /// Distances from one query to `count` vectors stored back to back (`dimension` elements
    /// each) at `matrix`, written to `output[0..<count]`.
    /// - Complexity: O(count × dimension).
    @inlinable
    public static func batch<E: StoredVectorElement>(
        _ metric: VectorMetric, query: UnsafePointer<Float>, matrix: UnsafeRawPointer, as element: E.Type,
        count: Int, dimension: Int, into output: UnsafeMutablePointer<Float>
    ) {
        let stride = dimension &* E.byteWidth
        switch metric {
        case .l2:
            for row in 0..<count {
                output[row] = l2Squared(query, matrix + row &* stride, as: element, dimension: dimension)
            }
        case .dot:
            for row in 0..<count {
                output[row] = -dot(query, matrix + row &* stride, as: element, dimension: dimension)
            }
        case .cosine:
            let queryNorm = squaredNorm(query, dimension: dimension)
            for row in 0..<count {
                let (d, norm) = dotAndSquaredNorm(query, matrix + row &* stride, as: element, dimension: dimension)
                output[row] = cosineDistance(dot: d, squaredNorms: queryNorm, norm)
            }
        }
    }
}
