import ArgumentParser
import Foundation
import Strata
import StrataShell
import StrataModels

/// `strata ctx DB SUBCOMMAND …`: the context layer from the command line (spec/context.md
/// §13). The database directory comes before the subcommand, so the rest of the line is
/// parsed by the subcommand's own parser. Output is JSON lines; exit status 0, 1 (usage or
/// input error) or 2 (corrupt data), as for `strata file`.
struct ContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctx",
        abstract: "Agent memory and knowledge bases: add, search, trace, explain, jobs, import, archive, prune, compact.",
        discussion: """
            strata ctx DB add --agent A [--session S] (--text T | --file F | --jsonl IN.jsonl) [--metadata JSON]
            strata ctx DB search --agent A (--text Q [--vector '[…]'] | --queries Q.jsonl) [-k 10] [--mode chain|hybrid|vector|fts] [--where …]
            strata ctx DB trace --session S
            strata ctx DB explain --entity E [--depth 3]
            strata ctx DB jobs [--wait]
            strata ctx DB import --kb NAME FILE…
            strata ctx DB archive --session S | prune --agent A | compact --agent A
            Run 'strata ctx DB SUBCOMMAND --help' for a subcommand's options.
            """
    )

    @Argument(help: "The database directory (created when missing).")
    var database: String

    @Argument(parsing: .captureForPassthrough, help: "The subcommand and its options.")
    var rest: [String] = []

    static let subcommands: [String: any ContextSubcommand.Type] = [
        "add": ContextAdd.self, "search": ContextSearch.self, "trace": ContextTrace.self, "explain": ContextExplain.self,
        "jobs": ContextJobs.self, "import": ContextImport.self, "archive": ContextArchive.self, "prune": ContextPrune.self,
        "compact": ContextCompact.self,
    ]

    mutating func run() async throws {
        guard let name = rest.first else {
            throw ValidationError("missing subcommand: one of \(Self.subcommands.keys.sorted().joined(separator: ", "))")
        }
        guard let type = Self.subcommands[name] else {
            throw ValidationError("unknown subcommand '\(name)': one of \(Self.subcommands.keys.sorted().joined(separator: ", "))")
        }
        let arguments = Array(rest.dropFirst())
        if arguments.contains("--help") || arguments.contains("-h") {
            try StandardOutput.shared.line(type.helpMessage())
            return
        }
        var command = try type.parse(arguments)
        try await command.run(database: database)
    }
}

/// A `strata ctx` subcommand: parsed from the arguments after its name, run on the database.
protocol ContextSubcommand: ParsableArguments {
    mutating func run(database: String) async throws
}

extension ContextSubcommand {
    /// Opens the context database with the dimension its embeddings already have (384, or
    /// `dimension`, for a new one). With `runsJobs`, its worker starts.
    func openContext(_ directory: String, dimension: Int? = nil, runsJobs: Bool = false) async throws -> ContextDatabase {
        try await ContextOpening.open(database: try await Database.open(directory: directory), dimension: dimension, runsJobs: runsJobs)
    }

    /// Checks that `agent` has memory in the database (live or archived): naming an unknown
    /// agent is an error (exit status 1), not a command that quietly does nothing.
    func requireAgent(_ agent: String, in context: ContextDatabase) async throws {
        guard try await context.hasAgent(agent) else { throw StrataError.notFound(path: "agent \(agent)") }
    }
}
