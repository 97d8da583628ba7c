import Foundation
import Strata

/// A `strata-text/1` task (Benchmarks/peers/text/text_bench.py): load the documents into a
/// table, build its full-text index, then answer each query type one query at a time on one
/// thread, reporting each query's latency and top-k row ids.
struct TextWorkload {
    let task: [String: Any]

    func run() async throws {
        guard let docsPath = task["docs"] as? String, let queriesPath = task["queries"] as? String else {
            throw RunnerError("the task lacks docs / queries")
        }
        let k = task["k"] as? Int ?? 10
        let warmup = task["warmup_queries"] as? Int ?? 100
        let scratch = task["scratch_dir"] as? String ?? NSTemporaryDirectory() + "strata-text-\(getpid())"
        let texts = try Self.documents(docsPath)
        log("\(texts.count) documents read")

        // Ingest: the rows written and committed, in fragments of up to 262,144 rows.
        let schema = try Schema([("id", .int64, false), ("text", .string, true)])
        let t0 = now()
        let table = try await Table.create(directory: scratch + "/table", schema: schema)
        for start in stride(from: 0, to: texts.count, by: 1 << 18) {
            let end = min(start + (1 << 18), texts.count)
            try await table.append(try RecordBatch(schema: schema, columns: [
                ColumnBuilder.column(.int64, (start..<end).map { .int(Int64($0)) }),
                ColumnBuilder.column(.string, texts[start..<end].map { .string($0) }),
            ]))
        }
        let ingest = Double(now() - t0) / 1e9
        let t1 = now()
        // `index_parameters` (optional): analyzer settings to try instead of the defaults.
        try await table.createTextIndex(column: "text", parameters: task["index_parameters"] as? [String: String] ?? [:])
        let build = Double(now() - t1) / 1e9
        emit(["type": "build", "docs": texts.count, "ingest_s": ingest, "build_s": build,
              "index_bytes": Self.bytes(under: scratch + "/table/_indices"), "disk_bytes": Self.bytes(under: scratch)])

        // Row id of each address: rows were appended in id order, fragment after fragment.
        let snapshot = try await table.snapshot()
        var firstRow: [UInt32: Int] = [:], rows = 0
        for fragment in snapshot.manifest.fragments {
            firstRow[fragment.id] = rows
            rows += fragment.physicalRows
        }
        let search: (String) async throws -> [Int] = { text in
            let result = try await snapshot.search(TextSearchRequest(column: "text", query: text, k: k, columns: []))
            return result.addresses.map { address in firstRow[address!.fragment]! + Int(address!.offset) }
        }
        for (type, queries) in try Self.queries(queriesPath) {
            for text in queries.prefix(warmup) { _ = try await search(text) }
            var latencies: [UInt64] = [], ids: [[Int]] = []
            for text in queries {
                let start = now()
                let found = try await search(text)
                latencies.append(now() - start)
                ids.append(found)
            }
            emit(["type": "queries", "query_type": type, "latencies_ns": latencies, "ids": ids])
            let slowest = latencies.indices.sorted { latencies[$0] > latencies[$1] }.prefix(3).map { "\(queries[$0]) \(latencies[$0] / 1000) µs" }
            log("\(type): \(queries.count) queries, median \(latencies.sorted()[latencies.count / 2] / 1000) µs; slowest: \(slowest.joined(separator: "; "))")
        }
    }

    /// The `text` of each line of a `{"id": i, "text": …}` JSON Lines file, in order.
    static func documents(_ path: String) throws -> [String] {
        var texts: [String] = []
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            texts.append(object?["text"] as? String ?? "")
        }
        return texts
    }

    /// The queries' texts by type, types in their order of first appearance.
    static func queries(_ path: String) throws -> [(String, [String])] {
        var groups: [(String, [String])] = []
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let type = object["type"] as? String, let text = object["text"] as? String else { throw RunnerError("bad query line \(line)") }
            if groups.last?.0 == type { groups[groups.count - 1].1.append(text) } else { groups.append((type, [text])) }
        }
        return groups
    }

    /// Bytes of every file under `path`.
    static func bytes(under path: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        while let file = walker.nextObject() as? String {
            total += (try? FileManager.default.attributesOfItem(atPath: path + "/" + file)[.size] as? Int) ?? 0
        }
        return total
    }
}
