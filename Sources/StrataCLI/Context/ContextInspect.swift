import ArgumentParser
import Strata

/// `strata ctx DB trace --session S`: the session's chunks and tool calls in time order, a
/// line each: {"kind", "id", "time", "content", "raw_id", "tool", "params", "result",
/// "status", "archived"}.
struct ContextTrace: ContextSubcommand {
    static let configuration = CommandConfiguration(commandName: "trace", abstract: "A session's chunks and tool calls in time order.")

    @Option(name: .long, help: "The session.")
    var session: String

    @Option(name: .long, help: "The agent (default: the session's).")
    var agent: String?

    mutating func run(database: String) async throws {
        let context = try await openContext(database)
        var owner = agent
        if owner == nil { owner = try await context.owners(of: session).first }
        guard let owner else { throw StrataError.notFound(path: "session \(session)") }
        for event in try await context.agent(owner).trace(session) {
            var line = JSONLine()
            line.add("kind", event.kind)
            line.add("id", event.id)
            line.add("time", time: event.time)
            if event.kind == "chunk" {
                line.add("content", event.content)
                line.add("raw_id", event.rawID)
            } else {
                line.add("tool", event.content)
                line.add("params", json: event.params)
                line.add("result", event.result)
                line.add("status", event.status)
            }
            line.add("archived", event.archived)
            try line.write()
        }
    }
}

/// `strata ctx DB explain --entity E`: the relation graph around an entity — a line per
/// node {"kind": "node", "id", "type", "depth"}, then per edge {"kind": "edge", "source",
/// "target", "relation", "depth"}.
struct ContextExplain: ContextSubcommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "The relation graph around an entity.")

    @Option(name: .long, help: "The entity: a session, L2 entry, chunk, tool call or related id.")
    var entity: String

    @Option(name: .long, help: "Its type, as it should be labelled.")
    var type: String?

    @Option(name: .long, help: "The agent (default: the entity's, when only one agent has it).")
    var agent: String?

    @Option(name: .long, help: "Steps to follow (1…16).")
    var depth: Int = 3

    mutating func run(database: String) async throws {
        let context = try await openContext(database)
        var owner = agent
        if owner == nil {
            let owners = try await context.owners(of: entity)
            guard !owners.isEmpty else { throw StrataError.notFound(path: "entity \(entity)") }
            guard owners.count == 1 else {
                throw StrataError.invalidInput(what: "entity \(entity)", why: "belongs to several agents (\(owners.joined(separator: ", "))): give --agent")
            }
            owner = owners[0]
        }
        let graph = try await context.agent(owner!).explain(entity, entityType: type, maxDepth: depth)
        for node in graph.nodes {
            var line = JSONLine()
            line.add("kind", "node")
            line.add("id", node.id)
            line.add("type", node.type)
            line.add("depth", node.depth)
            try line.write()
        }
        for edge in graph.edges {
            var line = JSONLine()
            line.add("kind", "edge")
            line.add("source", edge.source)
            line.add("target", edge.target)
            line.add("relation", edge.relation)
            line.add("depth", edge.depth)
            try line.write()
        }
    }
}

/// `strata ctx DB jobs [--wait]`: the jobs, newest first, a line each: {"job_id", "type",
/// "status", "attempts", "agent_id", "created_at", "finished_at", "last_error"}. With
/// --wait, runs the pending jobs first and returns when none is left.
struct ContextJobs: ContextSubcommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "The job queue (ctx_meta.meta_jobs).")

    @Flag(name: .long, help: "Run pending jobs until none is left, then list.")
    var wait = false

    @Option(name: .long, help: "Only this agent's jobs.")
    var agent: String?

    @Option(name: .long, help: "Only jobs with this status: pending, running, done or failed.")
    var status: String?

    mutating func run(database: String) async throws {
        let context = try await openContext(database, runsJobs: wait)
        if let agent { try await requireAgent(agent, in: context) }
        // The jobs this call waits for: one that ends failed makes the exit status 1.
        var waitedFor = Set<String>()
        if wait {
            waitedFor = Set(try await context.jobs(limit: Int.max / 2).filter { $0.status == .pending || $0.status == .running }.map(\.jobID))
            await context.waitForJobs()
        }
        let wanted = try status.map { (text) throws(StrataError) -> JobStatus in
            guard let parsed = JobStatus(rawValue: text) else { throw .invalidInput(what: "--status \(text)", why: "expected pending, running, done or failed") }
            return parsed
        }
        let jobs = try await context.jobs(agentID: agent, limit: Int.max / 2)
        try await context.close()
        for job in jobs where wanted == nil || job.status == wanted {
            var line = JSONLine()
            line.add("job_id", job.jobID)
            line.add("type", job.type)
            line.add("status", job.status.rawValue)
            line.add("attempts", job.attempts)
            line.add("agent_id", job.agentID)
            line.add("created_at", time: job.createdAt)
            line.add("finished_at", time: job.finishedAt)
            line.add("last_error", job.lastError)
            try line.write()
        }
        let failed = jobs.filter { waitedFor.contains($0.jobID) && $0.status == .failed }
        if let first = failed.first {
            throw StrataError.invalidInput(what: "jobs --wait", why: "\(failed.count) job\(failed.count == 1 ? "" : "s") failed (first \(first.jobID): \(first.lastError ?? "unknown error"))")
        }
    }
}
