import ArgumentParser
import Strata

/// `strata table tag DIR NAME [--version N] [--delete]`.
struct TableTag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Name a version (default: the latest), so cleanup keeps it and 'cat --tag' reads it; --delete removes the name."
    )

    @Option(name: .long, help: "The version to tag.")
    var version: UInt64?

    @Flag(name: .long, help: "Delete the tag instead.")
    var delete = false

    @Argument(help: "The table's directory.")
    var directory: String

    @Argument(help: "The tag's name.")
    var name: String

    func run() async throws {
        let table = try await openTable(directory)
        if delete {
            guard version == nil else { throw StrataError.invalidInput(what: "options", why: "--delete takes no --version") }
            try await table.deleteTag(name)
            try StandardOutput.shared.line("deleted tag \(name)")
        } else {
            let tag = try await table.createTag(name, version: version)
            try StandardOutput.shared.line("tagged version \(tag.version) as \(name)")
        }
    }
}

/// `strata table restore DIR --version N`.
struct TableRestore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make a new version equal to an old one (later versions stay in the history)."
    )

    @Option(name: .long, help: "The version to restore.")
    var version: UInt64

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        let manifest = try await openTable(directory).restore(version: version)
        try StandardOutput.shared.line("restored version \(version) as version \(manifest.version)")
    }
}

/// `strata table compact DIR`.
struct TableCompact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Merge small fragments and drop deleted rows, in one commit."
    )

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        let result = try await openTable(directory).compact()
        try StandardOutput.shared.line(
            "compacted \(result.fragmentsRemoved.count) fragments into \(result.fragmentsAdded.count), dropped \(result.deletedRowsDropped) deleted rows; version \(result.version)")
    }
}

/// `strata table cleanup DIR --older-than DURATION [--dry-run]`.
struct TableCleanup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Remove versions older than DURATION (keeping the latest and tagged ones) and the files no retained version needs.",
        discussion: "DURATION is a number with a unit: 30s, 15m, 12h, 7d, 2w (0 keeps only the latest and tagged versions)."
    )

    @Option(name: .customLong("older-than"), help: "Age beyond which versions are removed, e.g. 7d.")
    var olderThan: String

    @Flag(name: .customLong("dry-run"), help: "List what would be removed; remove nothing.")
    var dryRun = false

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        let seconds = try parseDuration(olderThan)
        let report = try await openTable(directory).cleanup(olderThan: seconds, dryRun: dryRun)
        let verb = dryRun ? "would remove" : "removed"
        for version in report.versions { try StandardOutput.shared.line("\(verb) version \(version)") }
        for file in report.files { try StandardOutput.shared.line("\(verb) \(file)") }
        try StandardOutput.shared.line("\(verb) \(report.versions.count) versions and \(report.files.count) files (\(report.bytes) bytes)")
    }
}
