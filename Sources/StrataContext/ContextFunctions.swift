import StrataCore
import StrataSQL

/// The agent operations as SQL (spec/sql.md §10): table functions `ctx_search`,
/// `ctx_trace`, `ctx_explain`, `ctx_add`, `ctx_prune` and `ctx_archive`, and the constant
/// function `embed(text)`, which the context layer registers with the SQL layer of its
/// database. Each runs through an agent handle, so it reads and writes that agent's rows
/// only.
public enum ContextFunctions {
    /// The names registered.
    public static let tableFunctions = ["ctx_add", "ctx_archive", "ctx_explain", "ctx_prune", "ctx_search", "ctx_trace"]

    /// Registers the functions on `database`; `context` gives the context database they run
    /// on (opened on first use by a caller that wants it lazily).
    public static func register(on database: Database, context: @escaping @Sendable () async throws(StrataError) -> ContextDatabase) {
        database.register(tableFunction: "ctx_search") { call async throws(StrataError) in try await search(call, try await context()) }
        database.register(tableFunction: "ctx_trace") { call async throws(StrataError) in try await trace(call, try await context()) }
        database.register(tableFunction: "ctx_explain") { call async throws(StrataError) in try await explain(call, try await context()) }
        database.register(tableFunction: "ctx_add") { call async throws(StrataError) in try await add(call, try await context()) }
        database.register(tableFunction: "ctx_prune") { call async throws(StrataError) in try await prune(call, try await context()) }
        database.register(tableFunction: "ctx_archive") { call async throws(StrataError) in try await archive(call, try await context()) }
        database.register(constantFunction: "embed") { call async throws(StrataError) in
            try call.check(positional: 1, known: ["text"])
            let text = try call.string(0, named: "text", required: true)!
            guard let vector = try await context().embedder.embed([text]).first else { throw .invalidQuery(message: "embed made no vector", offset: call.offset) }
            return .vector(vector)
        }
    }

    /// `ctx_search(agent, query, k => 10, mode => 'chain', kb => 'name', memory => true,
    /// filter => 'SQL condition', valid_at => TIMESTAMP, vector => [...], model => 'name')`.
    static func search(_ call: ExtensionCall, _ context: ContextDatabase) async throws(StrataError) -> RecordBatch {
        try call.check(positional: 2, known: ["agent", "query", "k", "mode", "kb", "memory", "filter", "valid_at", "vector", "model"])
        let agent = try context.agent(try call.string(0, named: "agent", required: true)!)
        var request = SearchRequest(text: try call.string(1, named: "query"), topK: try call.int(nil, named: "k") ?? 10, evidenceText: true)
        if let mode = try call.string(nil, named: "mode") {
            guard let parsed = SearchMode(rawValue: mode.lowercased()) ?? (mode.lowercased() == "fulltext" ? .fullText : nil) else {
                throw .invalidQuery(message: "ctx_search's mode is one of chain, hybrid, vector, fts; not '\(mode)'", offset: call.offset)
            }
            request.mode = parsed
        }
        if let kb = try call.string(nil, named: "kb") { request.knowledgeBases = kb.split(separator: ",").map { String($0).trimmingWhitespace() } }
        if let memory = call.value(nil, named: "memory") {
            guard case let .bool(include) = memory else { throw .invalidQuery(message: "ctx_search's memory is true or false", offset: call.offset) }
            request.includeMemory = include
        }
        request.filter = try call.string(nil, named: "filter")
        request.model = try call.string(nil, named: "model")
        if let validAt = call.value(nil, named: "valid_at") {
            switch validAt {
            case let .timestamp(t): request.validAt = t
            case let .string(text): request.validAt = try Timestamp.parse(text)
            default: throw .invalidQuery(message: "ctx_search's valid_at is a timestamp", offset: call.offset)
            }
        }
        if let vector = call.value(nil, named: "vector") {
            guard case let .vector(v) = vector else { throw .invalidQuery(message: "ctx_search's vector is a vector ([0.1, …] or embed('text'))", offset: call.offset) }
            request.vector = v
        }
        if request.includeMemory, try await !context.hasAgent(agent.agentID) {
            throw .invalidQuery(message: "unknown agent '\(agent.agentID)' (an agent exists once it has memory)", offset: call.offset)
        }
        let result: SearchResult
        do throws(StrataError) {
            result = try await agent.search(request)
        } catch let .invalidQuery(message, offset) {
            // The error points at the call: a position inside the filter's own text would put
            // the caret at the wrong place of the statement.
            let inFilter = offset != nil && request.filter != nil
            throw .invalidQuery(message: inFilter ? "ctx_search's filter: \(message)" : message, offset: call.offset)
        }
        let rows: [[Value]] = result.hits.enumerated().map { rank, hit in
            [.int(Int64(rank + 1)), .string(hit.chunkID), .string(hit.content), .float64(hit.score), .string(hit.source),
             hit.rawID.map(Value.string) ?? .null, hit.sessionID.map(Value.string) ?? .null, hit.createdAt.map(Value.timestamp) ?? .null,
             .string(hit.explanation.stage), hit.explanation.via.isEmpty ? .null : .string(hit.explanation.via.joined(separator: ", ")),
             .string(hit.explanation.summary), hit.metadata.map(Value.json) ?? .null, hit.evidence?.excerpt.map(Value.string) ?? .null]
        }
        return try RecordBatch(schema: try Schema([
            ("rank", .int64, false), ("chunk_id", .string, false), ("content", .string, false), ("score", .float64, false), ("source", .string, false),
            ("raw_id", .string, true), ("session_id", .string, true), ("created_at", .timestamp, true), ("stage", .string, false),
            ("via", .string, true), ("found_by", .string, false), ("metadata", .json, true), ("evidence", .string, true),
        ]), rows: rows)
    }

