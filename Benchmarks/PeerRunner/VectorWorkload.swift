import Foundation
import StrataIndex
import StrataKernels

/// A `vector` task: build HNSW and IVF-PQ over `base.f32`, sweep their search parameters.
struct VectorWorkload {
    let task: [String: Any]

    /// One index configuration and the searches to run on it.
    struct Config {
        var name: String
        var build: () throws -> any VectorIndex
        var searches: [(label: String, parameters: VectorSearchParameters)]
    }

    func run() throws {
        let files = task["files"] as? [String: String] ?? [:]
        guard let basePath = files["base.f32"], let queryPath = files["queries.f32"] else { throw RunnerError("task lacks base.f32 / queries.f32") }
        let k = task["k"] as? Int ?? 10
        let t0 = now()
        let base = try Matrix(path: basePath)
        let ingest = Double(now() - t0) / 1e9
        let queries = try Matrix(path: queryPath)
        let queryCount = min(task["num_queries"] as? Int ?? queries.count, queries.count)
        let warmup = min(task["warmup_queries"] as? Int ?? 100, queryCount)
        let params = task["params"] as? [String: Any] ?? [:]
        for config in configs(base: base, params: params) {
            log("building \(config.name) on \(base.count)×\(base.dimension)")
            let start = now()
            // STRATA_RUNNER_CACHE (for profiling searches): reuse an index file built before.
            let cached = ProcessInfo.processInfo.environment["STRATA_RUNNER_CACHE"].map { "\($0)/\(config.name)-\(base.count)x\(base.dimension).vidx" }
            let index: any VectorIndex
            if let cached, let bytes = FileManager.default.contents(atPath: cached) {
                index = try VectorIndexCoding.decode(Array(bytes), path: cached)
            } else {
                index = try config.build()
                if let cached { _ = FileManager.default.createFile(atPath: cached, contents: Data(index.encoded())) }
            }
            let buildSeconds = Double(now() - start) / 1e9
            let bytes = index.encoded().count
            emit(["type": "build", "system": "strata", "config": config.name, "rows": base.count, "ingest_s": ingest,
                  "build_s": buildSeconds, "disk_bytes": bytes, "index_bytes": bytes,
                  "note": "StrataIndex in memory, single-threaded build; bytes = index file"])
            for search in config.searches {
                for i in 0..<warmup { _ = try index.search(queries.row(i), k: k, parameters: search.parameters, allowed: nil) }
                var latencies: [UInt64] = [], ids: [[Int]] = []
                latencies.reserveCapacity(queryCount)
                for i in 0..<queryCount {
                    let query = queries.row(i)
                    let t = now()
                    let found = try index.search(query, k: k, parameters: search.parameters, allowed: nil)
                    latencies.append(now() - t)
                    ids.append(found.map { Int($0.id) })
                }
                emit(["type": "queries", "system": "strata", "config": config.name, "search": search.label,
                      "params": ["ef": search.parameters.ef as Any, "nprobes": search.parameters.nprobes as Any,
                                 "refine": search.parameters.refine as Any].compactMapValues { $0 },
                      "latencies_ns": latencies, "ids": ids])
            }
        }
    }

    /// The configurations: `params.hnsw` / `params.ivf_pq` objects override the defaults.
    func configs(base: Matrix, params: [String: Any]) -> [Config] {
        let hnsw = params["hnsw"] as? [String: Any] ?? [:]
        let m = hnsw["m"] as? Int ?? 16, efc = hnsw["ef_construction"] as? Int ?? 100
        let efs = hnsw["ef"] as? [Int] ?? [10, 16, 24, 32, 48, 64, 96, 128]
        let ivf = params["ivf_pq"] as? [String: Any] ?? [:]
        let probes = ivf["nprobes"] as? [Int] ?? [4, 8, 12, 16, 24, 32]
        let refines = ivf["refine"] as? [Int] ?? [0, 2, 5, 10]
        let ivfParameters = IVFPQParameters(partitions: ivf["partitions"] as? Int, subvectors: ivf["subvectors"] as? Int)
        let resolved = try? ivfParameters.resolved(count: base.count, dimension: base.dimension)
        let all = [
            Config(name: "hnsw-m\(m)-efc\(efc)", build: {
                var index = try HNSWIndex(dimension: base.dimension, metric: .l2, parameters: HNSWParameters(m: m, efConstruction: efc))
                try index.add(base.values)
                return index
            }, searches: efs.map { ("ef=\($0)", VectorSearchParameters(ef: $0)) }),
            Config(name: "ivfpq-p\(resolved?.partitions ?? 0)-m\(resolved?.subvectors ?? 0)", build: {
                try IVFPQIndex(training: base.values, dimension: base.dimension, metric: .l2, parameters: ivfParameters)
            }, searches: [("default", VectorSearchParameters())] + probes.flatMap { p in
                refines.map { r in ("nprobes=\(p),refine=\(r)", VectorSearchParameters(nprobes: p, refine: r)) }
            }),
        ]
        // `params.configs`: name prefixes to run (default: all).
        guard let only = params["configs"] as? [String] else { return all }
        return all.filter { config in only.contains { config.name.hasPrefix($0) } }
    }
}
