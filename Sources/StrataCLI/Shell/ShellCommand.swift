import ArgumentParser
import Foundation
import Strata
import StrataShell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `strata` or `strata shell [DB] [-c SQL] [--bail on|off]`: the SQL shell (spec/shell.md).
/// On a terminal it is interactive; with `-c` or piped input it runs the statements in
/// order, without prompt or colour, and exits with status 1 if one failed.
struct ShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "The SQL shell (the default): a database's tables, searches and context operations.",
        discussion: "Without DB it opens a demo database in your data directory, made on first use. Type .help in the shell."
    )

    @Argument(help: "The database directory (created when missing); the demo database when left out.")
    var database: String?

    @Option(name: .customShort("c"), help: "Statements (and dot-commands, one per line) to run instead of reading input.")
    var command: String?

    @Option(name: .long, help: "Stop at the first error (on, the default) or go on (off).")
    var bail: String = "on"

    mutating func run() async throws {
        guard bail == "on" || bail == "off" else { throw StrataError.invalidInput(what: "--bail \(bail)", why: "expected on or off") }
        let interactive = command == nil && isatty(0) == 1
        let path: String
        var announcement: String?
        if let database {
            path = database
        } else {
            path = DemoDatabase.defaultPath
            if interactive && !DemoDatabase.exists(at: path) { ShellOutput.error("Making the demo database (first use only)…") }
            // Making the demo takes a second or two; Ctrl-C then must not end the shell
            // before it has started (the interactive loop installs its own handler).
            if interactive { signal(SIGINT, SIG_IGN) }
            let created = try await DemoDatabase.prepare(at: path)
            if interactive { signal(SIGINT, SIG_DFL) }
            announcement = "Opened the demo database at \(path)\(created ? " (made just now)" : ""): an agent's conversations, a knowledge base and a docs table. Type .help for help."
        }
        let shell = Shell(database: try await Database.open(directory: path), path: path, bail: bail == "on")
        let onTerminal = isatty(1) == 1
        if onTerminal && interactive {
            shell.render.terminalWidth = Terminal.width()
            shell.render.colour = Terminal.hasColour()
            shell.render.maxRows = 100
        }
        if isatty(2) == 1 { shell.progress = ProgressReporter(width: { Terminal.width() ?? 80 }, write: { ShellOutput.errorText($0) }) }
        var ok = true
        if let command {
            ok = await shell.run(script: command)
        } else if interactive {
            if let announcement { ShellOutput.error(announcement) }
            await InteractiveShell(shell: shell).run()
        } else {
            ok = await shell.run(script: String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self))
        }
        await shell.close()
        // Status 1 when a statement failed; its error is already printed.
        if !ok || (!interactive && shell.errorCount > 0) { terminate(1) }
    }
}
