import Foundation
import Testing
import TestSupport

/// The command-line contracts of `strata table …`, run against the built executable.
@Suite struct TableCLITests {
    typealias CLI = CLITests

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    /// Runs and expects success, returning stdout.
    @discardableResult
    static func ok(_ arguments: [String], stdin: String? = nil) throws -> String {
        let run = try CLI.run(arguments, stdin: stdin)
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return run.stdout
    }

    @Test func everyValueSurvivesAppendAndCatAndTimeTravelWorks() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = directory.path + "/t"
        try CLI.schema.write(toFile: directory.path + "/s.json", atomically: false, encoding: .utf8)
        try Self.ok(["table", "create", table, "--schema", directory.path + "/s.json"])
        try Self.ok(["table", "append", table, "-", "--durability", "none"], stdin: CLI.rows.joined(separator: "\n"))
        let cat = try Self.ok(["table", "cat", table])
        #expect(try CLI.normalized(Self.lines(cat)) == CLI.normalized(CLI.rows))
        try Self.ok(["table", "tag", table, "three-rows"])
        try Self.ok(["table", "delete", table, "--where", "id = 0"])
        #expect(Self.lines(try Self.ok(["table", "cat", table, "--columns", "id"])).count == 2)
        #expect(Self.lines(try Self.ok(["table", "cat", table, "--tag", "three-rows", "--columns", "id"])).count == 3)
        #expect(Self.lines(try Self.ok(["table", "cat", table, "--version", "2", "--columns", "id"])).count == 3)
        let versions = Self.lines(try Self.ok(["table", "versions", table]))
        #expect(versions.count == 3)
        let last = try JSONSerialization.jsonObject(with: Data(versions[2].utf8)) as! [String: Any]
        #expect(last["version"] as? Int == 3 && last["rows"] as? Int == 2 && last["fragments"] as? Int == 1)
        #expect(last["operation"] as? String == "delete" && (last["timestamp"] as? String)?.hasSuffix("Z") == true)
        #expect(try Self.ok(["table", "restore", table, "--version", "2"]).contains("version 4"))
        #expect(Self.lines(try Self.ok(["table", "cat", table, "--columns", "id"])).count == 3)
    }

    @Test func upsertAddColumnCompactCleanupAndVerify() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = directory.path + "/t"
        try #"{"fields":[{"name":"k","type":"string","nullable":false},{"name":"n","type":"int32"}]}"#
            .write(toFile: directory.path + "/s.json", atomically: false, encoding: .utf8)
        try Self.ok(["table", "create", table, "--schema", directory.path + "/s.json"])
        for i in 0..<4 { try Self.ok(["table", "append", table, "-"], stdin: #"{"k":"a\#(i)","n":\#(i)}"#) }
        let upsert = try Self.ok(["table", "upsert", table, "--key", "k", "-"], stdin: "{\"k\":\"a1\",\"n\":10}\n{\"k\":\"b\",\"n\":20}\n")
        #expect(upsert.contains("updated 1 rows, inserted 1 rows"))
        try Self.ok(["table", "add-column", table, "--name", "flag", "--type", "bool", "--default", "true"])
        let rows = Self.lines(try Self.ok(["table", "cat", table, "--columns", "k,n,flag"])).sorted()
        #expect(rows == [#"{"k":"a0","n":0,"flag":true}"#, #"{"k":"a1","n":10,"flag":true}"#, #"{"k":"a2","n":2,"flag":true}"#,
                         #"{"k":"a3","n":3,"flag":true}"#, #"{"k":"b","n":20,"flag":true}"#])
        #expect(try Self.ok(["table", "compact", table]).contains("compacted 4 fragments into 1"))
        let files = { () -> [String] in
            (FileManager.default.enumerator(atPath: table)?.allObjects as? [String] ?? []).filter { !$0.hasSuffix("/") }.sorted()
        }
        let before = files()
        let dry = Self.lines(try Self.ok(["table", "cleanup", table, "--older-than", "0s", "--dry-run"]))
        #expect(dry.contains { $0.hasPrefix("would remove data/") } && dry.last!.hasPrefix("would remove"))
        #expect(files() == before)
        try Self.ok(["table", "cleanup", table, "--older-than", "0"])
        #expect(Self.lines(try Self.ok(["table", "cat", table])).count == 5)
        #expect(try Self.ok(["table", "verify", table]).hasPrefix("ok: "))

        // Damage a page of the one data file: verify names it and exits 2.
        let data = try #require(try FileManager.default.contentsOfDirectory(atPath: table + "/data").first)
        let handle = try #require(FileHandle(forUpdatingAtPath: table + "/data/" + data))
        handle.seek(toFileOffset: 64)
        let byte = handle.readData(ofLength: 1)
        handle.seek(toFileOffset: 64)
        handle.write(Data([byte[0] ^ 0xFF]))
        try handle.close()
        let verify = try CLI.run(["table", "verify", table])
        #expect(verify.status == 2)
        #expect(verify.stdout.contains("damaged:") && verify.stdout.contains(data))
        #expect(try CLI.run(["table", "cat", table]).status == 2)
    }

    @Test func badInputExitsOneWithOneLine() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = directory.path + "/t"
        try #"{"fields":[{"name":"id","type":"int64","nullable":false}]}"#.write(toFile: directory.path + "/s.json", atomically: false, encoding: .utf8)
        try Self.ok(["table", "create", table, "--schema", directory.path + "/s.json"])
        for arguments in [
            ["table", "cat", directory.path + "/missing"],
            ["table", "create", table, "--schema", directory.path + "/s.json"],
            ["table", "delete", table, "--where", "nope = 1"],
            ["table", "delete", table, "--where", "id = 'x'"],
            ["table", "cat", table, "--version", "99"],
            ["table", "cat", table, "--tag", "none"],
            ["table", "append", table, "-", "--durability", "sometimes"],
            ["table", "cleanup", table, "--older-than", "soon"],
            ["table", "add-column", table, "--name", "x", "--type", "int8", "--default", "1000"],
            ["table", "upsert", table, "--key", "id", "-"],
        ] {
            let run = try CLI.run(arguments, stdin: arguments.last == "-" ? "{\"id\":1}\n{\"id\":1}\n" : nil)
            #expect(run.status == 1, "\(arguments)")
            #expect(Self.lines(run.stderr).count == 1, "\(arguments): \(run.stderr)")
        }
        let badLine = try CLI.run(["table", "append", table, "-"], stdin: "{\"id\":1}\n{\"id\":\"x\"}\n")
        #expect(badLine.status == 1 && badLine.stderr.contains("line 2"))
        #expect(Self.lines(try Self.ok(["table", "versions", table])).count == 1)
    }
}