    /// `ctx_trace(session, agent => 'name')`: the session's chunks and tool calls in time order.
    static func trace(_ call: ExtensionCall, _ context: ContextDatabase) async throws(StrataError) -> RecordBatch {
        try call.check(positional: 1, known: ["session", "agent"])
        let session = try call.string(0, named: "session", required: true)!
        let owner = try await owner(of: session, call, context, what: "session")
        let rows: [[Value]] = try await context.agent(owner).trace(session).map { event in
            [.timestamp(event.time), .string(event.kind), .string(event.id), .string(event.content), event.rawID.map(Value.string) ?? .null,
             event.params.map(Value.json) ?? .null, event.result.map(Value.string) ?? .null, event.status.map(Value.string) ?? .null, .bool(event.archived)]
        }
        return try RecordBatch(schema: try Schema([
            ("time", .timestamp, false), ("kind", .string, false), ("id", .string, false), ("content", .string, false), ("raw_id", .string, true),
            ("params", .json, true), ("result", .string, true), ("status", .string, true), ("archived", .bool, false),
        ]), rows: rows)
    }

    /// `ctx_explain(entity, depth => 3, type => 'label', agent => 'name')`: the relation graph
    /// around the entity, an edge per row (the entity alone, with no edges, as one row).
    static func explain(_ call: ExtensionCall, _ context: ContextDatabase) async throws(StrataError) -> RecordBatch {
        try call.check(positional: 1, known: ["entity", "depth", "type", "agent"])
        let entity = try call.string(0, named: "entity", required: true)!
        let owner = try await owner(of: entity, call, context, what: "entity")
        let graph = try await context.agent(owner).explain(entity, entityType: try call.string(nil, named: "type"), maxDepth: try call.int(nil, named: "depth") ?? 3)
        let types = Dictionary(graph.nodes.map { ($0.id, $0.type) }, uniquingKeysWith: { first, _ in first })
        var rows: [[Value]] = graph.edges.map { edge in
            [.int(Int64(edge.depth)), .string(edge.source), types[edge.source].map(Value.string) ?? .null, .string(edge.relation),
             .string(edge.target), types[edge.target].map(Value.string) ?? .null]
        }
        if rows.isEmpty { rows = [[.int(0), .string(graph.root.id), .string(graph.root.type), .null, .null, .null]] }
        return try RecordBatch(schema: try Schema([
            ("depth", .int64, false), ("source", .string, false), ("source_type", .string, true), ("relation", .string, true),
            ("target", .string, true), ("target_type", .string, true),
        ]), rows: rows)
    }

