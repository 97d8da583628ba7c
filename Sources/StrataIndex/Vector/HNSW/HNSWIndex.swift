import Foundation
import StrataCore
import StrataKernels

/// A hierarchical navigable small-world graph (Malkov & Yashunin) over the vectors of a
/// `VectorStore`: greedy descent through sparse upper levels, then a beam search of width
/// ef on level 0. Neighbours are chosen by the paper's heuristic (a candidate is kept only
/// if it is nearer to the new node than to every neighbour already kept). Vectors are added
/// one at a time, so new rows join without a rebuild.
///
/// Inner product is not a metric, and a graph built on it strands low-norm vectors that no
/// walk reaches. For `dot` the graph is therefore built on the reduction of maximum inner
/// product search to L2 (Bachrach et al. 2014): each vector gains a last element
/// √(Φ² − ‖x‖²), Φ being the largest norm of the first batch, and a query gains 0, so that
/// ‖q′ − x′‖² = ‖q‖² + Φ² − 2 q·x ranks exactly as −q·x. Results report −q·x itself.
/// Vectors added later with a norm above Φ get 0 there and are ranked approximately.
///
/// Value semantics: copies share storage until one of them is mutated.
public struct HNSWIndex: VectorIndex {
    public var kind: VectorIndexKind { .hnsw }
    public let metric: VectorMetric
    public var dimension: Int { metric == .dot ? store.dimension - 1 : store.dimension }
    public var count: Int { store.count }

    /// Build and default search settings.
    public let parameters: HNSWParameters
    /// The vectors, in stored form (for `dot`, with the extra element, under L2).
    public private(set) var store: VectorStore
    /// `dot` only: Φ, the norm bound of the reduction to L2 (0 until the first vectors).
    var normBound: Float
    var graph: HNSWGraph
    /// Incoming level-0 links per node: pruning never drops a node's last one, so that no
    /// node becomes unreachable. Derived from the graph (not persisted).
    var inDegree: [UInt32] = []
    var levelGenerator: SeededGenerator
    let scratchPool = HNSWScratchPool()
    /// An int8 copy of the vectors for scanning many allowed rows (built on first use).
    let quantized = QuantizedShadowCache()

    /// An empty graph.
    /// - Throws: `StrataError.invalidInput` for parameters out of range.
    public init(dimension: Int, metric: VectorMetric, parameters: HNSWParameters = .init()) throws(StrataError) {
        try parameters.validate()
        self.parameters = parameters
        self.metric = metric
        normBound = 0
        store = metric == .dot ? VectorStore(dimension: dimension + 1, metric: .l2) : VectorStore(dimension: dimension, metric: metric)
        graph = HNSWGraph(m: parameters.m)
        levelGenerator = SeededGenerator(seed: parameters.seed)
    }

    init(parameters: HNSWParameters, metric: VectorMetric, normBound: Float, store: VectorStore, graph: HNSWGraph, levelGenerator: SeededGenerator) {
        self.parameters = parameters
        self.metric = metric
        self.normBound = normBound
        self.store = store
        self.graph = graph
        self.levelGenerator = levelGenerator
        inDegree = Self.countInDegrees(graph)
    }

    /// Inserts each vector into the graph (given back to back).
    /// - Complexity: about O(n × efConstruction × M × log count × dimension).
    public mutating func add(_ vectors: [Float]) throws(StrataError) {
        let first = try store.append(contentsOf: metric == .dot ? augmentedForInnerProduct(vectors) : vectors)
        let total = store.count
        graph.levels.reserveCapacity(total)
        graph.level0.reserveCapacity(total * (graph.m0 + 1))
        var next = Int(first)
        while next < total {
            // Batches grow with the graph (a batch is small next to what it links into), one
            // node at a time at first.
            let size = min(total - next, max(1, min(Self.maxBatch, graph.nodeCount / 16)))
            try StrataError.checkCancellation()
            insertBatch(next..<(next + size))
            next += size
            WorkProgress.report("Building the HNSW graph", done: next - Int(first), of: total - Int(first), unit: "vectors")
        }
    }

