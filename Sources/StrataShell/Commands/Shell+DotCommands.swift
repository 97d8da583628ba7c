import Foundation
import Strata
import StrataQuery

extension Shell {
    /// Runs a dot-command; false when it failed (its error is reported).
    func run(_ command: DotCommand) async -> Bool {
        do throws(StrataError) {
            try await dispatch(command)
            try output.flush()
            defer { failedAfterReport = false }
            return !failedAfterReport
        } catch .cancelled {
            errorSink("Cancelled.")
            return false
        } catch {
            report(ErrorReport(error, text: nil))
            return false
        }
    }

    private func dispatch(_ command: DotCommand) async throws(StrataError) {
        let arguments = command.arguments
        guard !command.hasUnclosedQuote else { throw .invalidQuery(message: ".\(command.name): a quoted argument is not closed", offset: nil) }
        func argument(_ usage: String, count: ClosedRange<Int>) throws(StrataError) {
            guard count.contains(arguments.count) else { throw .invalidQuery(message: "usage: \(usage)", offset: nil) }
        }
        switch command.name {
        case "help":
            let width = DotCommand.help.map(\.usage.count).max() ?? 0
            for (usage, summary) in DotCommand.help { try output.line(usage + String(repeating: " ", count: width - usage.count + 2) + summary) }
            try output.line("")
            try output.line("SQL statements end with ';' and may span lines. Examples:")
            for example in Self.examples { try output.line("  " + example) }
        case "quit", "exit":
            hasQuit = true
        case "open":
            try argument(".open DB", count: 1...1)
            try await open(arguments[0])
            if render.mode.isForPeople { try output.line("Opened \(arguments[0])") }
        case "tables":
            try argument(".tables [PATTERN]", count: 0...1)
            let names = tableNames().filter { arguments.isEmpty || Self.like($0, arguments[0]) }
            for line in Self.columns(names, width: render.terminalWidth ?? 80) { try output.line(line) }
        case "schema":
            try argument(".schema [TABLE]", count: 0...1)
            // Without a table, what .read can make again: not the information schema's tables.
            let names = try tablesNamed(arguments.first).filter { !arguments.isEmpty || !Database.informationSchemaTables.contains($0) }
            for name in names { for line in try await schema(of: name) { try output.line(line) } }
        case "indexes", "indices":
            try argument(".indexes [TABLE]", count: 0...1)
            for name in try tablesNamed(arguments.first) {
                let result = try await database.execute("SHOW INDEXES ON \(Self.quotedName(name))")
                if arguments.isEmpty, result.rows?.rowCount == 0 { continue }
                if arguments.isEmpty { try output.line(name + ":") }
                try show(result)
            }
        case "versions":
            try argument(".versions TABLE", count: 1...1)
            try show(try await database.execute("SHOW VERSIONS OF \(Self.quotedName(arguments[0]))"))
        case "read":
            try argument(".read FILE", count: 1...1)
            try await read(arguments[0])
        case "output":
            try argument(".output [FILE|stdout]", count: 0...1)
            try output.redirect(to: arguments.first.flatMap { $0 == "stdout" ? nil : $0 })
        case "import":
            try argument(".import FILE TABLE", count: 2...2)
            try await importFile(arguments[0], into: arguments[1])
        case "export":
            try argument(".export TABLE FILE", count: 2...2)
            try await export(arguments[0], to: arguments[1])
        case "jobs":
            try argument(".jobs [wait]", count: 0...1)
            if let first = arguments.first {
                guard first.lowercased() == "wait" else { throw .invalidQuery(message: "usage: .jobs [wait]", offset: nil) }
                try await waitForJobs()
            } else {
                try await showJobs()
            }
        case "explain": explain = try Self.onOff(command, arguments)
        case "timer": timer = try Self.onOff(command, arguments)
        case "headers": render.headers = try Self.onOff(command, arguments)
        case "bail": bail = try Self.onOff(command, arguments)
        case "mode":
            try argument(".mode MODE", count: 0...1)
            guard let name = arguments.first else { return try output.line("current mode: \(render.mode.rawValue)") }
            guard let mode = OutputMode(rawValue: name.lowercased()) else {
                throw .invalidQuery(message: "unknown mode '\(name)'; the modes are \(OutputMode.allCases.map(\.rawValue).joined(separator: ", "))", offset: nil)
            }
            render.mode = mode
        case "maxrows":
            render.maxRows = try Self.count(command, arguments).flatMap { $0 == 0 ? nil : $0 }
        case "maxwidth":
            guard let width = try Self.count(command, arguments, atLeast: 4) else { throw .invalidQuery(message: "usage: .maxwidth N (a number, 4 or more)", offset: nil) }
            render.maxWidth = width
        case "nullvalue":
            try argument(".nullvalue TEXT", count: 1...1)
            render.nullText = arguments[0]
        default:
            let hint = Suggestions.closest(to: "." + command.name, among: DotCommand.names).map { "; did you mean '\($0)'?" } ?? ""
            throw .invalidQuery(message: "unknown dot-command '.\(command.name)'\(hint) (.help lists them)", offset: nil)
        }
    }

