import Foundation
import Strata

/// A `vector` task: build HNSW and IVF-PQ over `base.f32` — as bare indexes in memory and
/// through a table on disk (what an application gets) — and sweep their search parameters.
struct VectorWorkload {
    let task: [String: Any]

    /// A built configuration: how to search it, and what it cost.
    struct Built: Sendable {
        var search: @Sendable ([Float], VectorSearchParameters) async throws -> [Int]
        var bytes: Int
        var note: String
        /// Peak resident memory of the index build above what was resident before it.
        var peakBytes: Int
        /// The index build alone, when the configuration did more (ingest) around it.
        var buildSeconds: Double?
    }

    /// One configuration and the searches to run on it.
    struct Config {
        var name: String
        var build: () async throws -> Built
        var searches: [(label: String, parameters: VectorSearchParameters)]
    }

    func run() async throws {
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
        let scratch = task["scratch_dir"] as? String ?? NSTemporaryDirectory() + "strata-runner-\(getpid())"
        let throughputThreads = params["throughput_threads"] as? Int
        let truth = try files["gt.i32"].map { try GroundTruth(path: $0) }
        for config in configs(base: base, params: params, k: k, scratch: scratch) {
            log("building \(config.name) on \(base.count)×\(base.dimension)")
            let start = now()
            let built = try await config.build()
            let buildSeconds = Double(now() - start) / 1e9
            emit(["type": "build", "system": "strata", "config": config.name, "rows": base.count, "ingest_s": ingest,
                  "build_s": built.buildSeconds ?? buildSeconds, "disk_bytes": built.bytes, "index_bytes": built.bytes,
                  "note": built.note + String(format: "; peak memory while building the index, above what was resident before: %.0f MB = %.2f× the raw vectors",
                                              Double(built.peakBytes) / 1e6, Double(built.peakBytes) / Double(base.values.count * 4))])
            if let threads = throughputThreads, let truth {
                try await measureThroughput(config, built, queries: queries, count: queryCount, truth: truth, k: k, threads: threads)
                continue
            }
            for search in config.searches {
                for i in 0..<warmup { _ = try await built.search(queries.row(i), search.parameters) }
                var latencies: [UInt64] = [], ids: [[Int]] = []
                latencies.reserveCapacity(queryCount)
                for i in 0..<queryCount {
                    let query = queries.row(i)
                    let t = now()
                    let found = try await built.search(query, search.parameters)
                    latencies.append(now() - t)
                    ids.append(found)
                }
                emit(["type": "queries", "system": "strata", "config": config.name, "search": search.label,
                      "params": ["ef": search.parameters.ef as Any, "nprobes": search.parameters.nprobes as Any,
                                 "refine": search.parameters.refine as Any].compactMapValues { $0 },
                      "latencies_ns": latencies, "ids": ids])
            }
        }
    }

