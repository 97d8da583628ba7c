import StrataCore
import StrataKernels

/// An inverted file over k-means partitions with product-quantized residuals (Jégou et al.):
/// a search ranks the partition centroids, scans the codes of the `nprobes` nearest
/// partitions through a distance table, and re-ranks the best `refine × k` candidates with
/// exact distances from the stored vectors. New vectors are assigned and encoded with the
/// trained centroids and codebooks: no retraining.
public struct IVFPQIndex: VectorIndex {
    public var kind: VectorIndexKind { .ivfPQ }
    public var metric: VectorMetric { store.metric }
    public var dimension: Int { store.dimension }
    public var count: Int { store.count }

    /// The parameters, every one resolved.
    public let parameters: IVFPQParameters
    /// The vectors in stored form, for re-ranking.
    public private(set) var store: VectorStore
    /// partitions × dimension.
    let centroids: [Float]
    let quantizer: ProductQuantizer
    /// Per partition: its ids and their codes (`subvectors` bytes each), in insertion order.
    var listIDs: [[UInt32]]
    var listCodes: [[UInt8]]
    /// For L2 and cosine: per partition, the table of its query-independent distance terms
    /// (`ProductQuantizer.partitionTermTable`), partitions × subvectors × 256 floats; empty for
    /// dot or when it would exceed `maxTermTableBytes`. Derived, never stored.
    ///
    /// Why: ‖q − c − r‖² = ‖q − c‖² + (‖r‖² + 2 c·r) − 2 q·r. The first term is the partition's
    /// rank distance, the second depends on the partition only, the third on the query only;
    /// so a probe adds two tables instead of computing one from 256 × dimension products.
    let termTables: [Float]
    static let maxTermTableBytes = 256 << 20

    var partitions: Int { listIDs.count }

    /// Trains the partitions and codebooks on `vectors` (back to back; on a sample when
    /// they are many) and adds them.
    /// - Throws: `StrataError.invalidInput` for bad vectors or parameters.
    /// - Complexity: O(iterations × sample × (partitions + 256) × dimension) to train, plus
    ///   O(n × (partitions + 256) × dimension) to add.
    public init(training vectors: [Float], dimension: Int, metric: VectorMetric, parameters: IVFPQParameters = .init()) throws(StrataError) {
        var store = VectorStore(dimension: dimension, metric: metric)
        try store.append(contentsOf: vectors)
        let resolved = try parameters.resolved(count: store.count, dimension: dimension)
        var generator = SeededGenerator(seed: resolved.seed)
        let n = store.count, partitions = resolved.partitions!, iterations = resolved.iterations!
        // Each sample is released before the next is made: building holds at most one.
        let centroids = {
            let coarseSample = Self.sample(store, size: min(n, resolved.sampleSize ?? partitions * 128), generator: &generator)
            return coarseSample.withUnsafeBufferPointer {
                KMeans.train(points: $0.baseAddress!, count: $0.count / dimension, dimension: dimension, k: partitions,
                             iterations: iterations, generator: &generator)
            }
        }()
        let quantizer = {
            var pqSample = Self.sample(store, size: min(n, resolved.sampleSize ?? 32_768), generator: &generator)
            Self.subtractNearestCentroids(&pqSample, centroids: centroids, dimension: dimension)
            return pqSample.withUnsafeBufferPointer {
                ProductQuantizer.train(points: $0.baseAddress!, count: $0.count / dimension, dimension: dimension,
                                       subvectors: resolved.subvectors!, iterations: iterations, generator: &generator)
            }
        }()
        self.init(parameters: resolved, store: VectorStore(dimension: dimension, metric: metric), centroids: centroids,
                  quantizer: quantizer, listIDs: Array(repeating: [], count: partitions), listCodes: Array(repeating: [], count: partitions))
        try add(store.base)  // one run: the store was just made from `vectors`
    }

