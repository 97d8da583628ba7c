import Foundation
import Strata
import StrataShell
import Testing

/// The shell's golden tests: each `Golden/*.test` file is a session typed into one shell on
/// a fresh database, case by case. A case is input lines (statements, dot-commands), a line
/// `----`, then what the shell prints — results and errors in the order they come — up to a
/// line `====` (or the end of the file). `$GOLDEN_DIR` stands for the folder of the files
/// (fixtures to import), `$SCRATCH` for a scratch folder (files the session writes); times
/// print as `#.### ms`, and commit times with `#` for every digit.
///
/// With STRATA_GOLDEN_UPDATE=1 a failing file is rewritten with the actual output (review
/// the diff before committing it).
@Suite struct ShellGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".test") }.sorted()
    }

    @Test(arguments: files)
    func golden(_ file: String) async throws {
        let path = Self.directory.appendingPathComponent(file).path
        let cases = Self.parse(try String(contentsOfFile: path, encoding: .utf8))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("strata-shell-golden-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let output = ShellOutput.memory()
        let shell = Shell(database: try await Database.open(directory: scratch + "/db"), path: scratch + "/db", output: output, bail: false)
        shell.errorSink = { try? output.line($0) }
        var failures = 0, rewritten: [String] = []
        for golden in cases {
            let before = output.captured.count
            let input = golden.input.replacingOccurrences(of: "$GOLDEN_DIR", with: Self.directory.path).replacingOccurrences(of: "$SCRATCH", with: scratch)
            for line in input.components(separatedBy: "\n") where !shell.hasQuit { await shell.handle(line: line) }
            let actual = output.captured[before...].map { Self.masked($0, scratch: scratch) }
            if actual != golden.expected {
                failures += 1
                Issue.record("\(file):\n\(golden.input)\n--- expected\n\(golden.expected.joined(separator: "\n"))\n--- actual\n\(actual.joined(separator: "\n"))")
            }
            rewritten.append(golden.input + "\n----\n" + actual.joined(separator: "\n"))
        }
        await shell.close()
        if failures > 0, ProcessInfo.processInfo.environment["STRATA_GOLDEN_UPDATE"] == "1" {
            try (rewritten.joined(separator: "\n====\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        }
        #expect(!cases.isEmpty, "\(file) has no cases")
    }

    /// A printed line with the scratch folder and the fixtures' folder named as in the
    /// files, and times masked.
    static func masked(_ line: String, scratch: String) -> String {
        var text = line.replacingOccurrences(of: scratch, with: "$SCRATCH").replacingOccurrences(of: directory.path, with: "$GOLDEN_DIR")
        if let range = text.range(of: #"[0-9]+\.[0-9]{3} ms"#, options: .regularExpression) { text.replaceSubrange(range, with: "#.### ms") }
        // Commit times keep their width, so boxes stay aligned.
        while let range = text.range(of: #"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+Z"#, options: .regularExpression) {
            text.replaceSubrange(range, with: String(text[range].map { $0.isNumber ? "#" : $0 }))
        }
        return text
    }

    struct Case {
        var input: String
        var expected: [String]
    }

    static func parse(_ text: String) -> [Case] {
        var body = text
        if body.hasSuffix("\n") { body.removeLast() }
        return body.components(separatedBy: "\n====\n").compactMap { block in
            let parts = block.components(separatedBy: "\n----\n")
            guard let input = parts.first, !input.isEmpty else { return nil }
            let expected = parts.count > 1 ? parts[1].components(separatedBy: "\n") : []
            return Case(input: input.hasSuffix("\n----") ? String(input.dropLast(5)) : input, expected: expected == [""] ? [] : expected)
        }
    }
}
