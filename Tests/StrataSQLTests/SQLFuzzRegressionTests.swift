import Foundation
import StrataFuzzKit
import Testing

/// Replays the SQL fuzzers' regression inputs, and every golden statement, through the fuzz
/// target bodies: none may trap, and every SELECT gives the same rows with the optimizer's
/// rules on and off.
@Suite struct SQLFuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func inputs(_ directory: String) -> [[UInt8]] {
        let path = root.appendingPathComponent(directory).path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return names.compactMap { FileManager.default.contents(atPath: path + "/" + $0).map { Array($0) } }
    }

    /// Every golden statement, with the tables renamed to the fuzz table `t`.
    static var goldenStatements: [String] {
        GoldenTests.files.flatMap { file -> [String] in
            let text = (try? String(contentsOfFile: GoldenTests.directory.appendingPathComponent(file).path, encoding: .utf8)) ?? ""
            return GoldenCase.parse(text).map { $0.statement }
        }
    }

    @Test func sqlInputs() {
        for input in Self.inputs("Fuzz/regressions/FuzzSQL") { FuzzTargets.sql(input) }
        let statements = Self.goldenStatements
        #expect(statements.count >= 300)
        for statement in statements { FuzzTargets.sql(Array(statement.utf8)) }
        // Queries on the fuzz table's own columns, so that planning and running go deep.
        for where_ in ["n > 0 AND s LIKE '%a%'", "j->'a'->1->>'b' = 'c'", "f IS NULL OR f > 1", "t < now() AND u <> 0", "b AND n IN (7, 0)"] {
            FuzzTargets.sql(Array("SELECT id, s FROM t WHERE \(where_) ORDER BY v <-> [1, 0] LIMIT 3".utf8))
            FuzzTargets.sql(Array("SELECT id FROM t WHERE MATCH(s, 'alpha') AND (\(where_))".utf8))
            FuzzTargets.sql(Array("SELECT * FROM t WHERE \(where_) ORDER BY rrf(v <-> [0, 1], MATCH(s, 'hello')) LIMIT 2".utf8))
        }
    }

    @Test func importInputs() {
        for input in Self.inputs("Fuzz/regressions/FuzzImport") { FuzzTargets.importText(input) }
        for fixture in Self.inputs("Tests/StrataShellTests/Golden") {
            for selector: UInt8 in 0...3 { FuzzTargets.importText([selector] + fixture) }
        }
        for text in ["{\"a\": 1}\n{\"a\": \"x\"}\n{\"a\": 2.5}\n", "{\"p\": [1, 2]}\n\n{\"p\": [1e400, 2]}\n", "a,a\n1,2\n", "x\n\"1\n2\"\n-inf\n"] {
            for selector: UInt8 in 0...3 { FuzzTargets.importText([selector] + Array(text.utf8)) }
        }
    }

    @Test func expressionInputs() {
        for input in Self.inputs("Fuzz/regressions/FuzzExpression") { FuzzTargets.expression(input) }
        for text in ["id + 1 > n * 2", "s || 'x' LIKE '%x'", "j->'a'->>0", "CAST(f AS int) = 2", "u > 18446744073709551615",
                     "t + INTERVAL '1 month' > now()", "v <#> [1, 1] < 0", "CASE WHEN b THEN s ELSE NULL END IS NULL",
                     "round(f, 99999999999)", "to_timestamp(f) IS NULL", "-9223372036854775808 - 1", "x = 'a'", "epoch(t) > 0"] {
            FuzzTargets.expression(Array(text.utf8))
        }
    }
}
