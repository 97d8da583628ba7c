import Foundation
import Strata

/// A `strata-query/1` task (Benchmarks/peers/query/query_bench.py): load the rows into a
/// database table `docs` (id, text, tenant, created_at, embedding) with its indexes, then run
/// every arm's SQL — `$1` the query's vector, `$2` its text — once per query, through the
/// whole SQL path (parse, plan, execute), one query at a time on one thread, the arms
/// interleaved in blocks, and print each arm's latencies and ids.
struct QueryWorkload {
    let task: [String: Any]

    func run() async throws {
        guard let files = task["files"] as? [String: String], let basePath = files["base"], let rowsPath = files["rows"],
              let queriesPath = files["queries"], let queryTextsPath = files["queries_jsonl"],
              let arms = task["arms"] as? [[String: Any]] else { throw RunnerError("the task lacks files or arms") }
        let dimension = task["dim"] as? Int ?? 384
        let numQueries = task["num_queries"] as? Int ?? 1_000
        let warmup = task["warmup_queries"] as? Int ?? 100
        let blocks = max(1, task["blocks"] as? Int ?? 5)
        let scratch = task["scratch_dir"] as? String ?? NSTemporaryDirectory() + "strata-query-\(getpid())"
        let vectorIndex = task["vector_index"] as? String ?? "HNSW WITH (m = 16, ef_construction = 100)"

        let base = try Self.floats(basePath)
        let rows = try String(contentsOfFile: rowsPath, encoding: .utf8).split(separator: "\n").map { line -> [String: Any] in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { throw RunnerError("bad row \(line.prefix(80))") }
            return object
        }
        guard base.count == rows.count * dimension else { throw RunnerError("\(base.count) floats for \(rows.count) rows of dimension \(dimension)") }
        let queryVectors = try Self.floats(queriesPath)
        let queryTexts = try String(contentsOfFile: queryTextsPath, encoding: .utf8).split(separator: "\n").map { line -> String in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["text_query"] as? String ?? object?["question"] as? String ?? ""
        }
        let count = min(numQueries, queryTexts.count, queryVectors.count / dimension)
        log("\(rows.count) rows × \(dimension), \(count) queries, \(arms.count) arms")

        // Load, then index (`reuse_db`: keep a database an earlier run built, for profiling).
        let reuse = task["reuse_db"] as? Bool ?? false && FileManager.default.fileExists(atPath: scratch + "/db/main/docs")
        if !reuse { try? FileManager.default.removeItem(atPath: scratch + "/db") }
        let db = try await Database.open(directory: scratch + "/db")
        let (ingest, build) = reuse ? (0, 0) : try await load(db, rows: rows, base: base, dimension: dimension, vectorIndex: vectorIndex)
        emit(["event": "build", "ingest_s": ingest, "seconds": build, "bytes": TextWorkload.bytes(under: scratch + "/db"), "vector_index": vectorIndex])
        log("ingest \(ingest) s, indexes \(build) s")

        // The queries: each arm's statement parsed once per query, as an application would send it.
        let sqls = arms.map { $0["sql"] as? String ?? "" }
        let names = arms.map { $0["name"] as? String ?? "?" }
        func parameters(_ q: Int) -> [Value] {
            [.vector(Array(queryVectors[(q * dimension)..<((q + 1) * dimension)])), .string(queryTexts[q])]
        }
        func ids(_ result: StatementResult) -> [Int64] {
            guard let rows = result.rows, let column = rows.column(named: "id") else { return [] }
            return (0..<rows.rowCount).map { column.fixed($0, as: Int64.self) }
        }
        for (a, sql) in sqls.enumerated() {
            for q in 0..<min(warmup, count) { _ = try await db.execute(sql, parameters: parameters(q)) }
            log("warmed \(names[a])")
        }
        var latencies = [[UInt64]](repeating: [UInt64](repeating: 0, count: count), count: arms.count)
        var found = [[[Int64]]](repeating: [[Int64]](repeating: [], count: count), count: arms.count)
        let blockSize = (count + blocks - 1) / blocks
        for block in 0..<blocks {
            let queries = (block * blockSize)..<min(count, (block + 1) * blockSize)
            for turn in 0..<arms.count {
                let a = (turn + block) % arms.count  // the arms' order rotates per block
                for q in queries {
                    let p = parameters(q)
                    let start = now()
                    let result = try await db.execute(sqls[a], parameters: p)
                    latencies[a][q] = now() - start
                    found[a][q] = ids(result)
                }
            }
        }
        for a in arms.indices {
            emit(["arm": names[a], "latencies_ns": latencies[a], "ids": found[a]])
            let sorted = latencies[a].sorted()
            log("\(names[a]): p50 \(Double(sorted[sorted.count / 2]) / 1e6) ms, p99 \(Double(sorted[sorted.count * 99 / 100]) / 1e6) ms")
        }
        let plans = try await db.execute("EXPLAIN ANALYZE " + (sqls.first ?? ""), parameters: parameters(0))
        log(plans.typedRows.compactMap { $0.string("plan") }.joined(separator: "\n"))
    }

    /// Creates the table, appends the rows, builds the indexes; returns the seconds of each.
    func load(_ db: Database, rows: [[String: Any]], base: [Float], dimension: Int, vectorIndex: String) async throws -> (Double, Double) {
        let t0 = now()
        try await db.execute("CREATE TABLE docs (id BIGINT NOT NULL, text TEXT, tenant TEXT, created_at TIMESTAMP, embedding VECTOR(\(dimension)))")
        let table = try await db.table(named: "docs")
        let schema = try await table.latestManifest().schema
        for start in stride(from: 0, to: rows.count, by: 20_000) {
            let part = start..<min(rows.count, start + 20_000)
            var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: part.count) }
            for i in part {
                let row = rows[i]
                try builders[0].append(.int(Int64(row["id"] as? Int ?? i)))
                try builders[1].append((row["text"] as? String).map(Value.string) ?? .null)
                try builders[2].append((row["tenant"] as? String).map(Value.string) ?? .null)
                try builders[3].append((row["created_at"] as? String).map { .timestamp(try Timestamp.parse($0)) } ?? .null)
                try builders[4].append(.vector(Array(base[(i * dimension)..<((i + 1) * dimension)])))
            }
            try await table.append(try RecordBatch(schema: schema, columns: builders.map { $0.finish() }))
        }
        let ingest = Double(now() - t0) / 1e9
        let t1 = now()
        try await db.execute("CREATE INDEX ON docs (embedding) USING \(vectorIndex)")
        try await db.execute("CREATE INDEX ON docs (text) USING FTS")
        try await db.execute("CREATE INDEX ON docs (tenant) USING BITMAP")
        try await db.execute("CREATE INDEX ON docs (created_at) USING BTREE")
        return (ingest, Double(now() - t1) / 1e9)
    }

    /// A raw little-endian float32 file.
    static func floats(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
