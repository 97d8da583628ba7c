import ArgumentParser
import Strata

/// `strata ctx DB import --kb NAME FILE…`: imports text, Markdown or HTML files into a
/// knowledge base and runs its jobs; a line per document {"doc_id", "source_uri", "job_id"}.
struct ContextImport: ContextSubcommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import documents into a knowledge base.")

    @Option(name: .long, help: "The knowledge base.")
    var kb: String

    @Argument(help: "Files: .txt, .md, .html (others are read as plain text).")
    var files: [String]

    mutating func run(database: String) async throws {
        guard !files.isEmpty else { throw StrataError.invalidInput(what: "files", why: "give at least one file") }
        let context = try await openContext(database, runsJobs: true)
        let base = try context.knowledgeBase(kb)
        var lines: [JSONLine] = []
        for file in files {
            let (ids, job) = try await base.importFile(file)
            for id in ids {
                var line = JSONLine()
                line.add("doc_id", id)
                line.add("source_uri", file)
                line.add("job_id", job)
                lines.append(line)
            }
        }
        await context.waitForJobs()
        try await context.close()
        for line in lines { try line.write() }
    }
}

/// Runs one job-returning agent operation and waits for it: {"job_id", "status"}.
private func runJob(_ context: ContextDatabase, _ job: String) async throws {
    await context.waitForJobs()
    let info = try await context.job(job)
    try await context.close()
    var line = JSONLine()
    line.add("job_id", job)
    line.add("status", info.status.rawValue)
    line.add("last_error", info.lastError)
    try line.write()
    if info.status == .failed { throw StrataError.invalidInput(what: "job \(job)", why: "failed: \(info.lastError ?? "unknown error")") }
}

/// `strata ctx DB archive --session S`: moves a session to the archive.
struct ContextArchive: ContextSubcommand {
    static let configuration = CommandConfiguration(commandName: "archive", abstract: "Move a session to the archive (still traceable).")

    @Option(name: .long, help: "The session.")
    var session: String

    mutating func run(database: String) async throws {
        let context = try await openContext(database, runsJobs: true)
        guard let owner = try await context.owners(of: session).first else { throw StrataError.notFound(path: "session \(session)") }
        try await runJob(context, try await context.agent(owner).archive(session))
    }
}

/// `strata ctx DB prune --agent A [--max-score X]`: archives the agent's pruning candidates.
struct ContextPrune: ContextSubcommand {
    static let configuration = CommandConfiguration(commandName: "prune", abstract: "Move an agent's PRUNING candidates to the archive.")

    @Option(name: .long, help: "The agent.")
    var agent: String

    @Option(name: .long, help: "Only candidates scored at or below this.")
    var maxScore: Double?

    mutating func run(database: String) async throws {
        let context = try await openContext(database, runsJobs: true)
        try await requireAgent(agent, in: context)
        try await runJob(context, try await context.agent(agent).prune(PrunePolicy(maxScore: maxScore)))
    }
}

/// `strata ctx DB compact --agent A`: the daily compaction of an agent's memory.
struct ContextCompact: ContextSubcommand {
    static let configuration = CommandConfiguration(commandName: "compact", abstract: "Score recent memory; promote, retain or mark for pruning.")

    @Option(name: .long, help: "The agent.")
    var agent: String

    mutating func run(database: String) async throws {
        let context = try await openContext(database, runsJobs: true)
        try await requireAgent(agent, in: context)
        try await runJob(context, try await context.agent(agent).compact().jobID)
    }
}
