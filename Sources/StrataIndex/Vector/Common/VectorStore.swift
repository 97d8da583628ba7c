import StrataCore
import StrataKernels

/// The float32 vectors an index holds, back to back in one array, in the form its metric
/// searches: cosine vectors are stored normalized, so that cosine distance is 1 − a·b and
/// needs no norms at search time.
public struct VectorStore: Sendable {
    /// Elements per vector.
    public let dimension: Int
    /// The distance every search reports.
    public let metric: VectorMetric
    /// `count × dimension` floats, row-major.
    public private(set) var values: [Float] = []

    /// An empty store.
    public init(dimension: Int, metric: VectorMetric) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
        self.metric = metric
    }

    /// A store over vectors already in stored form (from an index file).
    init(dimension: Int, metric: VectorMetric, storedValues: [Float]) {
        precondition(dimension > 0 && storedValues.count % dimension == 0, "values not a whole number of vectors")
        self.dimension = dimension
        self.metric = metric
        values = storedValues
    }

    /// Number of vectors.
    public var count: Int { values.count / dimension }

    /// Reserves room for `total` vectors.
    public mutating func reserve(_ total: Int) { values.reserveCapacity(total * dimension) }

    /// Appends vectors given back to back; returns the id of the first.
    /// - Throws: `StrataError.invalidInput` when the length is not a multiple of the
    ///   dimension or an element is not finite (nothing is appended then).
    @discardableResult
    public mutating func append(contentsOf vectors: [Float]) throws(StrataError) -> UInt32 {
        try Self.validate(vectors, dimension: dimension, what: "vectors")
        let first = UInt32(count)
        let start = values.count
        // The first batch is adopted, not copied: it shares the caller's buffer until one
        // of them changes it, so an index built from one array holds the vectors once.
        if values.isEmpty { values = vectors } else { values.append(contentsOf: vectors) }
        if metric == .cosine {
            values.withUnsafeMutableBufferPointer { all in
                for row in stride(from: start, to: all.count, by: dimension) {
                    Self.normalize(all.baseAddress! + row, dimension: dimension)
                }
            }
        }
        return first
    }

    /// The query in stored form (normalized for cosine).
    /// - Throws: `StrataError.invalidInput` when its length is not the dimension or an
    ///   element is not finite.
    public func prepareQuery(_ query: [Float]) throws(StrataError) -> [Float] {
        guard query.count == dimension else {
            throw .invalidInput(what: "query vector", why: "has \(query.count) elements, the index has dimension \(dimension)")
        }
        try Self.validate(query, dimension: dimension, what: "query vector")
        guard metric == .cosine else { return query }
        var normalized = query
        normalized.withUnsafeMutableBufferPointer { Self.normalize($0.baseAddress!, dimension: dimension) }
        return normalized
    }

    /// The distance between a prepared query (or any stored-form vector) and vector `id`.
    @inlinable @inline(__always)
    static func distance(_ metric: VectorMetric, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension: Int) -> Float {
        switch metric {
        case .l2: return VectorDistance.l2Squared(a, UnsafeRawPointer(b), as: Float32Element.self, dimension: dimension)
        case .dot: return -VectorDistance.dot(a, UnsafeRawPointer(b), as: Float32Element.self, dimension: dimension)
        case .cosine: return 1 - VectorDistance.dot(a, UnsafeRawPointer(b), as: Float32Element.self, dimension: dimension)
        }
    }

    /// Scales a vector to unit length in place; a zero vector stays zero.
    static func normalize(_ vector: UnsafeMutablePointer<Float>, dimension: Int) {
        let norm = VectorDistance.squaredNorm(vector, dimension: dimension).squareRoot()
        guard norm > 0 else { return }
        let scale = 1 / norm
        for i in 0..<dimension { vector[i] *= scale }
    }

    static func validate(_ vectors: [Float], dimension: Int, what: String) throws(StrataError) {
        guard vectors.count % dimension == 0 else {
            throw .invalidInput(what: what, why: "\(vectors.count) elements is not a multiple of the dimension \(dimension)")
        }
        if let bad = vectors.firstIndex(where: { !$0.isFinite }) {
            throw .invalidInput(what: what, why: "element \(bad % dimension) of vector \(bad / dimension) is \(vectors[bad]), not a finite number")
        }
    }
}