    /// A few statements to start from, for `.help`.
    static let examples = [
        "SHOW TABLES;",
        "SELECT * FROM ctx_search('agent-1', 'what did we decide about pricing?', k => 5);",
        "SELECT title FROM docs ORDER BY rrf(embedding <=> embed('money back'), MATCH(body, 'refund')) LIMIT 3;",
        "EXPLAIN ANALYZE SELECT title FROM docs WHERE MATCH(body, 'refund policy') LIMIT 3;",
        ".import rows.jsonl my_table",
    ]

    // MARK: Helpers

    /// Every table as SQL names it: unqualified in the default namespace, else `ns.table`.
    func tableNames() -> [String] {
        database.namespaces().flatMap { ns in database.tables(in: ns).map { ns == database.defaultNamespace ? $0 : ns + "." + $0 } }
    }

    /// `name` alone (checked to exist), or every table for nil.
    private func tablesNamed(_ name: String?) throws(StrataError) -> [String] {
        guard let name else { return tableNames() }
        let all = tableNames()
        guard all.contains(name) || all.contains(where: { $0.lowercased() == name.lowercased() }) else {
            throw .invalidQuery(message: "unknown table '\(name)'\(Suggestions.hint(for: name, among: all))", offset: nil)
        }
        return [all.first { $0 == name } ?? all.first { $0.lowercased() == name.lowercased() }!]
    }

    /// The statements that would make table `name` and its indexes.
    private func schema(of name: String) async throws(StrataError) -> [String] {
        let manifest = try await database.table(named: Self.quotedName(name)).latestManifest()
        let columns = manifest.schema.fields.map { "\(Self.quotedColumn($0.name)) \($0.type)\($0.nullable ? "" : " NOT NULL")" }
        var lines = ["CREATE TABLE \(Self.quotedName(name)) (" + columns.joined(separator: ", ") + ");"]
        for index in manifest.indexes {
            guard let column = manifest.schema.fields.first(where: { index.fieldIds.contains($0.id) })?.name else { continue }
            var options = index.parameters.sorted { $0.key < $1.key }.map { "\($0.key) = '\($0.value)'" }
            if !index.metric.isEmpty { options.insert("metric = '\(index.metric)'", at: 0) }
            lines.append("CREATE INDEX \(Self.quotedName(index.name)) ON \(Self.quotedName(name)) (\(Self.quotedColumn(column))) USING \(index.kind.uppercased())"
                         + (options.isEmpty ? "" : " WITH (" + options.joined(separator: ", ") + ")") + ";")
        }
        return lines
    }

    /// Runs the file's statements and dot-commands as a script.
    private func read(_ file: String) async throws(StrataError) {
        guard !reading.contains(file) else { throw .invalidQuery(message: ".read \(file): the file reads itself", offset: nil) }
        let data = try Self.contents(of: file)
        reading.append(file)
        defer { reading.removeLast() }
        let ok = await run(script: String(decoding: data, as: UTF8.self))
        // Its errors (or "Cancelled.") are reported already; with .bail on the file stopped at
        // the first, and the .read fails with it.
        if !ok && bail && !hasQuit { failedAfterReport = true }
    }

