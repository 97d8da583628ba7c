import ArgumentParser
import Strata
import StrataShell

/// `strata sql DB -c 'STATEMENT; …'` or `strata sql DB --file F.sql`: runs statements in
/// order and stops at the first error (exit status 1; 2 for corrupt data), printing the
/// offending statement with a caret under the error's position on stderr.
struct SQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run SQL statements on a database directory (created when missing).",
        discussion: "The dialect is described in spec/sql.md. Rows print as a table, JSON lines or CSV."
    )

    @Argument(help: "The database directory.")
    var database: String

    @Option(name: .customShort("c"), help: "Statements to run, separated by ';'.")
    var command: String?

    @Option(name: .long, help: "A file of statements to run.")
    var file: String?

    @Option(name: .long, help: "Output: table, json (JSON lines) or csv.")
    var format: String = "table"

    @Option(name: .long, help: "A value for $1, $2, … in order, as JSON (a number, \"text\", true, [vector]).")
    var param: [String] = []

    mutating func run() async throws {
        var settings = RenderSettings()
        switch format {
        case "table": settings.mode = .table
        case "json": settings.mode = .jsonl
        case "csv": settings.mode = .csv
        default: throw StrataError.invalidInput(what: "--format \(format)", why: "expected table, json or csv")
        }
        guard (command == nil) != (file == nil) else {
            throw StrataError.invalidInput(what: "arguments", why: "give exactly one of -c 'STATEMENTS' and --file F.sql")
        }
        var text = command ?? ""
        if let file { text = String(decoding: try readWholeFile(file), as: UTF8.self) }
        let parameters = try param.map { (p) throws(StrataError) in try Self.parameter(p) }
        let db = try await Database.open(directory: database)
        let statements: [(statement: Statement, text: String)]
        do {
            statements = try Statement.parseScript(text)
        } catch {
            throw Self.failure(error, text: text)
        }
        for (statement, _) in statements {
            let result: StatementResult
            do {
                result = try await db.execute(statement, parameters: parameters)
            } catch {
                // Positions count from the start of the whole text the statements came in.
                throw Self.failure(error, text: text)
            }
            try print(result, settings)
        }
    }

    /// A query error as a failure that shows `text` with a caret; other errors as they are.
    static func failure(_ error: StrataError, text: String) -> any Error {
        if case let .invalidQuery(message, offset) = error { return SQLFailure(message: message, text: text, offset: offset) }
        return error
    }

    private func print(_ result: StatementResult, _ settings: RenderSettings) throws(StrataError) {
        do {
            if let rows = result.rows {
                for line in ResultRenderer(settings).lines(rows) { try StandardOutput.shared.line(line) }
            } else if settings.mode == .table {
                try StandardOutput.shared.line(result.status)
            }
        } catch {
            throw .io(path: "stdout", operation: "write", code: 0, message: "\(error)")
        }
    }

    /// A parameter given as JSON: numbers, strings, booleans, null, arrays of numbers.
    static func parameter(_ text: String) throws(StrataError) -> Value {
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch {
            // Bare words are text, so `--param hello` works.
            return .string(text)
        }
        switch json {
        case .null: return .null
        case let .bool(b): return .bool(b)
        case let .number(n): return Int64(n).map(Value.int) ?? .float64(Double(n) ?? .nan)
        case let .string(s): return .string(s)
        case let .array(items):
            var vector: [Float] = []
            for item in items {
                guard case let .number(n) = item, let x = Float(n) else { throw .invalidInput(what: "--param \(text)", why: "an array parameter is a vector of numbers") }
                vector.append(x)
            }
            return .vector(vector)
        case .object: return .json(text)
        }
    }
}

/// A statement's error, shown with the statement and a caret under the position.
struct SQLFailure: Error {
    let message: String
    let text: String
    let offset: Int?

    /// The message, then the statement's line holding the position and a caret under it.
    var lines: [String] {
        ErrorReport(.invalidQuery(message: message, offset: offset), text: text).lines
    }
}