    public func search(_ query: [Float], k: Int, parameters search: VectorSearchParameters = .init(), allowed: IDBitset? = nil) throws(StrataError) -> [VectorNeighbor] {
        let allowedCount = allowed?.count  // O(capacity / 64): counted once
        let wanted = try resultCount(k: k, allowedCount: allowedCount)
        if let ef = search.ef, !(1...4096).contains(ef) { throw .invalidInput(what: "ef", why: "must be in 1…4096, got \(ef)") }
        let ef = max(search.ef ?? parameters.efSearch, wanted)
        guard query.count == dimension else {
            throw .invalidInput(what: "query vector", why: "has \(query.count) elements, the index has dimension \(dimension)")
        }
        let prepared = try store.prepareQuery(metric == .dot ? query + [0] : query)
        guard wanted > 0 else { return [] }
        if let allowed, let allowedCount, exactIsCheaper(allowedCount: allowedCount, ef: ef) {
            guard allowedCount >= Self.quantizedScanMinimum else {
                return reported(FlatIndex.exactSearch(prepared, in: store, limit: wanted, ids: allowed), query: query)
            }
            // Many rows: choose candidates from the int8 copy, then rank them exactly.
            let candidates = quantized.of(store).candidates(prepared, metric: metric, ids: allowed.members,
                                                            keep: max(wanted * Self.quantizedRerankFactor, Self.quantizedRerankMinimum))
            var kept = IDBitset(capacity: store.count)
            for id in candidates { kept.insert(id) }
            return reported(FlatIndex.exactSearch(prepared, in: store, limit: wanted, ids: kept), query: query)
        }
        let found = scratchPool.withScratch { scratch in
            withView { view in searchGraph(view, query: prepared, ef: ef, allowed: allowed, scratch: scratch) }
            return scratch.results.drainBestFirst(keeping: wanted)
        }
        // The filtered region can be cut off from where the walk went: never come back short.
        if found.count < wanted { return reported(FlatIndex.exactSearch(prepared, in: store, limit: wanted, ids: allowed), query: query) }
        return reported(found, query: query)
    }

    /// For `dot`, the found vectors with −q·x as their distance (re-sorted: vectors above the
    /// norm bound can change places); for other metrics, `found` unchanged.
    private func reported(_ found: [VectorNeighbor], query: [Float]) -> [VectorNeighbor] {
        guard metric == .dot else { return found }
        let d = dimension
        return query.withUnsafeBufferPointer { q in
            store.withRows { rows in
                found.map { neighbour in
                    let vector = UnsafeRawPointer(rows.row(Int(neighbour.id)))
                    return VectorNeighbor(distance: -VectorDistance.dot(q.baseAddress!, vector, as: Float32Element.self, dimension: d), id: neighbour.id)
                }
            }
        }.sorted { $0.ranksBefore($1) }
    }

    /// The vectors with the reduction's extra element; the first batch sets the norm bound.
    private mutating func augmentedForInnerProduct(_ vectors: [Float]) throws(StrataError) -> [Float] {
        let d = dimension
        try VectorStore.validate(vectors, dimension: d, what: "vectors")
        let norms = stride(from: 0, to: vectors.count, by: d).map { start in
            vectors.withUnsafeBufferPointer { VectorDistance.squaredNorm($0.baseAddress! + start, dimension: d) }
        }
        if count == 0 { normBound = max(normBound, (norms.max() ?? 0).squareRoot()) }
        var out: [Float] = []
        out.reserveCapacity(vectors.count + norms.count)
        for (row, norm) in norms.enumerated() {
            out.append(contentsOf: vectors[(row * d)..<((row + 1) * d)])
            out.append(max(0, normBound * normBound - norm).squareRoot())
        }
        return out
    }

