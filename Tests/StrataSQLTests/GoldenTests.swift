import Foundation
import Strata
import Testing

/// Golden tests: each `Golden/*.test` file is a script of cases run in order against a
/// fresh database. A case is an optional `-- params: [JSON, …]` line, a statement (up to a
/// line that is exactly `----`), then the expected output up to a blank line. A
/// `-- disable: rule, …` line switches optimizer rules off for its case.
///
/// - rows: a header `a | b`, then one line per row (NULL for null, vectors in JSON);
/// - a plan (EXPLAIN): its lines, with times masked under EXPLAIN ANALYZE;
/// - any other statement: `ok: STATUS`;
/// - an error: `error: MESSAGE` (its position included).
///
/// With STRATA_GOLDEN_UPDATE=1 the files are rewritten with the actual output (review the
/// diff before committing it).
@Suite struct GoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".test") }.sorted()
    }

    /// The statement time of every golden case.
    static let now = try! Timestamp.parse("2025-06-01T12:00:00Z")

    @Test(arguments: files)
    func golden(_ file: String) async throws {
        let path = Self.directory.appendingPathComponent(file).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let cases = GoldenCase.parse(text)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("strata-golden-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // Files the cases load (read_jsonl, read_csv) sit beside the test files.
        let db = try await Database.open(directory: scratch)
        var rewritten: [String] = []
        var failures = 0
        for golden in cases {
            let statement = golden.statement.replacingOccurrences(of: "$GOLDEN_DIR", with: Self.directory.path)
            let actual = await Self.run(statement, parameters: golden.parameters, disabled: golden.disabled, db: db)
                .map { $0.replacingOccurrences(of: Self.directory.path, with: "$GOLDEN_DIR") }
            if actual != golden.expected {
                failures += 1
                Issue.record("\(file): \(golden.statement)\n--- expected\n\(golden.expected.joined(separator: "\n"))\n--- actual\n\(actual.joined(separator: "\n"))")
            }
            rewritten.append(golden.render(actual))
        }
        if failures > 0, ProcessInfo.processInfo.environment["STRATA_GOLDEN_UPDATE"] == "1" {
            try (GoldenCase.header(text) + rewritten.joined(separator: "\n\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        }
        #expect(cases.count > 0, "\(file) has no cases")
    }

    /// The output of one statement in the golden form.
    static func run(_ statement: String, parameters: [Value], disabled: Set<OptimizerRule>, db: Database) async -> [String] {
        do {
            let result = try await db.execute(statement, parameters: parameters, options: QueryOptions(disabledRules: disabled, now: now))
            guard let rows = result.rows else { return ["ok: \(result.status)"] }
            if rows.schema.fields.map(\.name) == ["plan"] {
                return (0..<rows.rowCount).map { row in
                    guard case let .string(line) = rows.columns[0].value(at: row) else { return "" }
                    return line.replacingOccurrences(of: #"time=[0-9.]+ ms"#, with: "time=…", options: .regularExpression)
                        .replacingOccurrences(of: #": [0-9.]+ ms$"#, with: ": … ms", options: .regularExpression)
                }
            }
            let masked: Set<String> = ["committed_at", "created_at"]
            var lines = [rows.schema.fields.map(\.name).joined(separator: " | ")]
            for row in 0..<rows.rowCount {
                lines.append(rows.schema.fields.indices.map { c in
                    let field = rows.schema.fields[c]
                    let value = rows.columns[c].value(at: row)
                    if value.isNull { return "NULL" }
                    if masked.contains(field.name) && statement.uppercased().hasPrefix("SHOW") { return "…" }
                    switch value {
                    case let .string(s): return s
                    case let .json(j): return j
                    case let .timestamp(t): return Timestamp.format(t) ?? String(t)
                    case let .float32(f): return "\(f)"
                    case let .float64(d): return "\(d)"
                    default: return JSONRows.text(value, type: field.type)
                    }
                }.joined(separator: " | "))
            }
            return lines
        } catch {
            return ["error: \(error)"]
        }
    }
}

/// One case of a golden file.
struct GoldenCase {
    var parameters: [Value]
    var disabled: Set<OptimizerRule> = []
    var statement: String
    var expected: [String]
    /// Comment lines before the case, kept when the file is rewritten.
    var comments: [String]

    /// The case in file form, with `actual` as its expected output.
    func render(_ actual: [String]) -> String {
        var lines = comments
        if !parameters.isEmpty { lines.append("-- params: [" + parameters.map { JSONRows.text($0) }.joined(separator: ", ") + "]") }
        if !disabled.isEmpty { lines.append("-- disable: " + disabled.map(\.rawValue).sorted().joined(separator: ", ")) }
        lines.append(statement)
        lines.append("----")
        lines += actual
        return lines.joined(separator: "\n")
    }

    /// The comment lines at the head of a file (before its first case).
    static func header(_ text: String) -> String {
        let lines = text.components(separatedBy: "\n")
        let head = lines.prefix { $0.hasPrefix("#") }
        return head.isEmpty ? "" : head.joined(separator: "\n") + "\n\n"
    }

    static func parse(_ text: String) -> [GoldenCase] {
        var cases: [GoldenCase] = []
        var lines = text.components(separatedBy: "\n")[...]
        while lines.first?.hasPrefix("#") == true { lines = lines.dropFirst() }
        while !lines.isEmpty {
            while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines = lines.dropFirst() }
            guard !lines.isEmpty else { break }
            var comments: [String] = [], parameters: [Value] = [], statement: [String] = [], disabled = Set<OptimizerRule>()
            while let line = lines.first, line != "----" {
                lines = lines.dropFirst()
                if line.hasPrefix("-- disable: ") {
                    disabled = Set(line.dropFirst("-- disable: ".count).split(separator: ",").compactMap {
                        OptimizerRule(rawValue: $0.trimmingCharacters(in: .whitespaces))
                    })
                } else if line.hasPrefix("-- params: ") {
                    parameters = parseParameters(String(line.dropFirst("-- params: ".count)))
                } else if line.hasPrefix("-- ") && statement.isEmpty {
                    comments.append(line)
                } else {
                    statement.append(line)
                }
            }
            lines = lines.dropFirst()  // ----
            var expected: [String] = []
            while let line = lines.first, !line.isEmpty {
                expected.append(line)
                lines = lines.dropFirst()
            }
            cases.append(GoldenCase(parameters: parameters, disabled: disabled, statement: statement.joined(separator: "\n"), expected: expected, comments: comments))
        }
        return cases
    }

    static func parseParameters(_ text: String) -> [Value] {
        guard case let .array(items)? = try? JSONParser.parse(text) else { return [] }
        return items.map { item in
            switch item {
            case .null: return .null
            case let .bool(b): return .bool(b)
            case let .number(n): return Int64(n).map(Value.int) ?? .float64(Double(n) ?? 0)
            case let .string(s): return .string(s)
            case let .array(v): return .vector(v.compactMap { if case let .number(n) = $0 { Float(n) } else { nil } })
            case .object: return .json(item.text)
            }
        }
    }
}