    /// `ctx_add(agent, content, session => 'id', metadata => '{…}', content_type => 'text/plain')`:
    /// the L2 entry written (durable) and the job that chunks and embeds it.
    static func add(_ call: ExtensionCall, _ context: ContextDatabase) async throws(StrataError) -> RecordBatch {
        try call.check(positional: 2, known: ["agent", "content", "session", "metadata", "content_type"])
        let agent = try context.agent(try call.string(0, named: "agent", required: true)!)
        var metadata: String?
        if let value = call.value(nil, named: "metadata") {
            switch value {
            case let .json(text), let .string(text): metadata = text
            default: throw .invalidQuery(message: "ctx_add's metadata is a JSON object in text", offset: call.offset)
            }
        }
        let session = try call.string(nil, named: "session")
        let receipt = try await agent.add(try call.string(1, named: "content", required: true)!, contentType: try call.string(nil, named: "content_type") ?? "text/plain",
                                          sessionID: session, metadata: metadata)
        return try RecordBatch(schema: try Schema([("raw_id", .string, false), ("session_id", .string, true), ("job_id", .string, false)]),
                               rows: [[.string(receipt.rawID), session.map(Value.string) ?? .null, .string(receipt.jobID)]])
    }

    /// `ctx_prune(agent, max_score => 0.2, older_than => TIMESTAMP)`: the prune job queued.
    static func prune(_ call: ExtensionCall, _ context: ContextDatabase) async throws(StrataError) -> RecordBatch {
        try call.check(positional: 1, known: ["agent", "max_score", "older_than"])
        let agent = try context.agent(try call.string(0, named: "agent", required: true)!)
        var policy = PrunePolicy()
        if let value = call.value(nil, named: "max_score") {
            switch value {
            case let .float64(x): policy.maxScore = x
            case let .int(n): policy.maxScore = Double(n)
            default: throw .invalidQuery(message: "ctx_prune's max_score is a number", offset: call.offset)
            }
        }
        if let value = call.value(nil, named: "older_than") {
            switch value {
            case let .timestamp(t): policy.olderThan = t
            case let .string(text): policy.olderThan = try Timestamp.parse(text)
            default: throw .invalidQuery(message: "ctx_prune's older_than is a timestamp", offset: call.offset)
            }
        }
        return try jobRow(try await agent.prune(policy))
    }

    /// `ctx_archive(session, agent => 'name')`: the archive job queued.
    static func archive(_ call: ExtensionCall, _ context: ContextDatabase) async throws(StrataError) -> RecordBatch {
        try call.check(positional: 1, known: ["session", "agent"])
        let session = try call.string(0, named: "session", required: true)!
        let owner = try await owner(of: session, call, context, what: "session")
        return try jobRow(try await context.agent(owner).archive(session))
    }

    private static func jobRow(_ jobID: String) throws(StrataError) -> RecordBatch {
        try RecordBatch(schema: try Schema([("job_id", .string, false)]), rows: [[.string(jobID)]])
    }

    /// The agent named in the call, else the one agent that has `id`.
    private static func owner(of id: String, _ call: ExtensionCall, _ context: ContextDatabase, what: String) async throws(StrataError) -> String {
        if let agent = try call.string(nil, named: "agent") { return agent }
        let owners = try await context.owners(of: id)
        guard let first = owners.first else { throw .invalidQuery(message: "no agent has \(what) '\(id)'", offset: call.offset) }
        guard owners.count == 1 else {
            throw .invalidQuery(message: "\(what) '\(id)' belongs to several agents (\(owners.joined(separator: ", "))): add agent => 'name'", offset: call.offset)
        }
        return first
    }
}
