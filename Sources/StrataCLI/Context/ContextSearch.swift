import ArgumentParser
import Strata

/// `strata ctx DB search`: one query (--text, --vector) or a batch (--queries). Each hit is
/// a line: {"rank", "chunk_id", "content", "metadata", "raw_id", "session_id", "created_at",
/// "source", "score", "explanation"} and, in the batch form, "_query".
struct ContextSearch: ContextSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an agent's memory (and knowledge bases).",
        discussion: """
            --queries reads one query per line: {"id", "agent_id", "text", "vector", "model", "k", "mode"} ("vector", "model", \
            "k" and "mode" optional; -k, --mode and --where are the defaults). A query without "vector" is embedded by the \
            database's embedder; a vector is compared only with vectors of its model (when not named: the one model of the \
            vectors added precomputed, else "external"). \
            --explain first prints one line per stage: {"stage", "candidates", "ms", "detail"}.
            """
    )

    @Option(name: .long, help: "The agent whose memory is searched.")
    var agent: String?

    @Option(name: .long, help: "The query text.")
    var text: String?

    @Option(name: .long, help: "A precomputed query vector, as a JSON array.")
    var vector: String?

    @Option(name: .long, help: "The model that made --vector.")
    var model: String?

    @Option(name: .long, help: "A JSON Lines file of queries (batch form).")
    var queries: String?

    @Option(name: .short, help: "Results per query.")
    var k: Int = 10

    @Option(name: .long, help: "chain (default), hybrid, vector or fts.")
    var mode: String = "chain"

    @Option(name: .long, help: "A SQL condition on chunk columns (created_at, session_id, metadata, …).")
    var `where`: String?

    @Option(name: .long, help: "A knowledge base searched too (repeatable).")
    var kb: [String] = []

    @Option(name: .long, help: "Return what was valid at this time (ISO-8601) instead of now.")
    var validAt: String?

    @Flag(name: .long, help: "Print the stages of each search first.")
    var explain = false

    mutating func run(database: String) async throws {
        guard (queries == nil) != (text == nil && vector == nil) else {
            throw StrataError.invalidInput(what: "options", why: "give --text and/or --vector, or --queries")
        }
        let defaultMode = try Self.mode(mode, what: "--mode")
        let validAt = try validAt.map { (text) throws(StrataError) in try parseTime(.string(text), what: "--valid-at") }
        let context = try await openContext(database)
        if let queries {
            try await runBatch(context, path: queries, defaultMode: defaultMode, validAt: validAt)
        } else {
            guard let agent else { throw StrataError.invalidInput(what: "options", why: "--agent is required") }
            let request = SearchRequest(text: text, vector: try vector.map { (v) throws(StrataError) in try parseVector(try JSONParser.parse(v), what: "--vector") },
                                        model: model, topK: k, mode: defaultMode, filter: `where`, validAt: validAt, knowledgeBases: kb)
            try await requireAgent(agent, in: context)
            try print(try await context.agent(agent).search(request), query: nil)
        }
    }

    private func runBatch(_ context: ContextDatabase, path: String, defaultMode: SearchMode, validAt: Int64?) async throws {
        var lines = try JSONObjectLines(path: path)
        var queries: [(id: String, agent: String, request: SearchRequest, what: String)] = []
        while let object = try lines.next() {
            let fields = object.fields, what = object.what
            func string(_ key: String) throws -> String? { try object.string(key) }
            guard let id = fields["id"] else { throw StrataError.invalidInput(what: what, why: "needs \"id\"") }
            guard let agentID = try string("agent_id") ?? agent else { throw StrataError.invalidInput(what: what, why: "needs \"agent_id\" (or --agent)") }
            var queryK = k
            if let value = fields["k"], value != .null {
                guard case let .number(text) = value, let parsed = Int(text) else { throw StrataError.invalidInput(what: what, why: "\"k\" must be an integer") }
                queryK = parsed
            }
            let queryMode = try string("mode").map { (text) throws(StrataError) in try Self.mode(text, what: what + " \"mode\"") } ?? defaultMode
            var queryVector: [Float]?
            if let value = fields["vector"], value != .null { queryVector = try parseVector(value, what: what + " \"vector\"") }
            let request = SearchRequest(text: try string("text"), vector: queryVector, model: try string("model"), topK: queryK, mode: queryMode,
                                        filter: `where`, validAt: validAt, knowledgeBases: kb)
            queries.append((id.text, agentID, request, what))
        }
        // Every query runs before any line is printed: a failing one leaves no partial output.
        var results: [(id: String, result: SearchResult)] = []
        var checked = Set<String>()
        for query in queries {
            do {
                if checked.insert(query.agent).inserted { try await requireAgent(query.agent, in: context) }
                results.append((query.id, try await context.agent(query.agent).search(query.request)))
            } catch {
                throw StrataError.invalidInput(what: query.what, why: "\(error)")
            }
        }
        for (id, result) in results { try print(result, query: id) }
    }

    static func mode(_ text: String, what: String) throws(StrataError) -> SearchMode {
        switch text.lowercased() {
        case "chain": return .chain
        case "hybrid": return .hybrid
        case "vector": return .vector
        case "fts", "fulltext", "full_text", "text": return .fullText
        default: throw .invalidInput(what: "\(what) '\(text)'", why: "expected chain, hybrid, vector or fts")
        }
    }

    private func print(_ result: SearchResult, query: String?) throws {
        if explain {
            for stage in result.stages {
                var line = JSONLine()
                line.add("stage", stage.name)
                line.add("candidates", stage.candidates)
                line.add("ms", Double(stage.micros) / 1000)
                line.add("detail", stage.detail)
                if let query { line.add("_query", json: query) }
                try line.write()
            }
        }
        for (rank, hit) in result.hits.enumerated() {
            var line = JSONLine()
            line.add("rank", rank + 1)
            line.add("chunk_id", hit.chunkID)
            line.add("content", hit.content)
            line.add("metadata", json: hit.metadata)
            line.add("raw_id", hit.rawID)
            line.add("session_id", hit.sessionID)
            line.add("created_at", time: hit.createdAt)
            line.add("source", hit.source)
            line.add("score", hit.score)
            line.add("explanation", hit.explanation.summary)
            if let query { line.add("_query", json: query) }
            try line.write()
        }
    }
}
