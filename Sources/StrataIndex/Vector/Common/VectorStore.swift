import StrataCore
import StrataKernels

/// The float32 vectors an index holds, in the form its metric searches: cosine vectors are
/// stored normalized, so that cosine distance is 1 − a·b and needs no norms at search time.
///
/// The vectors are kept in two runs: `base`, the vectors the store began with (adopted
/// without a copy, or loaded whole), and `tail`, those appended since. Appending to a store
/// that shares its arrays with another copy — an index still held by older snapshots while
/// an optimization adds the new rows — then copies only the tail, not every vector. The tail
/// is folded into the base once it outgrows an eighth of it, so a long run of appends copies
/// each vector a bounded number of times.
public struct VectorStore: Sendable {
    /// Elements per vector.
    public let dimension: Int
    /// The distance every search reports.
    public let metric: VectorMetric
    /// The first vectors, row-major.
    private(set) var base: [Float] = []
    /// The vectors after `base`, row-major.
    private(set) var tail: [Float] = []

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
        base = storedValues
    }

    /// Number of vectors.
    public var count: Int { (base.count + tail.count) / dimension }

    /// Appends vectors given back to back; returns the id of the first.
    /// - Throws: `StrataError.invalidInput` when the length is not a multiple of the
    ///   dimension or an element is not finite (nothing is appended then).
    @discardableResult
    public mutating func append(contentsOf vectors: [Float]) throws(StrataError) -> UInt32 {
        try Self.validate(vectors, dimension: dimension, what: "vectors")
        let first = UInt32(count)
        if base.isEmpty && tail.isEmpty {
            // The first batch is adopted, not copied: it shares the caller's buffer until one
            // of them changes it, so an index built from one array holds the vectors once.
            base = vectors
            normalizeIfCosine(&base, from: 0)
        } else if (tail.count + vectors.count) * 8 > base.count {
            base.reserveCapacity(base.count + tail.count + vectors.count)
            base.append(contentsOf: tail)
            tail = []
            let start = base.count
            base.append(contentsOf: vectors)
            normalizeIfCosine(&base, from: start)
        } else {
            let start = tail.count
            tail.append(contentsOf: vectors)
            normalizeIfCosine(&tail, from: start)
        }
        return first
    }

    /// Runs `body` with pointers to the vectors.
    func withRows<R, E: Error>(_ body: (VectorRows) throws(E) -> R) throws(E) -> R {
        let dimension = self.dimension
        return try base.withUnsafeBufferPointer { (base) throws(E) -> R in
            try tail.withUnsafeBufferPointer { (tail) throws(E) -> R in
                try body(VectorRows(base: base.baseAddress ?? VectorRows.nowhere, baseCount: base.count / dimension,
                                    tail: tail.baseAddress ?? VectorRows.nowhere, dimension: dimension))
            }
        }
    }

    /// Vectors `range`, back to back, in a new array.
    func copyRows(_ range: Range<Int>) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(range.count * dimension)
        withRows { rows in
            for row in range { out.append(contentsOf: UnsafeBufferPointer(start: rows.row(row), count: dimension)) }
        }
        return out
    }

    /// The stored vectors from id `first` on, as runs of the store's own arrays (shared, not
    /// copied, except for a run cut in the middle), for writing to a file.
    func runs(from first: Int = 0) -> [[Float]] {
        let start = first * dimension
        var out: [[Float]] = []
        if start < base.count { out.append(start == 0 ? base : Array(base[start...])) }
        let tailStart = max(0, start - base.count)
        if tailStart < tail.count { out.append(tailStart == 0 ? tail : Array(tail[tailStart...])) }
        return out
    }

    private func normalizeIfCosine(_ values: inout [Float], from start: Int) {
        guard metric == .cosine else { return }
        let dimension = self.dimension
        values.withUnsafeMutableBufferPointer { all in
            for row in stride(from: start, to: all.count, by: dimension) {
                Self.normalize(all.baseAddress! + row, dimension: dimension)
            }
        }
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

/// Pointers to a store's vectors for the length of a `withRows` call: row `i` is in the base
/// run below `baseCount`, in the tail run from there.
struct VectorRows: @unchecked Sendable {  // valid only inside `withRows`; read-only
    let base: UnsafePointer<Float>
    let baseCount: Int
    let tail: UnsafePointer<Float>
    let dimension: Int

    init(base: UnsafePointer<Float>, baseCount: Int, tail: UnsafePointer<Float>, dimension: Int) {
        self.base = base
        self.baseCount = baseCount
        self.tail = tail
        self.dimension = dimension
    }

    /// The first element of vector `i`.
    @inline(__always)
    func row(_ i: Int) -> UnsafePointer<Float> {
        i < baseCount ? base + i &* dimension : tail + (i &- baseCount) &* dimension
    }

    /// Stand-in for the base address of an empty run (never dereferenced).
    nonisolated(unsafe) static let nowhere = UnsafePointer(UnsafeMutablePointer<Float>.allocate(capacity: 1))
}
