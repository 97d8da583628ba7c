import Foundation
import Strata

/// A `strata-scalar/1` task (Benchmarks/peers/scalar/scalar_bench.py): load the columns into
/// a table, then answer each filter query — returning the matching rows' ids — one at a time
/// on one thread, once with scalar indexes (a B-tree on `value`, a bitmap on `category`) and
/// once without (scans with zone maps).
struct ScalarWorkload {
    let task: [String: Any]

    func run() async throws {
        guard let columnsPath = task["columns"] as? String, let queriesPath = task["queries"] as? String else {
            throw RunnerError("the task lacks columns / queries")
        }
        let warmup = task["warmup_queries"] as? Int ?? 20
        let scratch = task["scratch_dir"] as? String ?? NSTemporaryDirectory() + "strata-scalar-\(getpid())"
        let ids: [Int64] = try Self.column(columnsPath + "/id.i64")
        let categories: [Int32] = try Self.column(columnsPath + "/category.i32")
        let values: [Double] = try Self.column(columnsPath + "/value.f64")
        let times: [Int64] = try Self.column(columnsPath + "/created_at.i64")
        let queries = try Self.queries(queriesPath)
        log("\(ids.count) rows, \(queries.count) query types")
        let schema = try Schema([("id", .int64, false), ("category", .int32, false), ("value", .float64, false), ("created_at", .timestamp, false)])

        // `configs` (optional) picks some of them, for profiling one.
        for config in task["configs"] as? [String] ?? ["index", "scan"] {
            let t0 = now()
            let table = try await Table.create(directory: scratch + "/" + config, schema: schema)
            for start in stride(from: 0, to: ids.count, by: 1 << 18) {
                let rows = start..<min(start + (1 << 18), ids.count)
                try await table.append(try RecordBatch(schema: schema, columns: [
                    ColumnBuilder.column(.int64, rows.map { .int(ids[$0]) }), ColumnBuilder.column(.int32, rows.map { .int(Int64(categories[$0])) }),
                    ColumnBuilder.column(.float64, rows.map { .float64(values[$0]) }), ColumnBuilder.column(.timestamp, rows.map { .timestamp(times[$0]) }),
                ]))
            }
            let ingest = Double(now() - t0) / 1e9
            let t1 = now()
            if config == "index" {
                try await table.createScalarIndex(column: "value", kind: .btree)
                try await table.createScalarIndex(column: "category", kind: .bitmap)
            }
            let build = Double(now() - t1) / 1e9
            emit(["type": "build", "config": config, "rows": ids.count, "ingest_s": ingest, "build_s": build,
                  "index_bytes": TextWorkload.bytes(under: scratch + "/" + config + "/_indices"), "disk_bytes": TextWorkload.bytes(under: scratch + "/" + config)])
            let snapshot = try await table.snapshot()
            for (type, wheres) in queries {
                let predicates = try wheres.map { try Predicate(parsing: $0, schema: schema) }
                for predicate in predicates.prefix(warmup) { _ = try await snapshot.filter(predicate, columns: ["id"]) }
                var latencies: [UInt64] = [], counts: [Int] = [], sums: [Int64] = []
                for predicate in predicates {
                    let start = now()
                    let found = try await snapshot.filter(predicate, columns: ["id"])
                    let column = found.columns[0]
                    var sum: Int64 = 0
                    for row in 0..<found.rowCount { sum &+= column.fixed(row, as: Int64.self) }
                    latencies.append(now() - start)
                    counts.append(found.rowCount)
                    sums.append(sum)
                }
                emit(["type": "queries", "config": config, "query_type": type, "latencies_ns": latencies, "counts": counts, "id_sums": sums])
                log("\(config) \(type): median \(latencies.sorted()[latencies.count / 2] / 1000) µs")
            }
        }
    }

    /// A raw little-endian column file.
    static func column<T: BitwiseCopyable>(_ path: String) throws -> [T] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { raw in (0..<(data.count / MemoryLayout<T>.size)).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
    }

    /// The queries' predicates by type, types in their order of first appearance.
    static func queries(_ path: String) throws -> [(String, [String])] {
        var groups: [(String, [String])] = []
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let type = object["type"] as? String, let predicate = object["where"] as? String else { throw RunnerError("bad query line \(line)") }
            if groups.last?.0 == type { groups[groups.count - 1].1.append(predicate) } else { groups.append((type, [predicate])) }
        }
        return groups
    }
}
