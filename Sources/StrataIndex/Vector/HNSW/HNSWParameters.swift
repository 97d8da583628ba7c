import StrataCore

/// How an HNSW graph is built and searched by default.
public struct HNSWParameters: Sendable, Hashable {
    /// Neighbours per node on the upper levels; level 0 keeps 2M. 4…128.
    public var m: Int
    /// Candidate list size while inserting. At least M.
    public var efConstruction: Int
    /// Candidate list size while searching when a search does not say (at least k).
    public var efSearch: Int
    /// Seeds the level draw, so a build is reproducible.
    public var seed: UInt64

    /// The defaults of `spec/indexes.md`: M = 16, efConstruction = 100, efSearch = 64.
    public init(m: Int = 16, efConstruction: Int = 100, efSearch: Int = 64, seed: UInt64 = 0x5EED) {
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.seed = seed
    }

    /// - Throws: `StrataError.invalidInput` naming the parameter out of range.
    public func validate() throws(StrataError) {
        guard (4...128).contains(m) else { throw .invalidInput(what: "HNSW m", why: "must be in 4…128, got \(m)") }
        guard (m...4096).contains(efConstruction) else {
            throw .invalidInput(what: "HNSW ef_construction", why: "must be in \(m)…4096 (at least m), got \(efConstruction)")
        }
        guard (1...4096).contains(efSearch) else { throw .invalidInput(what: "HNSW ef", why: "must be in 1…4096, got \(efSearch)") }
    }
}
