import ArgumentParser
import Strata

/// `strata file verify FILE`.
struct FileVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum of a data file and name each damaged page (exit status 2 if any)."
    )

    @Argument(help: "The data file.")
    var file: String

    func run() async throws {
        let reader = try await openReader(file)
        let report = try await reader.verify()
        let (_, name) = try openLocal(file)
        for problem in report.problems {
            try StandardOutput.shared.line("damaged: \(problem.renamingPath(name, to: file))")
        }
        if let first = report.problems.first {
            StrataCommand.fail("\(file): \(report.problems.count) of \(report.pagesChecked) pages damaged (first: \(first.renamingPath(name, to: file)))", status: 2)
        }
        try StandardOutput.shared.line(
            "ok: \(file): metadata, \(report.pagesChecked) pages and \(report.blocksChecked) blocks verified (\(report.bytesChecked) bytes)")
    }
}
