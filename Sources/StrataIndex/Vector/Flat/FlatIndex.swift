import StrataCore
import StrataKernels

/// Exact search over a contiguous copy of the vectors: the oracle every other index is
/// tested against, and the index for data too small to need an approximate one.
public struct FlatIndex: VectorIndex {
    public var kind: VectorIndexKind { .flat }
    public var metric: VectorMetric { store.metric }
    public var dimension: Int { store.dimension }
    public var count: Int { store.count }

    /// The vectors, in stored form.
    public private(set) var store: VectorStore

    /// An empty index.
    public init(dimension: Int, metric: VectorMetric) {
        store = VectorStore(dimension: dimension, metric: metric)
    }

    init(store: VectorStore) { self.store = store }

    public mutating func add(_ vectors: [Float]) throws(StrataError) {
        try store.append(contentsOf: vectors)
    }

    /// - Complexity: O(count × dimension).
    public func search(_ query: [Float], k: Int, parameters: VectorSearchParameters = .init(), allowed: IDBitset? = nil) throws(StrataError) -> [VectorNeighbor] {
        let wanted = try resultCount(k: k, allowedCount: allowed?.count)
        let prepared = try store.prepareQuery(query)
        return Self.exactSearch(prepared, in: store, limit: wanted, ids: allowed)
    }

    /// Exact top-`limit` over the ids in `ids` (all when nil), for a query in stored form.
    /// Also the small-filter path of the approximate indexes.
    /// - Complexity: O(|ids| × dimension).
    static func exactSearch(_ prepared: [Float], in store: VectorStore, limit: Int, ids: IDBitset?) -> [VectorNeighbor] {
        var heap = DistanceHeap<UInt32>(capacity: limit + 1)
        let dimension = store.dimension, metric = store.metric
        prepared.withUnsafeBufferPointer { q in
            store.withRows { rows in
                let visit = { (id: UInt32) in
                    let d = VectorStore.distance(metric, q.baseAddress!, rows.row(Int(id)), dimension: dimension)
                    heap.insert(d, id, keepingBest: limit)
                }
                if let ids {
                    for id in ids.members { visit(id) }
                } else {
                    for id in 0..<UInt32(store.count) { visit(id) }
                }
            }
        }
        return heap.sortedBestFirst()
    }

    public func fileWriter() -> VectorIndexFileWriter {
        var writer = VectorIndexFileWriter(kind: .flat, metric: metric, dimension: dimension, count: count)
        writer.addSection(.vectors, floatRuns: store.runs())
        return writer
    }
}