    /// From this many allowed rows, a scan picks candidates from the int8 copy first.
    package static let quantizedScanMinimum = 4_096
    /// Candidates re-ranked exactly per result wanted (at least `quantizedRerankMinimum`).
    static let quantizedRerankFactor = 10
    static let quantizedRerankMinimum = 100

    /// Whether scanning the allowed vectors costs less than walking the graph to them. The
    /// walk expands about ef / selectivity nodes of 2M neighbours each; the scan computes
    /// one distance per allowed vector.
    package func exactIsCheaper(allowedCount: Int, ef: Int) -> Bool {
        let total = Double(max(count, 1)), allowed = Double(max(allowedCount, 1))
        let walk = Double(ef) * Double(graph.m0) * total / allowed
        return allowed <= walk
    }

    /// Runs `body` with raw pointers into the graph and vectors. Mutating, so that the
    /// arrays are uniquely owned (copied first if shared) and the pointers may be written.
    mutating func withMutableView<R>(_ body: (HNSWView) -> R) -> R {
        let shape = viewShape
        return store.withRows { rows in
            graph.upperOffsets.withUnsafeBufferPointer { offsets in
                graph.level0.withUnsafeMutableBufferPointer { level0 in
                    graph.upperLinks.withUnsafeMutableBufferPointer { upper in
                        body(Self.view(shape, rows, offsets.baseAddress, level0.baseAddress, upper.baseAddress))
                    }
                }
            }
        }
    }

    /// Read-only form of `withMutableView` for searches.
    func withView<R>(_ body: (HNSWView) -> R) -> R {
        let shape = viewShape
        return store.withRows { rows in
            graph.upperOffsets.withUnsafeBufferPointer { offsets in
                graph.level0.withUnsafeBufferPointer { level0 in
                    graph.upperLinks.withUnsafeBufferPointer { upper in
                        // Safety: searches never write through the view; see `searchGraph`.
                        body(Self.view(shape, rows, offsets.baseAddress, level0.baseAddress.map { UnsafeMutablePointer(mutating: $0) },
                                       upper.baseAddress.map { UnsafeMutablePointer(mutating: $0) }))
                    }
                }
            }
        }
    }

    /// What a view needs besides the pointers, read before the arrays are borrowed.
    private var viewShape: (dimension: Int, metric: VectorMetric, m: Int, m0: Int) { (store.dimension, store.metric, graph.m, graph.m0) }

    /// A view over the given base addresses (nil for an empty array).
    private static func view(_ shape: (dimension: Int, metric: VectorMetric, m: Int, m0: Int), _ rows: VectorRows,
                             _ offsets: UnsafePointer<UInt32>?, _ level0: UnsafeMutablePointer<UInt32>?,
                             _ upper: UnsafeMutablePointer<UInt32>?) -> HNSWView {
        HNSWView(rows: rows, dimension: shape.dimension, metric: shape.metric,
                 level0: level0 ?? emptyWords, upperOffsets: offsets ?? UnsafePointer(emptyWords),
                 upperLinks: upper ?? emptyWords, m: shape.m, m0: shape.m0)
    }

    /// The largest insertion batch: its members find neighbours in parallel, then link one
    /// by one, each comparing itself with the members before it (so a batch costs B²/2
    /// extra distances).
    static let maxBatch = 256

    /// Stand-ins for the base address of an empty array (never dereferenced: an empty graph
    /// has no node to follow).
    nonisolated(unsafe) static let emptyWords = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)

    static func countInDegrees(_ graph: HNSWGraph) -> [UInt32] {
        var degrees = [UInt32](repeating: 0, count: graph.nodeCount)
        for node in 0..<graph.nodeCount {
            for neighbour in graph.neighbours(of: UInt32(node), level: 0) where Int(neighbour) < degrees.count {
                degrees[Int(neighbour)] += 1
            }
        }
        return degrees
    }
}
