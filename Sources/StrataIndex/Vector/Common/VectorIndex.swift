import StrataCore
import StrataKernels

/// Search-time settings. Each index reads the ones it knows and ignores the rest; nil means
/// the index's default (documented in `spec/indexes.md`).
public struct VectorSearchParameters: Sendable, Hashable {
    /// HNSW: the size of the dynamic candidate list (at least k).
    public var ef: Int?
    /// IVF-PQ: how many partitions to scan.
    public var nprobes: Int?
    /// IVF-PQ: re-rank `refine × k` PQ candidates with exact distances (0: no re-ranking,
    /// PQ distances are returned).
    public var refine: Int?

    /// Settings; every nil one takes the index's default.
    public init(ef: Int? = nil, nprobes: Int? = nil, refine: Int? = nil) {
        self.ef = ef
        self.nprobes = nprobes
        self.refine = refine
    }
}

/// A vector index over internal ids `0..<count`: the protocol the flat, IVF-PQ and HNSW
/// indexes share, so that tests hold each of them to the exact one.
public protocol VectorIndex: Sendable {
    /// Which kind of index this is.
    var kind: VectorIndexKind { get }
    /// The metric distances are reported in.
    var metric: VectorMetric { get }
    /// Elements per vector.
    var dimension: Int { get }
    /// Number of vectors indexed (ids `0..<count`).
    var count: Int { get }
    /// The vectors in stored form (what a vector segment file holds).
    var store: VectorStore { get }

    /// The `k` nearest vectors to `query` among the ids `allowed` holds (all when nil),
    /// nearest first, ties by lower id. Returns min(k, |allowed|) results: a filter never
    /// makes a search come back short.
    /// - Throws: `StrataError.invalidInput` for a query of the wrong dimension or with a
    ///   non-finite element, or a parameter out of range.
    func search(_ query: [Float], k: Int, parameters: VectorSearchParameters, allowed: IDBitset?) throws(StrataError) -> [VectorNeighbor]

    /// Adds vectors (given back to back) with the next ids, without rebuilding.
    /// - Throws: `StrataError.invalidInput` for a length that is not a multiple of the
    ///   dimension or a non-finite element.
    mutating func add(_ vectors: [Float]) throws(StrataError)

    /// The index's persisted form (`spec/indexes.md`), ready to stream out without copying
    /// the index.
    func fileWriter() -> VectorIndexFileWriter
}

extension VectorIndex {
    /// The index's persisted form as one array.
    public func encoded() -> [UInt8] { fileWriter().finish() }

    /// Checks `k` and returns the number of results a search must produce, given the size
    /// of the allowed set (nil: every id). Callers count the set once and pass it on.
    func resultCount(k: Int, allowedCount: Int?) throws(StrataError) -> Int {
        guard k > 0 else { throw .invalidInput(what: "k", why: "must be at least 1, got \(k)") }
        return min(k, allowedCount ?? count)
    }
}
