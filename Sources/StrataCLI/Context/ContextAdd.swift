import ArgumentParser
import Strata

/// `strata ctx DB add`: adds content to an agent's memory and (unless --no-wait) runs the
/// jobs that chunk, embed and summarise it before returning. Prints one line per entry:
/// {"raw_id", "job_id", "agent_id", "session_id", "status"}.
struct ContextAdd: ContextSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add content to an agent's memory.",
        discussion: """
            --jsonl reads one entry per line: {"agent_id", "session_id", "content", "created_at", "metadata", "embedding", "model"} \
            (only "content" is required, and "agent_id" when --agent is not given; "created_at" is ISO-8601 text or a number of \
            seconds, milliseconds or microseconds since 1970; "model" names the model that made "embedding").
            """
    )

    @Option(name: .long, help: "The agent (for --jsonl: the default of lines without agent_id).")
    var agent: String?

    @Option(name: .long, help: "The session the content belongs to (for --jsonl: the default of lines without session_id).")
    var session: String?

    @Option(name: .long, help: "The content.")
    var text: String?

    @Option(name: .long, help: "A file whose content is added (its type from the extension).")
    var file: String?

    @Option(name: .long, help: "A JSON Lines file of entries (bulk form).")
    var jsonl: String?

    @Option(name: .long, help: "A JSON object attached to the content's chunks (for --jsonl: the default of lines without metadata).")
    var metadata: String?

    @Option(name: .long, help: "A precomputed embedding of the content, as a JSON array.")
    var embedding: String?

    @Option(name: .long, help: "The model that made --embedding.")
    var model: String?

    @Option(name: .long, help: "Embedding dimension of a new database (default: the first embedding's, else 384).")
    var dimension: Int?

    @Flag(name: .long, help: "Return without running the ingest jobs.")
    var noWait = false

    mutating func run(database: String) async throws {
        guard [text, file, jsonl].compactMap({ $0 }).count == 1 else {
            throw StrataError.invalidInput(what: "options", why: "give exactly one of --text, --file and --jsonl")
        }
        var batches: [(agent: String, entries: [MemoryEntry], lines: [Int])] = []
        if let jsonl {
            guard embedding == nil, model == nil else {
                throw StrataError.invalidInput(what: "options", why: "--embedding and --model come from the lines with --jsonl")
            }
            batches = try Self.readEntries(jsonl, defaultAgent: agent, defaultSession: session, defaultMetadata: metadata)
        } else {
            guard let agent else { throw StrataError.invalidInput(what: "options", why: "--agent is required") }
            var entry: MemoryEntry
            if let text {
                entry = MemoryEntry(.text(text), sessionID: session, metadata: metadata)
            } else {
                let bytes = try readWholeFile(file!)
                entry = MemoryEntry(.text(String(decoding: bytes, as: UTF8.self)), contentType: DocumentText.contentType(forPath: file!),
                                    sessionID: session, metadata: metadata, sourceID: file)
            }
            if let embedding { entry.embedding = try parseVector(try JSONParser.parse(embedding), what: "--embedding") }
            entry.model = model
            batches = [(agent, [entry], [0])]
        }
        let firstEmbedding = batches.lazy.flatMap(\.entries).first { $0.embedding != nil }?.embedding?.count
        let context = try await openContext(database, dimension: dimension ?? firstEmbedding, runsJobs: !noWait)
        var receipts: [(agent: String, session: String?, receipt: AddReceipt)] = []
        for (_, entries, lines) in batches where jsonl != nil {
            // Checked here, before anything is written, so the error names the input line.
            for (entry, line) in zip(entries, lines) {
                if let vector = entry.embedding, vector.count != context.embeddingDimension {
                    throw StrataError.invalidInput(what: "\(jsonl!) line \(line) \"embedding\"",
                                                   why: "has \(vector.count) elements; this database's embeddings have \(context.embeddingDimension)")
                }
                if case let .text(text) = entry.content, text.trimmingWhitespace().isEmpty {
                    throw StrataError.invalidInput(what: "\(jsonl!) line \(line) \"content\"", why: "is empty")
                }
            }
        }
        if let jsonl { try await Self.checkSessions(batches, in: context, file: jsonl) }
        for (agent, entries, _) in batches {
            let memory = try context.agent(agent)
            for start in stride(from: 0, to: entries.count, by: 4_096) {
                let part = Array(entries[start..<min(entries.count, start + 4_096)])
                let added = try await memory.add(part)
                receipts += zip(part, added).map { (agent, $0.sessionID, $1) }
            }
        }
        var status: [String: JobStatus] = [:]
        if !noWait {
            await context.waitForJobs()
            for job in try await context.jobs() { status[job.jobID] = job.status }
        }
        try await context.close()
        for (agent, session, receipt) in receipts {
            var line = JSONLine()
            line.add("raw_id", receipt.rawID)
            line.add("job_id", receipt.jobID)
            line.add("agent_id", agent)
            line.add("session_id", session)
            line.add("status", (status[receipt.jobID] ?? .pending).rawValue)
            try line.write()
        }
        if let failed = receipts.first(where: { status[$0.receipt.jobID] == .failed }) {
            let job = try? await context.job(failed.receipt.jobID)
            throw StrataError.invalidInput(what: "job \(failed.receipt.jobID)", why: "failed: \(job?.lastError ?? "unknown error")")
        }
    }

    /// Checks, before anything is written, that every session the lines name is their agent's:
    /// not another agent's already, nor claimed by another agent on an earlier line.
    /// - Throws: `.invalidInput` naming the line.
    static func checkSessions(_ batches: [(agent: String, entries: [MemoryEntry], lines: [Int])], in context: ContextDatabase, file: String) async throws {
        var claims: [String: (agent: String, line: Int)] = [:]
        for (agent, entries, lines) in batches {
            for (entry, line) in zip(entries, lines) {
                guard let session = entry.sessionID else { continue }
                if let claim = claims[session] {
                    guard claim.agent == agent else {
                        throw StrataError.invalidInput(what: "\(file) line \(line) \"session_id\"",
                                                       why: "session '\(session)' is agent '\(claim.agent)''s (line \(claim.line)), not agent '\(agent)''s")
                    }
                    continue
                }
                if let owner = try await context.sessionOwner(session), owner != agent {
                    throw StrataError.invalidInput(what: "\(file) line \(line) \"session_id\"", why: "session '\(session)' is agent '\(owner)''s, not agent '\(agent)''s")
                }
                claims[session] = (agent, line)
            }
        }
    }

    /// The entries of a JSON Lines file, grouped by agent in input order.
    static func readEntries(_ path: String, defaultAgent: String?, defaultSession: String?, defaultMetadata: String?) throws -> [(agent: String, entries: [MemoryEntry], lines: [Int])] {
        var lines = try JSONObjectLines(path: path)
        var groups: [(agent: String, entries: [MemoryEntry], lines: [Int])] = []
        var index: [String: Int] = [:]
        while let object = try lines.next() {
            let fields = object.fields, what = object.what, number = object.line
            func string(_ key: String) throws -> String? { try object.string(key) }
            guard let agent = try string("agent_id") ?? defaultAgent else {
                throw StrataError.invalidInput(what: what, why: "needs \"agent_id\" (or --agent)")
            }
            guard !agent.isEmpty else { throw StrataError.invalidInput(what: what + " \"agent_id\"", why: "must not be empty") }
            if let session = try string("session_id"), session.isEmpty {
                throw StrataError.invalidInput(what: what + " \"session_id\"", why: "must not be empty")
            }
            guard let content = try string("content") else { throw StrataError.invalidInput(what: what, why: "needs \"content\", a string") }
            var entry = MemoryEntry(.text(content), sessionID: try string("session_id") ?? defaultSession, metadata: defaultMetadata)
            switch fields["metadata"] {
            case nil, .null?: break
            case let value? where { if case .object = value { return true } else { return false } }(): entry.metadata = value.text
            default: throw StrataError.invalidInput(what: what, why: "\"metadata\" must be a JSON object")
            }
            if let value = fields["embedding"], value != .null {
                entry.embedding = try parseVector(value, what: what + " \"embedding\"")
                entry.model = try string("model")  // names the embedding's model; without one it has nothing to name
            }
            if let value = fields["created_at"], value != .null { entry.createdAt = try parseTime(value, what: what + " \"created_at\"") }
            if let position = index[agent] {
                groups[position].entries.append(entry)
                groups[position].lines.append(number)
            } else {
                index[agent] = groups.count
                groups.append((agent, [entry], [number]))
            }
        }
        return groups
    }
}
