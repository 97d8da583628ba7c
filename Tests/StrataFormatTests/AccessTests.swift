import Strata
import Testing
import TestSupport

/// What the reader reads: projection touches only chosen columns, `take` only the blocks
/// holding the rows, the writer holds only about a page per column.
@Suite struct AccessTests {
    static let schema = try! Schema([("id", .int64, false), ("score", .float64, true), ("emb", .vector(.float32, dimension: 384), false), ("text", .string, false)])

    static func bigBatch(rows: Int, seed: UInt64) throws -> RecordBatch {
        var rng = SeededRandom(seed: seed)
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows) }
        for i in 0..<rows {
            try builders[0].append(.int(Int64(i) * 1_000_003))
            try builders[1].append(i % 10 == 0 ? .null : .float64(Double(i) / 7))
            try builders[2].append(.vector((0..<384).map { _ in Float.random(in: -1...1, using: &rng) }))
            try builders[3].append(.string("row \(i) " + String(repeating: "x", count: i % 50)))
        }
        return try RecordBatch(schema: schema, columns: builders.map { $0.finish() })
    }

    @Test func takeReadsOnlyTheBlocksHoldingTheRows() async throws {
        let counting = CountingStore(wrapping: MemoryObjectStore())
        let reader = try await writeFile([try Self.bigBatch(rows: 20_000, seed: 1)], schema: Self.schema, to: counting)
        let fileSize = Int(reader.fileSize)
        counting.reset()
        let row = try await reader.take([12_345], columns: ["emb"])
        let (reads, bytes) = counting.reads
        // One 1,536-byte vector spans at most two 4 KiB checksum blocks.
        #expect(reads <= 2 && bytes <= 2 * 4096, "read \(bytes) bytes in \(reads) reads of a \(fileSize)-byte file")
        guard case let .vector(v) = row.columns[0].value(at: 0) else { Issue.record("not a vector"); return }
        #expect(v.count == 384)
        counting.reset()
        _ = try await reader.take([7, 19_999], columns: ["id", "score"])
        #expect(counting.reads.bytes <= 4 * 4096)
    }

    @Test func projectionReadsOnlyChosenColumns() async throws {
        let counting = CountingStore(wrapping: MemoryObjectStore())
        let reader = try await writeFile([try Self.bigBatch(rows: 5_000, seed: 2)], schema: Self.schema, to: counting)
        let idBytes = reader.columns[0].pages.reduce(0) { $0 + $1.storedLength }
        counting.reset()
        let ids = try await reader.readAll(columns: ["id"])
        #expect(counting.reads.bytes == idBytes)
        #expect(ids.columns[0].value(at: 4_999) == .int(4_999 * 1_000_003))
        await #expect(throws: StrataError.self) { try await reader.readAll(columns: ["missing"]) }
        await #expect(throws: StrataError.self) { try await reader.take([5_000]) }
        await #expect(throws: StrataError.self) { try await reader.take([-1]) }
    }

    @Test func writerMemoryStaysNearOnePagePerColumn() async throws {
        let schema = try Schema([("id", .int64, false), ("text", .string, false)])
        let store = MemoryObjectStore()
        let writer = try await FileWriter(store: store, path: "big", schema: schema)
        var total = 0
        for b in 0..<40 {
            var ids = ColumnBuilder(type: .int64), texts = ColumnBuilder(type: .string)
            for i in 0..<20_000 {
                try ids.append(.int(Int64(b * 20_000 + i)))
                try texts.append(.string("value \(i) of batch \(b) with some padding text"))
            }
            let batch = try RecordBatch(schema: schema, columns: [ids.finish(), texts.finish()])
            total += batch.columns[0].values.count + batch.columns[1].values.count
            try await writer.write(batch)
        }
        _ = try await writer.finish()
        // ~50 MB written; the writer never held more than a page per column plus one batch.
        let batchBytes = 20_000 * 8 + 20_000 * 50
        #expect(total > 40_000_000)
        #expect(writer.peakBufferedBytes <= (1 << 20) + (64 << 10) + batchBytes + 20_000 * 4)
        let reader = try await FileReader.open(store: store, path: "big")
        #expect(reader.rowCount == 800_000)
        #expect(try await reader.take([799_999], columns: ["id"]).columns[0].value(at: 0) == .int(799_999))
    }

    @Test func cacheServesRepeatedReads() async throws {
        let counting = CountingStore(wrapping: MemoryObjectStore())
        _ = try await writeFile([try Self.bigBatch(rows: 2_000, seed: 3)], schema: Self.schema, to: counting)
        let cache = BlockCache(budget: 64 << 20)
        let reader = try await FileReader.open(store: counting, path: "file.strata", cache: cache)
        _ = try await reader.take([10, 1_500])
        counting.reset()
        let again = try await reader.take([10, 1_500])
        #expect(counting.reads.count == 0)
        #expect(cache.statistics.hits > 0)
        #expect(again.columns[0].value(at: 1) == .int(1_500 * 1_000_003))
    }

    @Test func pageStatisticsBoundTheValues() async throws {
        var rng = SeededRandom(seed: 8)
        let schema = try Schema([("i", .int32, true), ("u", .uint16, true), ("f", .float64, true), ("s", .string, true), ("t", .timestamp, true), ("b", .bool, true)])
        let (batch, values) = try RandomData.batch(schema, count: 3_000, nullRate: 0.1, using: &rng)
        var options = FileWriterOptions()
        options.fixedPageBytes = 512
        options.variablePageBytes = 512
        let reader = try await writeFile([batch], schema: schema, to: MemoryObjectStore(), options: options)
        for (c, column) in reader.columns.enumerated() {
            #expect(column.pages.count > 1 || column.field.type == .bool)
            for page in column.pages {
                let rows = values[c][page.firstRow..<(page.firstRow + page.rowCount)]
                #expect(page.statistics.nullCount == rows.filter(\.isNull).count)
                let present = rows.filter { !$0.isNull && !(isNaN($0)) }
                guard let min = page.statistics.min, let max = page.statistics.max else {
                    #expect(present.isEmpty || column.field.type == .string)
                    continue
                }
                for value in present { #expect(!less(value, min) && !less(max, value), "\(value) outside \(min)…\(max)") }
                #expect(present.contains { $0.isIdentical(to: min) || $0 == min })
            }
        }
    }

    private func isNaN(_ value: Value) -> Bool {
        if case let .float64(d) = value { return d.isNaN }
        return false
    }

    private func less(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case let (.int(x), .int(y)), let (.timestamp(x), .timestamp(y)): return x < y
        case let (.uint(x), .uint(y)): return x < y
        case let (.float64(x), .float64(y)): return x < y
        case let (.string(x), .string(y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        case let (.bool(x), .bool(y)): return !x && y
        default: return false
        }
    }
}