    private func showJobs() async throws(StrataError) {
        let jobs = try await contextDatabase().jobs()
        let rows: [[Value]] = jobs.map { job in
            [.string(job.jobID), .string(job.type), .string(job.status.rawValue), .int(Int64(job.attempts)),
             .timestamp(job.scheduledAt), job.lastError.map(Value.string) ?? .null]
        }
        try show(StatementResult(rows: try RecordBatch(schema: try Schema([("job_id", .string, false), ("job_type", .string, false), ("status", .string, false),
                                                                          ("attempts", .int64, false), ("scheduled_at", .timestamp, false), ("last_error", .string, true)]),
                                                       rows: rows), status: "JOBS"))
    }

    /// Waits until no job is pending or running, with a progress bar of the jobs done.
    private func waitForJobs() async throws(StrataError) {
        let context = try await contextDatabase()
        func unfinished() async throws(StrataError) -> Int {
            try await context.jobs().filter { $0.status == .pending || $0.status == .running }.count
        }
        let total = try await unfinished()
        if total > 0 {
            progress?.start("Waiting for \(total) job\(total == 1 ? "" : "s")", total: Int64(total), unit: "jobs")
            defer { progress?.finish() }
            var left = total
            while left > 0 {
                try StrataError.checkCancellation()
                try? await Task.sleep(for: .milliseconds(50))
                left = try await unfinished()
                progress?.update(done: Int64(max(0, total - left)))
            }
        }
        await context.waitForJobs()
        let failed = try await context.jobs().filter { $0.status == .failed }.count
        if render.mode.isForPeople { try output.line(failed == 0 ? "All jobs done." : "\(failed) job\(failed == 1 ? "" : "s") failed (.jobs lists them).") }
    }

    /// A table name (`table` or `namespace.table`) as SQL reads it back: each part quoted
    /// when it is not a plain lower-case word or is a reserved word (`"order"`, `"Order"`).
    static func quotedName(_ name: String) -> String {
        name.split(separator: ".", maxSplits: 1).map { ExpressionPrinter.quoted(String($0)) }.joined(separator: ".")
    }

    /// A column name as SQL reads it back (a column name may contain a dot).
    static func quotedColumn(_ name: String) -> String { ExpressionPrinter.quoted(name) }

    static func onOff(_ command: DotCommand, _ arguments: [String]) throws(StrataError) -> Bool {
        switch arguments.first?.lowercased() {
        case "on", "true", "yes", "1": return true
        case "off", "false", "no", "0": return false
        default: throw .invalidQuery(message: "usage: .\(command.name) on|off", offset: nil)
        }
    }

    static func count(_ command: DotCommand, _ arguments: [String], atLeast minimum: Int = 0) throws(StrataError) -> Int? {
        guard arguments.count == 1, let n = Int(arguments[0]), n >= minimum else {
            throw .invalidQuery(message: "usage: .\(command.name) N (a number, \(minimum) or more)", offset: nil)
        }
        return n
    }

    /// Whether `name` matches the LIKE pattern (`%` any run, `_` one character; case ignored).
    static func like(_ name: String, _ pattern: String) -> Bool {
        let n = Array(name.lowercased()), p = Array(pattern.lowercased())
        func match(_ i: Int, _ j: Int) -> Bool {
            if j == p.count { return i == n.count }
            if p[j] == "%" { return (i...n.count).contains { match($0, j + 1) } }
            return i < n.count && (p[j] == "_" || p[j] == n[i]) && match(i + 1, j + 1)
        }
        return match(0, 0)
    }

    /// Names set in columns across `width`, sqlite's `.tables` layout.
    static func columns(_ names: [String], width: Int) -> [String] {
        guard let widest = names.map(DisplayWidth.of).max() else { return [] }
        let perLine = max(1, (width + 2) / (widest + 2))
        let lines = (names.count + perLine - 1) / perLine
        return (0..<lines).map { line in
            stride(from: line, to: names.count, by: lines).map { DisplayWidth.padded(names[$0], to: widest) }
                .joined(separator: "  ").trimmingWhitespace()
        }
    }
}
