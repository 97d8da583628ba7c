import StrataKernels

/// The vector index types. Raw values are the names used in manifests, on the command line
/// and in `spec/indexes.md`.
public enum VectorIndexKind: String, Sendable, Hashable, CaseIterable {
    /// Exact search over a contiguous copy of the vectors.
    case flat
    /// Inverted file over k-means partitions with product-quantized residuals.
    case ivfPQ = "ivf_pq"
    /// Hierarchical navigable small-world graph.
    case hnsw
}

/// One search result inside an index: the internal id (position in the order vectors were
/// added) and its distance under the index's metric.
public typealias VectorNeighbor = DistanceHeap<UInt32>.Entry
