import ArgumentParser
import Strata

/// `strata table cat DIR [--version N | --tag T] [--columns a,b] [--where '…']`.
struct TableCat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print a version's rows as JSON Lines (default: the latest), in table order.",
        discussion: """
            With --where, only the rows matching 'col op literal [AND …]' (op: = != < <= > >=, \
            or col IS [NOT] NULL): a B-tree or bitmap index on a compared column answers for \
            the fragments it covers, other fragments are scanned skipping the pages whose \
            statistics rule the predicate out.
            """
    )

    @Option(name: .long, help: "The version to read.")
    var version: UInt64?

    @Option(name: .long, help: "The tag to read.")
    var tag: String?

    @Option(name: .long, help: "Columns to print, comma-separated, in this order (default: all).")
    var columns: String?

    @Option(name: .long, help: "Only rows matching 'col op literal [AND …]'.")
    var `where`: String?

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        guard version == nil || tag == nil else {
            throw StrataError.invalidInput(what: "options", why: "give --version or --tag, not both")
        }
        let table = try await openTable(directory)
        let snapshot: TableSnapshot
        if let version {
            snapshot = try await table.snapshot(version: version)
        } else if let tag {
            snapshot = try await table.snapshot(tag: tag)
        } else {
            snapshot = try await table.snapshot()
        }
        if let `where` {
            try printRows(try await snapshot.filter(try Predicate(parsing: `where`, schema: snapshot.schema), columns: commaList(columns)))
            return
        }
        let scanner = try snapshot.scanner(columns: commaList(columns), batchRows: 8192)
        while let next = try await scanner.next() { try printRows(next.batch) }
    }
}

/// `strata table versions DIR`.
struct TableVersions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "List the retained versions as JSON Lines: version, timestamp, rows, fragments, operation."
    )

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        for manifest in try await openTable(directory).versions() {
            let time = Timestamp.format(manifest.timestampMicros) ?? String(manifest.timestampMicros)
            try StandardOutput.shared.line(
                #"{"version":\#(manifest.version),"timestamp":\#(JSONText.quoted(time)),"rows":\#(manifest.rowCount),"fragments":\#(manifest.fragments.count),"operation":\#(JSONText.quoted(manifest.transaction.operation.rawValue))}"#)
        }
    }
}

/// `strata table verify DIR [--version N]`.
struct TableVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every file of a version and every checksum (exit status 2 on damage)."
    )

    @Option(name: .long, help: "The version to check (default: the latest).")
    var version: UInt64?

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        let report = try await openTable(directory).verify(version: version)
        for problem in report.problems { try StandardOutput.shared.line("damaged: \(problem)") }
        if let first = report.problems.first {
            StrataCommand.fail("\(directory): version \(report.version): \(report.problems.count) problem(s) (first: \(first))", status: 2)
        }
        try StandardOutput.shared.line(
            "ok: \(directory): version \(report.version): \(report.filesChecked) files, \(report.pagesChecked) pages verified (\(report.bytesChecked) bytes)")
    }
}
