import Foundation
import Testing
import TestSupport

/// The command-line contracts of full-text search: `strata table create-index --type fts`,
/// `strata table search --text` and its batch form.
@Suite struct TextCLITests {
    typealias CLI = CLITests

    @Test func createIndexSearchBatchFreshRowsAndOptimize() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = directory.path + "/t"
        try #"{"fields":[{"name":"id","type":"int64","nullable":false},{"name":"tag","type":"string"},{"name":"body","type":"string"}]}"#
            .write(toFile: directory.path + "/s.json", atomically: false, encoding: .utf8)
        try TableCLITests.ok(["table", "create", table, "--schema", directory.path + "/s.json"])
        try TableCLITests.ok(["table", "append", table, "-"], stdin: """
            {"id":1,"tag":"a","body":"The quick brown fox jumps over the lazy dog"}
            {"id":2,"tag":"b","body":"A lazy afternoon with sleeping dogs"}
            {"id":3,"tag":"a","body":"Inverted indexes answer full-text queries"}
            {"id":4,"tag":"b","body":null}
            """)
        let created = try VectorCLITests.objects(try TableCLITests.ok(["table", "create-index", table, "--column", "body", "--type", "fts",
                                                                       "--param", "stemmer=english"]))
        #expect(created.first?["index"] as? String == "body_idx" && created.first?["type"] as? String == "fts" && created.first?["version"] as? Int == 3)

        let found = try VectorCLITests.objects(try TableCLITests.ok(["table", "search", table, "--column", "body", "--text", "lazy dog", "-k", "5"]))
        // "dog" and "dogs" share a stem: both rows hold both terms; the shorter one scores higher.
        #expect(found.map { $0["id"] as? Int } == [2, 1])
        #expect(found.allSatisfy { ($0["_score"] as? Double).map { $0 > 0 } == true } && found[0]["body"] != nil)
        #expect((found[0]["_score"] as! Double) > (found[1]["_score"] as! Double))

        let filtered = try VectorCLITests.objects(try TableCLITests.ok(["table", "search", table, "--column", "body", "--text", "lazy", "--where", "tag = 'a'",
                                                                        "--columns", "id"]))
        #expect(filtered.map { $0["id"] as? Int } == [1] && filtered[0].keys.sorted() == ["_score", "id"])

        // A row appended after the index is found at once, with the same score after optimize.
        try TableCLITests.ok(["table", "append", table, "-"], stdin: #"{"id":5,"tag":"c","body":"zebra crossing near the lazy river"}"#)
        let queries = directory.path + "/q.jsonl"
        try #"""
        {"id":"z","text":"zebra","k":1}
        {"id":7,"text":"\"lazy dog\"","where":"tag = 'a'"}
        """#.write(toFile: queries, atomically: false, encoding: .utf8)
        var scores: [Double] = []
        for round in 0..<2 {
            let batch = try VectorCLITests.objects(try TableCLITests.ok(["table", "search", table, "--column", "body", "--queries", queries, "--columns", "id"]))
            #expect(batch.count == 2, "round \(round)")
            #expect(batch.first?["_query"] as? String == "z" && batch.first?["id"] as? Int == 5)
            #expect(batch.last?["_query"] as? Int == 7 && batch.last?["id"] as? Int == 1)
            if round == 0 {
                scores = batch.map { $0["_score"] as! Double }
                try TableCLITests.ok(["table", "optimize", table])
            } else {
                #expect(batch.map { $0["_score"] as! Double } == scores)
            }
        }
    }

    @Test func badRequestsFail() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = directory.path + "/t"
        try #"{"fields":[{"name":"id","type":"int64"},{"name":"body","type":"string"}]}"#
            .write(toFile: directory.path + "/s.json", atomically: false, encoding: .utf8)
        try TableCLITests.ok(["table", "create", table, "--schema", directory.path + "/s.json"])
        try TableCLITests.ok(["table", "append", table, "-"], stdin: #"{"id":1,"body":"hello"}"#)
        for arguments in [
            ["table", "create-index", table, "--column", "id", "--type", "fts"],
            ["table", "create-index", table, "--column", "body", "--type", "fts", "--param", "stemmer=klingon"],
            ["table", "create-index", table, "--column", "body", "--type", "fts", "--param", "k1=-2"],
            ["table", "search", table, "--column", "body", "--text", "\"unclosed"],
            ["table", "search", table, "--column", "body", "--text", "hello", "-k", "0"],
            ["table", "search", table, "--column", "id", "--text", "hello"],
            ["table", "search", table, "--column", "body", "--text", "hello", "--vector", "[1]"],
        ] {
            let run = try CLI.run(arguments)
            #expect(run.status != 0 && run.stdout.isEmpty && !run.stderr.isEmpty, "\(arguments)")
        }
    }
}
