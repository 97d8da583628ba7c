import Foundation
import Testing
import TestSupport

/// The command-line contracts of `strata table create-index | search | optimize`.
@Suite struct VectorCLITests {
    typealias CLI = CLITests

    static func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// Rows whose vector is (i, 0, 0) for id i, so the nearest ids to (x, 0, 0) are known.
    static func rows(_ ids: Range<Int>) -> String {
        ids.map { #"{"id":\#($0),"tag":"\#($0 % 2 == 0 ? "even" : "odd")","v":[\#($0),0,0]}"# }.joined(separator: "\n")
    }

    @Test(arguments: ["hnsw", "ivf_pq", "flat"])
    func createIndexSearchBatchAndOptimize(type: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = directory.path + "/t"
        try #"{"fields":[{"name":"id","type":"int64","nullable":false},{"name":"tag","type":"string"},{"name":"v","type":"vector(float32,3)"}]}"#
            .write(toFile: directory.path + "/s.json", atomically: false, encoding: .utf8)
        try TableCLITests.ok(["table", "create", table, "--schema", directory.path + "/s.json"])
        try TableCLITests.ok(["table", "append", table, "-"], stdin: Self.rows(0..<400))
        let params = type == "ivf_pq" ? ["--param", "partitions=4", "--param", "subvectors=3"] : type == "hnsw" ? ["--param", "m=8"] : []
        let created = try Self.objects(try TableCLITests.ok(["table", "create-index", table, "--column", "v", "--type", type] + params))
        #expect(created.first?["index"] as? String == "v_idx" && created.first?["version"] as? Int == 3)

        let found = try Self.objects(try TableCLITests.ok(["table", "search", table, "--column", "v", "--vector", "[100.2,0,0]", "-k", "3"]))
        #expect(found.map { $0["id"] as? Int } == [100, 101, 99])
        #expect((found[0]["_distance"] as? Double).map { abs($0 - 0.04) < 1e-3 } == true)
        #expect(found[0]["tag"] as? String == "even" && found[0]["v"] != nil)

        let filtered = try Self.objects(try TableCLITests.ok(["table", "search", table, "--column", "v", "--vector", "[100.2,0,0]", "-k", "2",
                                                             "--where", "tag = 'odd'", "--columns", "id"]))
        #expect(filtered.map { $0["id"] as? Int } == [101, 99] && filtered[0].keys.sorted() == ["_distance", "id"])

        // Rows appended after the index are found at once, and still after optimize.
        try TableCLITests.ok(["table", "append", table, "-"], stdin: #"{"id":1000,"tag":"new","v":[500,0,0]}"#)
        let queries = directory.path + "/q.jsonl"
        try #"""
        {"id":"far","vector":[499,0,0],"k":1}
        {"id":7,"vector":[10,0,0],"where":"tag = 'even'"}
        """#.write(toFile: queries, atomically: false, encoding: .utf8)
        for round in 0..<2 {
            let batch = try Self.objects(try TableCLITests.ok(["table", "search", table, "--column", "v", "--queries", queries, "-k", "2", "--columns", "id"]))
            #expect(batch.count == 3, "round \(round)")
            #expect(batch[0]["_query"] as? String == "far" && batch[0]["id"] as? Int == 1000)
            #expect(batch[1]["_query"] as? Int == 7 && batch.dropFirst().map { $0["id"] as? Int } == [10, 8])
            if round == 0 { try TableCLITests.ok(["table", "optimize", table]) }
        }
    }

    @Test func badRequestsFail() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = directory.path + "/t"
        try #"{"fields":[{"name":"id","type":"int64"},{"name":"v","type":"vector(float32,2)"}]}"#
            .write(toFile: directory.path + "/s.json", atomically: false, encoding: .utf8)
        try TableCLITests.ok(["table", "create", table, "--schema", directory.path + "/s.json"])
        try TableCLITests.ok(["table", "append", table, "-"], stdin: #"{"id":1,"v":[1,2]}"#)
        for arguments in [
            ["table", "create-index", table, "--column", "v", "--type", "lsh"],
            ["table", "create-index", table, "--column", "id", "--type", "hnsw"],
            ["table", "create-index", table, "--column", "v", "--type", "hnsw", "--param", "m=two"],
            ["table", "create-index", table, "--column", "v", "--type", "hnsw", "--metric", "manhattan"],
            ["table", "search", table, "--column", "v", "--vector", "[1,2,3]"],
            ["table", "search", table, "--column", "v", "--vector", "[1,2]", "-k", "0"],
            ["table", "search", table, "--column", "v", "--vector", "[1,2]", "--param", "speed=9"],
            ["table", "search", table, "--column", "v"],
        ] {
            let run = try CLI.run(arguments)
            #expect(run.status != 0 && run.stdout.isEmpty && !run.stderr.isEmpty, "\(arguments)")
        }
    }
}
