import Strata
import Testing
import TestSupport

/// The README's "From Swift" example, kept compiling and correct.
@Suite struct ReadmeExampleTests {
    @Test func readmeExampleRuns() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LocalFileStore(directory: directory.path)
        let schema = try Schema([("id", .int64, false), ("text", .string, true), ("emb", .vector(.float32, dimension: 3), false)])
        var ids = ColumnBuilder(type: .int64), texts = ColumnBuilder(type: .string), embeddings = ColumnBuilder(type: schema.fields[2].type)
        for i in 0..<1_000 {
            try ids.append(.int(Int64(i)))
            try texts.append(i % 10 == 0 ? .null : .string("turn \(i)"))
            try embeddings.append(.vector([Float(i), 0, 1]))
        }
        let writer = try await FileWriter(store: store, path: "turns.strata", schema: schema)
        try await writer.write(try RecordBatch(schema: schema, columns: [ids.finish(), texts.finish(), embeddings.finish()]))
        _ = try await writer.finish()

        let reader = try await FileReader.open(store: store, path: "turns.strata")
        let rows = try await reader.take([999, 7], columns: ["text", "id"])
        #expect(rows.row(0) == [.string("turn 999"), .int(999)])
        #expect(rows.row(1) == [.string("turn 7"), .int(7)])
        let scanner = try reader.scanner(columns: ["id"], batchRows: 8_192)
        var total = 0
        while let batch = try await scanner.next() { total += batch.rowCount }
        #expect(total == 1_000)
    }
}
