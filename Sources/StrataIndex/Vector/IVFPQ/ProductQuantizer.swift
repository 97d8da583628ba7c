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

    init(dimension: Int, subvectors: Int, codebooks: [Float]) {
        precondition((1...dimension).contains(subvectors) && codebooks.count == dimension * Self.centroidsPerSubvector)
        self.dimension = dimension
        self.subvectors = subvectors
        self.codebooks = codebooks
        boundaries = Self.boundaries(dimension: dimension, subvectors: subvectors)
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
    func l2Table(query: UnsafePointer<Float>, into table: UnsafeMutablePointer<Float>) {
        codebooks.withUnsafeBufferPointer { books in
            for j in 0..<subvectors {
                let width = boundaries[j + 1] - boundaries[j]
                let piece = query + boundaries[j]
                let book = books.baseAddress! + Self.centroidsPerSubvector * boundaries[j]
                let row = table + j * Self.centroidsPerSubvector
                for code in 0..<Self.centroidsPerSubvector {
                    row[code] = VectorDistance.l2Squared(piece, UnsafeRawPointer(book + code * width), as: Float32Element.self, dimension: width)
                }
            }
        }
    }

    /// Fills `table[j × 256 + c]` with −(piece j of `query`) · (centroid c of piece j).
    func negatedDotTable(query: UnsafePointer<Float>, into table: UnsafeMutablePointer<Float>) {
        codebooks.withUnsafeBufferPointer { books in
            for j in 0..<subvectors {
                let width = boundaries[j + 1] - boundaries[j]
                let piece = query + boundaries[j]
                let book = books.baseAddress! + Self.centroidsPerSubvector * boundaries[j]
                let row = table + j * Self.centroidsPerSubvector
                for code in 0..<Self.centroidsPerSubvector {
                    row[code] = -VectorDistance.dot(piece, UnsafeRawPointer(book + code * width), as: Float32Element.self, dimension: width)
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