    /// Throughput mode (`params.throughput_threads`): the search setting of the sweep with
    /// the best one-thread QPS among those whose recall@10 reaches 0.95, then the same
    /// queries from `threads` tasks at once; prints a `throughput` line (QPS = queries / wall
    /// time, best of three).
    func measureThroughput(_ config: Config, _ built: Built, queries: Matrix, count: Int, truth: GroundTruth, k: Int, threads: Int) async throws {
        var chosen: (label: String, parameters: VectorSearchParameters, recall: Double, seconds: Double)?
        for search in config.searches {
            var hits = 0
            let start = now()
            for i in 0..<count { hits += Set(try await built.search(queries.row(i), search.parameters)).intersection(truth.top(i, k)).count }
            let seconds = Double(now() - start) / 1e9, recall = Double(hits) / Double(count * k)
            if recall >= 0.95 && seconds < (chosen?.seconds ?? .infinity) { chosen = (search.label, search.parameters, recall, seconds) }
        }
        guard let chosen else { return }
        var best = 0.0
        for _ in 0..<3 {
            let start = now()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for t in 0..<threads {
                    group.addTask {
                        for i in stride(from: t, to: count, by: threads) { _ = try await built.search(queries.row(i), chosen.parameters) }
                    }
                }
                try await group.waitForAll()
            }
            best = max(best, Double(count) / (Double(now() - start) / 1e9))
        }
        emit(["type": "throughput", "system": "strata", "config": config.name, "search": chosen.label, "recall_at_10": chosen.recall,
              "threads": threads, "qps": best, "qps_one_thread": Double(count) / chosen.seconds])
    }

    /// The configurations: `params.hnsw` / `params.ivf_pq` override build settings and
    /// sweeps; `params.configs` keeps only names with the given prefixes.
    func configs(base: Matrix, params: [String: Any], k: Int, scratch: String) -> [Config] {
        let hnsw = params["hnsw"] as? [String: Any] ?? [:]
        let m = hnsw["m"] as? Int ?? 16, efc = hnsw["ef_construction"] as? Int ?? 100
        let efs = hnsw["ef"] as? [Int] ?? [10, 12, 16, 20, 24, 32, 40, 48, 64, 96, 128, 192, 256, 384]
        let ivf = params["ivf_pq"] as? [String: Any] ?? [:]
        let probes = ivf["nprobes"] as? [Int] ?? [2, 4, 8, 16, 24, 32, 48, 64, 96]
        let refines = ivf["refine"] as? [Int] ?? [0, 2, 5, 10]
        let ivfParameters = IVFPQParameters(partitions: ivf["partitions"] as? Int, subvectors: ivf["subvectors"] as? Int)
        let resolved = try? ivfParameters.resolved(count: base.count, dimension: base.dimension)
        let hnswName = "m\(m)-efc\(efc)", ivfName = "p\(resolved?.partitions ?? 0)-m\(resolved?.subvectors ?? 0)"
        let hnswSearches = efs.map { ("ef=\($0)", VectorSearchParameters(ef: $0)) }
        let ivfSearches = [("default", VectorSearchParameters())] + probes.flatMap { p in
            refines.map { r in ("nprobes=\(p),refine=\(r)", VectorSearchParameters(nprobes: p, refine: r)) }
        }
        let tableParameters: [String: String] = ["m": "\(m)", "ef_construction": "\(efc)"]
        var ivfTableParameters: [String: String] = [:]
        if let p = ivfParameters.partitions { ivfTableParameters["partitions"] = "\(p)" }
        if let s = ivfParameters.subvectors { ivfTableParameters["subvectors"] = "\(s)" }
        // In memory: the default build and a denser graph (M = 32, efConstruction = 200, as
        // the peers' best HNSW configurations use); through a table: the default.
        let builds = (hnsw["builds"] as? [[Int]]) ?? [[m, efc], [32, 200]]
        var all = builds.map { build in
            Config(name: "hnsw-m\(build[0])-efc\(build[1])", build: {
                let (index, peak) = try measuringPeak { () throws -> HNSWIndex in
                    var index = try HNSWIndex(dimension: base.dimension, metric: .l2, parameters: HNSWParameters(m: build[0], efConstruction: build[1]))
                    try index.add(base.values)
                    return index
                }
                return Self.inMemory(index, peak: peak)
            }, searches: hnswSearches)
        }
        all += [
            Config(name: "ivfpq-\(ivfName)", build: {
                let (index, peak) = try measuringPeak {
                    try IVFPQIndex(training: base.values, dimension: base.dimension, metric: .l2, parameters: ivfParameters)
                }
                return Self.inMemory(index, peak: peak)
            }, searches: ivfSearches),
            Config(name: "table-hnsw-\(hnswName)", build: {
                try await TableSetup(base: base, k: k, directory: scratch + "/hnsw").build(kind: .hnsw, parameters: tableParameters)
            }, searches: hnswSearches),
            Config(name: "table-ivfpq-\(ivfName)", build: {
                try await TableSetup(base: base, k: k, directory: scratch + "/ivfpq").build(kind: .ivfPQ, parameters: ivfTableParameters)
            }, searches: ivfSearches),
        ]
        guard let only = params["configs"] as? [String] else { return all }
        return all.filter { config in only.contains { config.name.hasPrefix($0) } }
    }

    static func inMemory(_ index: any VectorIndex, peak: Int) -> Built {
        Built(search: { query, parameters in try index.search(query, k: 10, parameters: parameters, allowed: nil).map { Int($0.id) } },
              bytes: index.encoded().count, note: "StrataIndex in memory (no table), from the loaded matrix; bytes = index file", peakBytes: peak)
    }
}

