import Foundation
import Testing
import TestSupport

/// The command-line contract of `strata sql`: -c and --file, the three output formats,
/// parameters, stopping at the first error with a caret, and the exit statuses.
@Suite struct SQLCLITests {
    typealias CLI = CLITests

    @Test func statementsFormatsParametersAndErrors() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path + "/db"
        let created = try TableCLITests.ok(["sql", db, "-c", """
            CREATE TABLE notes (id INT NOT NULL, body TEXT, score DOUBLE, emb VECTOR(2));
            INSERT INTO notes VALUES (1, 'alpha, "quoted"', 1.5, [1, 0]), (2, NULL, NULL, [0, 1]), (3, 'gamma', 3, [0.5, 0.5])
            """])
        #expect(created == "CREATE TABLE\nINSERT 3\n")

        let table = try TableCLITests.ok(["sql", db, "-c", "SELECT id, body FROM notes ORDER BY id"])
        #expect(table.contains("│ id │ body"))
        #expect(table.contains("│  2 │ NULL"))
        #expect(table.hasSuffix("(3 rows)\n"))

        // JSON lines stay one line per row when a json value was stored with line breaks.
        try TableCLITests.ok(["sql", db, "-c", "CREATE TABLE docs (j JSON); INSERT INTO docs VALUES ('{\n  \"a\": [1,\n 2]\n}')"])
        #expect(try TableCLITests.ok(["sql", db, "--format", "json", "-c", "SELECT j FROM docs"]) == #"{"j":{   "a": [1,  2] }}"# + "\n")

        let json = try TableCLITests.ok(["sql", db, "--format", "json", "-c", "SELECT id, body, emb FROM notes WHERE id < 3 ORDER BY id"])
        #expect(json == #"{"id":1,"body":"alpha, \"quoted\"","emb":[1.0,0.0]}"# + "\n" + #"{"id":2,"body":null,"emb":[0.0,1.0]}"# + "\n")

        let csv = try TableCLITests.ok(["sql", db, "--format", "csv", "-c", "SELECT id, body, score FROM notes ORDER BY id"])
        #expect(csv == "id,body,score\n1,\"alpha, \"\"quoted\"\"\",1.5\n2,,\n3,gamma,3.0\n")

        let near = try TableCLITests.ok(["sql", db, "--format", "csv", "--param", "[0, 1]", "--param", "1", "-c",
                                         "SELECT id FROM notes WHERE id > $2 ORDER BY emb <-> $1 LIMIT 2"])
        #expect(near == "id\n2\n3\n")

        let script = directory.path + "/s.sql"
        try "-- a script\nUPDATE notes SET score = 9 WHERE id = 2;\nSELECT score FROM notes WHERE id = 2;\n".write(toFile: script, atomically: false, encoding: .utf8)
        #expect(try TableCLITests.ok(["sql", db, "--file", script, "--format", "csv"]) == "score\n9.0\n")

        // The first error stops the script: the statements before it ran, those after did not.
        let failed = try CLI.run(["sql", db, "-c", "INSERT INTO notes (id) VALUES (4); SELECT nme FROM notes; INSERT INTO notes (id) VALUES (5)"])
        #expect(failed.status == 1)
        #expect(failed.stderr == "strata: unknown column 'nme'; did you mean 'body'? (at character 8)\n  SELECT nme FROM notes\n         ^\n"
                || failed.stderr.contains("unknown column 'nme'"))
        #expect(failed.stderr.hasSuffix("         ^\n"))
        let ids = try TableCLITests.ok(["sql", db, "--format", "csv", "-c", "SELECT id FROM notes ORDER BY id"])
        #expect(ids == "id\n1\n2\n3\n4\n")

        // A later statement's error is marked in its own line of the script.
        let second = try CLI.run(["sql", db, "-c", "SELECT 1;\nSELECT nope FROM notes"])
        #expect(second.status == 1)
        #expect(second.stderr.hasSuffix("(line 2)\n  SELECT nope FROM notes\n         ^\n"), "\(second.stderr)")

        let parse = try CLI.run(["sql", db, "-c", "SELECT id FROM notes WHERE (id = 1"])
        #expect(parse.status == 1 && parse.stderr.contains("expected ')', found end of input"))

        let usage = try CLI.run(["sql", db])
        #expect(usage.status == 1 && usage.stderr.contains("exactly one of -c"))
        let format = try CLI.run(["sql", db, "--format", "xml", "-c", "SELECT 1"])
        #expect(format.status == 1 && format.stderr.contains("expected table, json or csv"))

        // A directory that is not a database is refused, not written into.
        try "x".write(toFile: directory.path + "/other.txt", atomically: false, encoding: .utf8)
        let foreign = try CLI.run(["sql", directory.path, "-c", "SELECT 1"])
        #expect(foreign.status == 1 && foreign.stderr.contains("not a Strata database"))

        // Damaged data is exit status 2.
        for file in try FileManager.default.contentsOfDirectory(atPath: db + "/main/notes/data") {
            let path = db + "/main/notes/data/" + file
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            for i in stride(from: 0, to: bytes.count, by: 7) { bytes[i] ^= 0x5A }
            try bytes.write(to: URL(fileURLWithPath: path))
        }
        let corrupt = try CLI.run(["sql", db, "-c", "SELECT id FROM notes"])
        #expect(corrupt.status == 2, "\(corrupt.stderr)")
    }
}