    init(parameters: IVFPQParameters, store: VectorStore, centroids: [Float], quantizer: ProductQuantizer,
         listIDs: [[UInt32]], listCodes: [[UInt8]]) {
        self.parameters = parameters
        self.store = store
        self.centroids = centroids
        self.quantizer = quantizer
        self.listIDs = listIDs
        self.listCodes = listCodes
        termTables = Self.termTables(metric: store.metric, centroids: centroids, quantizer: quantizer, dimension: store.dimension)
    }

    static func termTables(metric: VectorMetric, centroids: [Float], quantizer: ProductQuantizer, dimension: Int) -> [Float] {
        let partitions = centroids.count / dimension, size = quantizer.subvectors * ProductQuantizer.centroidsPerSubvector
        guard metric != .dot, partitions * size * 4 <= maxTermTableBytes else { return [] }
        var tables = [Float](repeating: 0, count: partitions * size)
        centroids.withUnsafeBufferPointer { c in
            tables.withUnsafeMutableBufferPointer { t in
                for p in 0..<partitions {
                    quantizer.partitionTermTable(center: c.baseAddress! + p * dimension, into: t.baseAddress! + p * size)
                }
            }
        }
        return tables
    }

    /// Assigns each vector to its nearest partition and appends its code there, a block at
    /// a time (the residuals of one block are the only copy it makes).
    /// - Complexity: O(n × (partitions + 256) × dimension).
    public mutating func add(_ vectors: [Float]) throws(StrataError) {
        let first = Int(try store.append(contentsOf: vectors))
        let total = store.count, dimension = store.dimension, m = quantizer.subvectors
        for blockStart in stride(from: first, to: total, by: Self.encodeBlock) {
            let blockEnd = min(blockStart + Self.encodeBlock, total)
            var residuals = store.copyRows(blockStart..<blockEnd)
            let assignment = Self.subtractNearestCentroids(&residuals, centroids: centroids, dimension: dimension)
            let codes = residuals.withUnsafeBufferPointer { quantizer.encode(points: $0.baseAddress!, count: blockEnd - blockStart) }
            for i in 0..<(blockEnd - blockStart) {
                let list = Int(assignment[i])
                listIDs[list].append(UInt32(blockStart + i))
                listCodes[list].append(contentsOf: codes[(i * m)..<((i + 1) * m)])
            }
        }
    }

    /// Vectors encoded per block by `add` (its residual copy is one block: 1.5 MiB at d = 100).
    static let encodeBlock = 4_096

    /// Replaces each vector by its residual from the nearest centroid; returns the centroids.
    @discardableResult
    static func subtractNearestCentroids(_ vectors: inout [Float], centroids: [Float], dimension: Int) -> [Int32] {
        let n = vectors.count / dimension, k = centroids.count / dimension
        var assignment = [Int32](repeating: 0, count: n)
        vectors.withUnsafeBufferPointer {
            KMeans.assign(points: $0.baseAddress!, count: n, dimension: dimension, centroids: centroids, k: k, into: &assignment)
        }
        for i in 0..<n {
            let c = Int(assignment[i]) * dimension
            for j in 0..<dimension { vectors[i * dimension + j] -= centroids[c + j] }
        }
        return assignment
    }

    /// `size` vectors drawn without replacement (all, in order, when size ≥ count: then the
    /// store's own array, not a copy, when it is one run).
    static func sample(_ store: VectorStore, size: Int, generator: inout SeededGenerator) -> [Float] {
        guard size < store.count else { return store.tail.isEmpty ? store.base : store.copyRows(0..<store.count) }
        var order = Array(0..<store.count)
        for i in 0..<size { order.swapAt(i, Int.random(in: i..<store.count, using: &generator)) }
        var out: [Float] = []
        out.reserveCapacity(size * store.dimension)
        store.withRows { rows in
            for row in order[..<size].sorted() { out.append(contentsOf: UnsafeBufferPointer(start: rows.row(row), count: store.dimension)) }
        }
        return out
    }
}
