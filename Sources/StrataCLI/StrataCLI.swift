import ArgumentParser
import Strata

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `strata` command. Exit status: 0 success, 1 usage or input error, 2 corrupt or
/// unsupported data; each failure prints one line on stderr.
@main
struct StrataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "Strata: an embeddable, columnar context database for AI agents.",
        subcommands: [ShellCommand.self, FileCommand.self, TableCommand.self, SQLCommand.self, ContextCommand.self, DemoCommand.self],
        defaultSubcommand: ShellCommand.self
    )

    static func main() async {
        signal(SIGPIPE, SIG_IGN)  // a closed pipe becomes a write error, not a signal
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            try StandardOutput.shared.flush()
        } catch let error as StrataError {
            fail(error.description, status: error.isDataError ? 2 : 1)
        } catch let failure as SQLFailure {
            try? StandardOutput.shared.flush()
            let lines = failure.lines
            printError("strata: \(lines[0])")
            for line in lines.dropFirst() { printError(line) }
            terminate(1)
        } catch is OutputClosed {
            terminate(1)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            fail("\(message) (see 'strata --help')", status: 1)
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        try? StandardOutput.shared.flush()
        printError("strata: \(message)")
        terminate(status)
    }
}