/// `gt.i32`: the exact top-100 row ids of each query, row-major int32.
struct GroundTruth {
    let ids: [Int32]
    let depth: Int

    init(path: String) throws {
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: String(path.dropLast(4)) + ".json"))) as? [String: Any]
        depth = sidecar?["dim"] as? Int ?? 100
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        ids = data.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
    }

    func top(_ query: Int, _ k: Int) -> [Int] { ids[(query * depth)..<(query * depth + k)].map(Int.init) }
}

/// The table path: rows (id, v) appended to a table on disk, the index created on 99 % of
/// them, the last 1 % appended and folded in by `optimizeIndexes` (timed against the
/// build), then searches through `TableSnapshot.search` returning the id column.
struct TableSetup {
    let base: Matrix
    let k: Int
    let directory: String

    func build(kind: VectorIndexKind, parameters: [String: String]) async throws -> VectorWorkload.Built {
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let schema = try Schema([("id", .int64, false), ("v", .vector(.float32, dimension: base.dimension), false)])
        var options = TableOptions()
        options.durability = .none
        let table = try await Table.create(directory: directory + "/t", schema: schema, options: options)
        let bulk = base.count - base.count / 100
        try await append(table, schema: schema, rows: 0..<bulk)
        let start = now()
        let (_, peak) = try await measuringPeak { try await table.createIndex(column: "v", kind: kind, parameters: parameters) }
        let build = Double(now() - start) / 1e9
        try await append(table, schema: schema, rows: bulk..<base.count)
        let optimizeStart = now()
        let manifest = try await table.optimizeIndexes()
        let optimize = Double(now() - optimizeStart) / 1e9
        let snapshot = try await table.snapshot()
        let bytes = manifest.indexes.reduce(0) { $0 + Int($1.indexFile.sizeBytes + $1.rowsFile.sizeBytes) + $1.vectorFiles.reduce(0) { $0 + Int($1.sizeBytes) } }
        let k = self.k
        return VectorWorkload.Built(search: { query, parameters in
            let result = try await snapshot.search(VectorSearchRequest(column: "v", vector: query, k: k, parameters: parameters, columns: ["id"]))
            return (0..<result.rows.rowCount).map { row in
                if case let .int(id) = result.rows.columns[0].value(at: row) { return Int(id) }
                return -1
            }
        }, bytes: bytes, note: String(format: "through a table on disk: createIndex on %d rows %.2f s (build_s); +1%% rows (%d) by optimizeIndexes %.3f s = %.1f%% of the build; bytes = index, vector segment and rows files",
                                       bulk, build, base.count - bulk, optimize, 100 * optimize / build), peakBytes: peak, buildSeconds: build)
    }

    private func append(_ table: Table, schema: Schema, rows: Range<Int>) async throws {
        for start in stride(from: rows.lowerBound, to: rows.upperBound, by: 65_536) {
            let end = min(start + 65_536, rows.upperBound)
            let ids = try ColumnBuilder.column(.int64, (start..<end).map { .int(Int64($0)) })
            var bytes: [UInt8] = []
            base.values[(start * base.dimension)..<(end * base.dimension)].withUnsafeBytes { bytes.append(contentsOf: $0) }
            let vectors = ColumnBuffer(type: .vector(.float32, dimension: base.dimension), count: end - start, validity: nil, values: bytes, offsets: [])
            try await table.append(RecordBatch(schema: schema, columns: [ids, vectors]))
        }
    }
}

/// Runs `body` and returns its result with the peak resident memory it added: the kernel's
/// high-water mark is reset first (/proc/self/clear_refs), so earlier peaks do not count.
func measuringPeak<T>(_ body: () async throws -> T) async rethrows -> (T, Int) {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    let before = procStatus("VmRSS:")
    let result = try await body()
    return (result, max(0, procStatus("VmHWM:") - before))
}

func measuringPeak<T>(_ body: () throws -> T) rethrows -> (T, Int) {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    let before = procStatus("VmRSS:")
    let result = try body()
    return (result, max(0, procStatus("VmHWM:") - before))
}

private func procStatus(_ key: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
          let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
    return kb * 1024
}
