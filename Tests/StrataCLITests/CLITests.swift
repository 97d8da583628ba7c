import Foundation
import Testing
import TestSupport

/// The command-line contracts of `strata file …`, run against the built executable.
@Suite struct CLITests {
    /// The `strata` executable beside the test bundle in the build directory.
    static let executable: String = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("strata").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("strata").path
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    static let schema = #"""
    {"fields":[{"name":"id","type":"int64","nullable":false},{"name":"u","type":"uint64"},{"name":"i8","type":"int8"},
     {"name":"f","type":"float32"},{"name":"d","type":"float64"},{"name":"ts","type":"timestamp"},{"name":"s","type":"string"},
     {"name":"b","type":"binary"},{"name":"j","type":"json"},{"name":"ok","type":"bool"},{"name":"v","type":"vector(float32,3)"},
     {"name":"h","type":"vector(float16,2)"},{"name":"q","type":"vector(int8,2)"}]}
    """#

    static let rows = [
        #"{"id":-9223372036854775808,"u":18446744073709551615,"i8":-128,"f":1e-45,"d":-0.0,"ts":"2024-05-01T12:30:00.250000Z","s":"héllo \"w\"\n😀","b":"AAEC/w==","j":{"a":[1,2.5,{"b":null}]},"ok":true,"v":[1.5,-0.0,3.4028235e+38],"h":[0.5,-2.0],"q":[-128,127]}"#,
        #"{"id":9223372036854775807,"u":0,"i8":127,"f":"NaN","d":5e-324,"ts":"1969-12-31T23:59:59.999999Z","s":"","b":"","j":"text","ok":false,"v":["Infinity","-Infinity",1e-45],"h":[65500.0,6e-08],"q":[0,-1]}"#,
        #"{"id":0,"u":null,"i8":null,"f":"-Infinity","d":1.7976931348623157e+308,"ts":null,"s":null,"b":null,"j":null,"ok":null,"v":null,"h":null,"q":null}"#,
    ]

    /// Parses JSON lines into comparable values: keys sorted, numbers by exact text.
    static func normalized(_ lines: [String]) throws -> [String] {
        try lines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return object.keys.sorted().map { "\($0)=\(object[$0]!)" }.joined(separator: "|")
        }
    }

    @Test func writeThenCatReproducesEveryValue() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try Self.schema.write(toFile: directory.path + "/s.json", atomically: false, encoding: .utf8)
        try Self.rows.joined(separator: "\n").write(toFile: directory.path + "/in.jsonl", atomically: false, encoding: .utf8)
        let write = try Self.run(["file", "write", "--schema", directory.path + "/s.json", directory.path + "/in.jsonl", directory.path + "/out.strata"])
        #expect(write.status == 0, "\(write.stderr)")
        let cat = try Self.run(["file", "cat", directory.path + "/out.strata"])
        #expect(cat.status == 0)
        let lines = cat.stdout.split(separator: "\n").map(String.init)
        // The output is exactly the input, text for text (every key present, same spellings).
        #expect(lines == Self.rows)
        let picked = try Self.run(["file", "cat", directory.path + "/out.strata", "--rows", "2,0", "--columns", "s,id"])
        #expect(picked.stdout == "{\"s\":null,\"id\":0}\n{\"s\":\"héllo \\\"w\\\"\\n😀\",\"id\":-9223372036854775808}\n")
        let inspect = try Self.run(["file", "inspect", directory.path + "/out.strata"])
        #expect(inspect.status == 0 && inspect.stdout.contains("vector(float16,2)") && inspect.stdout.contains("encoding"))
        let verify = try Self.run(["file", "verify", directory.path + "/out.strata"])
        #expect(verify.status == 0 && verify.stdout.hasPrefix("ok:"))
    }

    @Test func integerSpellingsAndTimestampsNormalize() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try #"{"fields":[{"name":"t","type":"timestamp"},{"name":"x","type":"float64"}]}"#.write(toFile: directory.path + "/s.json", atomically: false, encoding: .utf8)
        try "{\"t\":1714566600250000,\"x\":1E2}\n\n{\"t\":\"2024-05-01 14:30:00.25+02:00\",\"x\":-1.50}\n".write(toFile: directory.path + "/in.jsonl", atomically: false, encoding: .utf8)
        #expect(try Self.run(["file", "write", "--schema", directory.path + "/s.json", directory.path + "/in.jsonl", directory.path + "/o"]).status == 0)
        let cat = try Self.run(["file", "cat", directory.path + "/o"])
        #expect(cat.stdout == "{\"t\":\"2024-05-01T12:30:00.250000Z\",\"x\":100.0}\n{\"t\":\"2024-05-01T12:30:00.250000Z\",\"x\":-1.5}\n")
    }

    @Test func inputErrorsExitOneWithOneLine() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path
        try #"{"fields":[{"name":"id","type":"int8","nullable":false}]}"#.write(toFile: path + "/s.json", atomically: false, encoding: .utf8)
        try #"{"fields":[{"name":"id","type":"int9"}]}"#.write(toFile: path + "/bad.json", atomically: false, encoding: .utf8)
        try "{\"id\":1}\n{\"id\":300}\n".write(toFile: path + "/range.jsonl", atomically: false, encoding: .utf8)
        try "{\"id\":1}\n{\"id\":\n".write(toFile: path + "/broken.jsonl", atomically: false, encoding: .utf8)
        try "{\"id\":1}\n".write(toFile: path + "/ok.jsonl", atomically: false, encoding: .utf8)
        try #"{"fields":[]}"#.write(toFile: path + "/nofields.json", atomically: false, encoding: .utf8)
        let cases: [[String]] = [
            ["file", "write", "--schema", path + "/s.json", path + "/range.jsonl", path + "/o1"],
            ["file", "write", "--schema", path + "/s.json", path + "/broken.jsonl", path + "/o2"],
            ["file", "write", "--schema", path + "/bad.json", path + "/ok.jsonl", path + "/o3"],
            ["file", "write", "--schema", path + "/missing.json", path + "/ok.jsonl", path + "/o4"],
            ["file", "write", "--schema", path + "/s.json", path + "/missing.jsonl", path + "/o5"],
            ["file", "write", "--schema", path + "/nofields.json", path + "/ok.jsonl", path + "/o5"],
            ["file", "write", "--schema", path + "/s.json", path + "/ok.jsonl", path],
            ["file", "write", "--schema", path + "/s.json", path + "/ok.jsonl", path + "/"],
            ["file", "cat", path + "/nothing.strata"],
            ["file", "cat", path],
            ["file", "frobnicate"],
            ["file", "cat"],
        ]
        for arguments in cases {
            let result = try Self.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("strata: "), "\(arguments): \(result.stderr)")
        }
        // Nothing half-written is left behind by a failed write.
        let left = try FileManager.default.contentsOfDirectory(atPath: path).filter { ["o1", "o2", "o3", "o4", "o5"].contains($0) || $0.hasSuffix(".tmp") }
        #expect(left.isEmpty, "\(left)")
        let range = try Self.run(cases[0])
        #expect(range.stderr.contains("line 2") && range.stderr.contains("int8"))
        // Reading a sound file with bad options is an input error too.
        #expect(try Self.run(["file", "write", "--schema", path + "/s.json", path + "/ok.jsonl", path + "/good"]).status == 0)
        for arguments in [["file", "cat", path + "/good", "--rows", "5"], ["file", "cat", path + "/good", "--columns", "nope"], ["file", "cat", path + "/good", "--rows", "x"]] {
            #expect(try Self.run(arguments).status == 1)
        }
    }

    @Test func corruptDataExitsTwoAndNamesThePage() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path
        try #"{"fields":[{"name":"id","type":"int64"},{"name":"s","type":"string"}]}"#.write(toFile: path + "/s.json", atomically: false, encoding: .utf8)
        try (0..<500).map { "{\"id\":\($0 * 7919),\"s\":\"value \($0)\"}" }.joined(separator: "\n").write(toFile: path + "/in.jsonl", atomically: false, encoding: .utf8)
        #expect(try Self.run(["file", "write", "--schema", path + "/s.json", path + "/in.jsonl", path + "/f"]).status == 0)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path + "/f"))
        bytes[64 + 10] ^= 0x01  // inside the first page of column 'id'
        try bytes.write(to: URL(fileURLWithPath: path + "/damaged"))
        let verify = try Self.run(["file", "verify", path + "/damaged"])
        #expect(verify.status == 2)
        #expect(verify.stderr.contains("column 'id' page 0") && verify.stderr.split(separator: "\n").count == 1, "\(verify.stderr)")
        #expect(try Self.run(["file", "cat", path + "/damaged"]).status == 2)
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: path + "/truncated"))
        for command in ["cat", "inspect", "verify"] {
            let result = try Self.run(["file", command, path + "/truncated"])
            #expect(result.status == 2 && result.stderr.contains("truncated"), "\(command): \(result.stderr)")
        }
        try Data("not a strata file at all, but long enough to have a footer".utf8).write(to: URL(fileURLWithPath: path + "/text"))
        #expect(try Self.run(["file", "inspect", path + "/text"]).status == 2)
    }

    @Test func conformanceFixturesThroughTheCommandLine() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("spec/conformance").path
        for name in ["negative-truncated", "negative-bad-magic", "negative-future-major-version", "negative-footer-offset-past-end"] {
            #expect(try Self.run(["file", "cat", "\(directory)/\(name).strata"]).status == 2, "\(name)")
        }
        #expect(try Self.run(["file", "verify", "\(directory)/negative-bad-page-checksum.strata"]).status == 2)
        #expect(try Self.run(["file", "verify", "\(directory)/types-nullable.strata"]).status == 0)
    }
}
