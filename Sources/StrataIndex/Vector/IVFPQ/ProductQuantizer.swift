import StrataKernels

/// Product quantization: a vector is cut into `subvectors` contiguous pieces and each piece
/// is replaced by the index (one byte) of its nearest of 256 centroids trained for that
/// piece. Distances to a query then come from a table of m × 256 precomputed piece
/// distances: m lookups per vector instead of `dimension` multiplications. When the
/// dimension is not a multiple of m, the first `dimension % m` pieces are one element longer.
struct ProductQuantizer: Sendable, Equatable {
    static let centroidsPerSubvector = 256

    let dimension: Int
    let subvectors: Int
    /// Piece j covers elements boundaries[j]..<boundaries[j + 1].
    let boundaries: [Int]
    /// Piece j's 256 centroids start at 256 × boundaries[j], each `width(j)` floats.
    let codebooks: [Float]
    /// The same numbers element-major: element e of code c of piece j at
    /// 256 × (boundaries[j] + e) + c, so that a table is computed sixteen codes at a time.
    let columns: [Float]

    init(dimension: Int, subvectors: Int, codebooks: [Float]) {
        precondition((1...dimension).contains(subvectors) && codebooks.count == dimension * Self.centroidsPerSubvector)
        self.dimension = dimension
        self.subvectors = subvectors
        self.codebooks = codebooks
        let bounds = Self.boundaries(dimension: dimension, subvectors: subvectors)
        boundaries = bounds
        var columns = [Float](repeating: 0, count: codebooks.count)
        for j in 0..<subvectors {
            let width = bounds[j + 1] - bounds[j], start = Self.centroidsPerSubvector * bounds[j]
            for code in 0..<Self.centroidsPerSubvector {
                for e in 0..<width { columns[start + e * Self.centroidsPerSubvector + code] = codebooks[start + code * width + e] }
            }
        }
        self.columns = columns
    }

    static func boundaries(dimension: Int, subvectors: Int) -> [Int] {
        let base = dimension / subvectors, extra = dimension % subvectors
        var result = [0]
        for j in 0..<subvectors { result.append(result[j] + base + (j < extra ? 1 : 0)) }
        return result
    }

    /// Trains the codebooks on `count` vectors (residuals) at `points`.
    static func train(points: UnsafePointer<Float>, count: Int, dimension: Int, subvectors: Int,
                      iterations: Int, generator: inout SeededGenerator) -> ProductQuantizer {
        let bounds = boundaries(dimension: dimension, subvectors: subvectors)
        var codebooks = [Float](repeating: 0, count: dimension * centroidsPerSubvector)
        for j in 0..<subvectors {
            let width = bounds[j + 1] - bounds[j]
            let piece = gather(points, count: count, dimension: dimension, from: bounds[j], width: width)
            let k = min(centroidsPerSubvector, count)
            let trained = piece.withUnsafeBufferPointer {
                KMeans.train(points: $0.baseAddress!, count: count, dimension: width, k: k, iterations: iterations, generator: &generator)
            }
            // Fewer points than codes: repeat centroids (a repeated code is never nearer).
            for code in 0..<centroidsPerSubvector {
                let source = (code % k) * width
                for e in 0..<width { codebooks[centroidsPerSubvector * bounds[j] + code * width + e] = trained[source + e] }
            }
        }
        return ProductQuantizer(dimension: dimension, subvectors: subvectors, codebooks: codebooks)
    }

    /// The codes of `count` vectors at `points`, `subvectors` bytes each.
    /// - Complexity: O(count × 256 × dimension), as matrix products.
    func encode(points: UnsafePointer<Float>, count: Int) -> [UInt8] {
        var codes = [UInt8](repeating: 0, count: count * subvectors)
        var assignment = [Int32](repeating: 0, count: count)
        for j in 0..<subvectors {
            let width = boundaries[j + 1] - boundaries[j]
            let piece = Self.gather(points, count: count, dimension: dimension, from: boundaries[j], width: width)
            let start = Self.centroidsPerSubvector * boundaries[j]
            let book = Array(codebooks[start..<(start + Self.centroidsPerSubvector * width)])
            piece.withUnsafeBufferPointer {
                KMeans.assign(points: $0.baseAddress!, count: count, dimension: width, centroids: book,
                              k: Self.centroidsPerSubvector, into: &assignment)
            }
            for i in 0..<count { codes[i * subvectors + j] = UInt8(assignment[i]) }
        }
        return codes
    }

    /// Fills `table[j × 256 + c]` with the squared L2 distance between piece j of `query`
    /// and centroid c of piece j.
    /// - Complexity: O(256 × dimension), sixteen codes per SIMD step.
    func l2Table(query: UnsafePointer<Float>, into table: UnsafeMutablePointer<Float>) {
        fillTable(query: query, into: table) { acc, q, column in
            let d = SIMD16(repeating: q) - column
            acc += d * d
        }
    }

    /// Fills `table[j × 256 + c]` with −(piece j of `query`) · (centroid c of piece j).
    /// - Complexity: O(256 × dimension), sixteen codes per SIMD step.
    func negatedDotTable(query: UnsafePointer<Float>, into table: UnsafeMutablePointer<Float>) {
        fillTable(query: query, into: table) { acc, q, column in
            acc -= SIMD16(repeating: q) * column
        }
    }

    /// Fills `table[j × 256 + c]` with −2 (piece j of `query`) · (centroid c of piece j): the
    /// query's term of a residual distance, computed once per query (see `IVFPQIndex`).
    func doubledNegatedDotTable(query: UnsafePointer<Float>, into table: UnsafeMutablePointer<Float>) {
        fillTable(query: query, into: table) { acc, q, column in
            acc -= SIMD16(repeating: 2 * q) * column
        }
    }

    /// Fills `table[j × 256 + c]` with ‖centroid c of piece j‖² + 2 (piece j of `center`) ·
    /// (centroid c of piece j): a partition's term of a residual distance, which depends on
    /// no query (see `IVFPQIndex`).
    func partitionTermTable(center: UnsafePointer<Float>, into table: UnsafeMutablePointer<Float>) {
        fillTable(query: center, into: table) { acc, c, column in
            acc += column * (column + SIMD16(repeating: 2 * c))
        }
    }

    /// Runs `step(&acc, q[e], centroids' element e for 16 codes)` over every element of every
    /// piece and stores each piece's 16-code accumulators in the table.
    @inline(__always)
    private func fillTable(query: UnsafePointer<Float>, into table: UnsafeMutablePointer<Float>,
                           _ step: (inout SIMD16<Float>, Float, SIMD16<Float>) -> Void) {
        let codes = Self.centroidsPerSubvector
        columns.withUnsafeBytes { raw in
            for j in 0..<subvectors {
                for block in stride(from: 0, to: codes, by: 16) {
                    var acc = SIMD16<Float>()
                    for element in boundaries[j]..<boundaries[j + 1] {
                        step(&acc, query[element], raw.loadUnaligned(fromByteOffset: (element * codes + block) * 4, as: SIMD16<Float>.self))
                    }
                    UnsafeMutableRawPointer(table + j * codes + block).storeBytes(of: acc, as: SIMD16<Float>.self)
                }
            }
        }
    }

    /// Elements from..<from+width of each vector, back to back.
    static func gather(_ points: UnsafePointer<Float>, count: Int, dimension: Int, from: Int, width: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count * width) { buffer, initialized in
            for i in 0..<count {
                (buffer.baseAddress! + i * width).update(from: points + i * dimension + from, count: width)
            }
            initialized = count * width
        }
    }
}
