import StrataCore
import StrataIndex
import StrataKernels

/// The `key=value` parameters of `createIndex`, turned into each index's typed parameters.
/// Unknown keys are an error, so a typo never silently falls back to a default.
enum VectorIndexSettings {
    static let hnswKeys: Set<String> = ["m", "ef_construction", "ef", "seed"]
    static let ivfKeys: Set<String> = ["partitions", "subvectors", "nprobes", "refine", "iterations", "sample_size", "seed"]

    /// Builds an index of `kind` over `vectors` (back to back).
    static func build(kind: VectorIndexKind, metric: VectorMetric, dimension: Int, vectors: [Float],
                      parameters: [String: String]) throws(StrataError) -> any VectorIndex {
        let known: Set<String> = kind == .hnsw ? hnswKeys : kind == .ivfPQ ? ivfKeys : []
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalidInput(what: "index parameter '\(unknown)'",
                                why: known.isEmpty ? "a \(kind.rawValue) index takes no parameters" : "\(kind.rawValue) takes \(known.sorted().joined(separator: ", "))")
        }
        func int(_ key: String) throws(StrataError) -> Int? {
            guard let text = parameters[key] else { return nil }
            guard let value = Int(text) else { throw .invalidInput(what: "index parameter \(key)=\(text)", why: "expected an integer") }
            return value
        }
        let seed = try int("seed").map { UInt64(truncatingIfNeeded: $0) } ?? 0x5EED
        switch kind {
        case .flat:
            var index = FlatIndex(dimension: dimension, metric: metric)
            try index.add(vectors)
            return index
        case .hnsw:
            let defaults = HNSWParameters()
            var index = try HNSWIndex(dimension: dimension, metric: metric, parameters: HNSWParameters(
                m: try int("m") ?? defaults.m, efConstruction: try int("ef_construction") ?? defaults.efConstruction,
                efSearch: try int("ef") ?? defaults.efSearch, seed: seed))
            try index.add(vectors)
            return index
        case .ivfPQ:
            guard !vectors.isEmpty else {
                throw .invalidInput(what: "ivf_pq index", why: "needs at least one vector to train on; the column has none")
            }
            return try IVFPQIndex(training: vectors, dimension: dimension, metric: metric, parameters: IVFPQParameters(
                partitions: try int("partitions"), subvectors: try int("subvectors"), nprobes: try int("nprobes"),
                refine: try int("refine"), iterations: try int("iterations"), sampleSize: try int("sample_size"), seed: seed))
        }
    }
}
