import Foundation
import Strata

/// The context layer's evaluation (spec/context.md §14), one JSON line per measurement:
///
///   strata-context-eval quality DATA WORK [QUERIES]
///     SQuAD v1.1 passages (DATA/squad) added to one agent's memory with their MiniLM
///     embeddings (model "all-MiniLM-L6-v2"), one session per article; the 5,000 evaluation
///     questions searched in every mode with their precomputed embeddings: recall@1/5/10,
///     MRR@10 and latency.
///   strata-context-eval latency INPUTS WORK ROWS
///     ROWS SQuAD sentences (Benchmarks/run_query.sh's inputs) as chunks with embeddings, one
///     session per article; 1,000 questions: search p50/p99 per mode, warm, and the first query
///     after opening the database again.
@main
struct ContextEval {
    static let model = "all-MiniLM-L6-v2"

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch arguments.first {
            case "quality" where arguments.count >= 3:
                try await quality(data: arguments[1], work: arguments[2], queryLimit: arguments.count > 3 ? Int(arguments[3]) ?? 5_000 : 5_000)
            case "latency" where arguments.count >= 4:
                try await latency(inputs: arguments[1], work: arguments[2], rows: Int(arguments[3]) ?? 100_000)
            default:
                FileHandle.standardError.write(Data("usage: strata-context-eval quality DATA WORK [QUERIES] | latency INPUTS WORK ROWS\n".utf8))
                exit(2)
            }
        } catch {
            FileHandle.standardError.write(Data("strata-context-eval: \(error)\n".utf8))
            exit(1)
        }
    }

    // MARK: Quality

    static func quality(data: String, work: String, queryLimit: Int) async throws {
        let squad = data + "/squad"
        let passages = try jsonLines(squad + "/passages.jsonl")
        let vectors = try floats(squad + "/passages.minilm.f32", dimension: 384)
        let questions = Array(try jsonLines(squad + "/queries_eval5k.jsonl").prefix(queryLimit))
        let questionVectors = try floats(squad + "/queries_eval5k.minilm.f32", dimension: 384)
        let entries = passages.enumerated().map { i, passage in
            MemoryEntry(.text(passage["text"]?.stringValue ?? ""), sessionID: passage["title"]?.stringValue, embedding: vectors[i], model: model,
                        sourceID: passage["pid"]?.stringValue)
        }
        let directory = work + "/context-quality"
        let context: ContextDatabase
        var pidOf: [String: String] = [:]
        if ProcessInfo.processInfo.environment["STRATA_EVAL_REUSE"] == "1", FileManager.default.fileExists(atPath: directory) {
            // A database a previous run loaded (for profiling the searches alone).
            var configuration = ContextConfiguration(embeddingDimension: 384)
            if let weight = ProcessInfo.processInfo.environment["STRATA_EVAL_SHORTLIST_WEIGHT"].flatMap(Double.init) { configuration.search.shortlistWeight = weight }
            if let size = ProcessInfo.processInfo.environment["STRATA_EVAL_SHORTLIST"].flatMap(Int.init) { configuration.search.shortlistSize = size }
            if let fetch = ProcessInfo.processInfo.environment["STRATA_EVAL_FETCH"].flatMap(Int.init) { configuration.search.fetchK = fetch }
            context = try await ContextDatabase.open(directory: directory, configuration: configuration)
            for row in try await context.database.execute("SELECT raw_id, source_id FROM ctx_agent.agent_l2_raw").typedRows {
                pidOf[row.string("raw_id")!] = row.string("source_id")
            }
        } else {
            try? FileManager.default.removeItem(atPath: directory)
            let ingest: Double
            (context, pidOf, ingest) = try await load(entries, directory: directory)
            report(["experiment": "ingest", "chunks": "\(entries.count)", "seconds": String(format: "%.1f", ingest)])
        }
        let agent = try context.agent("eval")
        for mode in modes {
            var hitsAt = [1: 0, 5: 0, 10: 0]
            var reciprocal = 0.0
            var times: [Double] = []
            var confident = 0
            for (i, question) in questions.enumerated() {
                let gold = Set((question["gold_pids"]?.arrayValue ?? []).compactMap(\.stringValue))
                let request = SearchRequest(text: question["question"]?.stringValue, vector: questionVectors[i], model: model, topK: 10, mode: mode)
                let start = DispatchTime.now().uptimeNanoseconds
                let result = try await agent.search(request)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                if result.confident == true { confident += 1 }
                let ranked = result.hits.map { $0.rawID.flatMap { pidOf[$0] } ?? "" }
                if let first = ranked.firstIndex(where: gold.contains) {
                    for k in [1, 5, 10] where first < k { hitsAt[k]! += 1 }
                    reciprocal += 1 / Double(first + 1)
                }
            }
            let n = Double(questions.count)
            report(["experiment": "quality", "mode": mode.rawValue, "queries": "\(questions.count)", "chunks": "\(entries.count)",
                    "r1": String(format: "%.3f", Double(hitsAt[1]!) / n), "r5": String(format: "%.3f", Double(hitsAt[5]!) / n),
                    "r10": String(format: "%.3f", Double(hitsAt[10]!) / n), "mrr10": String(format: "%.3f", reciprocal / n),
                    "p50_ms": String(format: "%.3f", percentile(times, 0.5)), "p99_ms": String(format: "%.3f", percentile(times, 0.99)),
                    "confident": mode == .chain ? "\(confident)" : "-"])
        }
        try await context.close()
    }

    // MARK: Latency

    static func latency(inputs: String, work: String, rows: Int) async throws {
        let sentences = Array(try jsonLines(inputs + "/rows.jsonl").prefix(rows))
        let vectors = try floats(inputs + "/base.f32", dimension: 384, limit: rows)
        let passageOf = try int32s(inputs + "/row_passage.i32")
        let data = ProcessInfo.processInfo.environment["STRATA_DATA"] ?? "../shared/data"
        let titles = try jsonLines(data + "/squad/passages.jsonl").map { $0["title"]?.stringValue ?? "" }
        let entries = sentences.enumerated().map { i, row in
            MemoryEntry(.text(row["text"]?.stringValue ?? ""), sessionID: titles[Int(passageOf[i])], embedding: vectors[i], model: model)
        }
        let questions = try jsonLines(inputs + "/queries.jsonl")
        let questionVectors = try floats(inputs + "/queries.f32", dimension: 384)
        let directory = work + "/context-latency-\(rows)"
        if ProcessInfo.processInfo.environment["STRATA_EVAL_REUSE"] != "1" || !FileManager.default.fileExists(atPath: directory) {
            try? FileManager.default.removeItem(atPath: directory)
            let (loaded, _, ingest) = try await load(entries, directory: directory)
            report(["experiment": "ingest", "chunks": "\(entries.count)", "seconds": String(format: "%.1f", ingest)])
            try await loaded.close()
        }

        // Cold: a new handle on the files (no cache of this process holds anything), first query.
        let dropped = (try? "3\n".write(toFile: "/proc/sys/vm/drop_caches", atomically: false, encoding: .utf8)) != nil
        let openStart = DispatchTime.now().uptimeNanoseconds
        var configuration = ContextConfiguration(embeddingDimension: 384, runsJobs: false)
        if let fetch = ProcessInfo.processInfo.environment["STRATA_EVAL_FETCH"].flatMap(Int.init) { configuration.search.fetchK = fetch }
        let context = try await ContextDatabase.open(directory: directory, configuration: configuration)
        let agent = try context.agent("eval")
        let opened = Double(DispatchTime.now().uptimeNanoseconds - openStart) / 1e6
        let firstStart = DispatchTime.now().uptimeNanoseconds
        _ = try await agent.search(SearchRequest(text: questions[0]["question"]?.stringValue, vector: questionVectors[0], model: model, topK: 10))
        let first = Double(DispatchTime.now().uptimeNanoseconds - firstStart) / 1e6
        report(["experiment": "cold", "chunks": "\(rows)", "open_ms": String(format: "%.1f", opened), "first_query_ms": String(format: "%.1f", first),
                "os_cache_dropped": dropped ? "yes" : "no"])

        for mode in modes {
            // Warm-up pass, then the measured pass.
            for (i, question) in questions.prefix(100).enumerated() {
                _ = try await agent.search(SearchRequest(text: question["question"]?.stringValue, vector: questionVectors[i], model: model, topK: 10, mode: mode))
            }
            var times: [Double] = []
            var stageTimes: [String: [Double]] = [:]
            for (i, question) in questions.enumerated() {
                let request = SearchRequest(text: question["question"]?.stringValue, vector: questionVectors[i], model: model, topK: 10, mode: mode)
                let start = DispatchTime.now().uptimeNanoseconds
                let result = try await agent.search(request)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                for stage in result.stages { stageTimes[stage.name, default: []].append(Double(stage.micros) / 1e3) }
            }
            var fields = ["experiment": "latency", "mode": mode.rawValue, "chunks": "\(rows)", "queries": "\(questions.count)",
                          "p50_ms": String(format: "%.3f", percentile(times, 0.5)), "p99_ms": String(format: "%.3f", percentile(times, 0.99))]
            // Each stage's median time: where a mode's time goes.
            for (name, values) in stageTimes { fields["stage_p50_ms." + name] = String(format: "%.3f", percentile(values, 0.5)) }
            report(fields)
        }
        try await context.close()
    }

    /// The modes measured: all, or those STRATA_EVAL_MODES lists (comma-separated).
    static var modes: [SearchMode] {
        guard let list = ProcessInfo.processInfo.environment["STRATA_EVAL_MODES"] else { return [.fullText, .vector, .hybrid, .chain] }
        return list.split(separator: ",").compactMap { SearchMode(rawValue: String($0)) }
    }

    // MARK: Loading

    /// Adds the entries to agent "eval" through the public API and waits for every job.
    static func load(_ entries: [MemoryEntry], directory: String) async throws -> (ContextDatabase, [String: String], Double) {
        let context = try await ContextDatabase.open(directory: directory, configuration: ContextConfiguration(embeddingDimension: 384))
        let agent = try context.agent("eval")
        let start = DispatchTime.now().uptimeNanoseconds
        var pidOf: [String: String] = [:]
        for begin in stride(from: 0, to: entries.count, by: 4_096) {
            let part = Array(entries[begin..<min(entries.count, begin + 4_096)])
            for (entry, receipt) in zip(part, try await agent.add(part)) { pidOf[receipt.rawID] = entry.sourceID }
        }
        await context.waitForJobs()
        let failed = try await context.jobs().filter { $0.status == .failed }
        if let job = failed.first { throw StrataError.invalidInput(what: "job \(job.jobID)", why: job.lastError ?? "failed") }
        return (context, pidOf, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    static func jsonLines(_ path: String) throws -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: path) else { throw StrataError.notFound(path: path) }
        return try [UInt8](data).split(separator: 0x0A).map { try JSONParser.parse(Array($0)) }
    }

    static func floats(_ path: String, dimension: Int, limit: Int = .max) throws -> [[Float]] {
        guard let data = FileManager.default.contents(atPath: path) else { throw StrataError.notFound(path: path) }
        let count = min(limit, data.count / (4 * dimension))
        return data.withUnsafeBytes { raw in
            (0..<count).map { row in (0..<dimension).map { raw.loadUnaligned(fromByteOffset: (row * dimension + $0) * 4, as: Float.self) } }
        }
    }

    static func int32s(_ path: String) throws -> [Int32] {
        guard let data = FileManager.default.contents(atPath: path) else { throw StrataError.notFound(path: path) }
        return data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self) } }
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    static func report(_ fields: [String: String]) {
        let line = "{" + fields.sorted { $0.key < $1.key }.map { JSONText.quoted($0.key) + ":" + JSONText.quoted($0.value) }.joined(separator: ",") + "}"
        print(line)
        fflush(nil)
    }
}

extension JSONValue {
    var stringValue: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case let .array(items) = self { return items }
        return nil
    }
}
