import Strata
import Testing
import TestSupport

/// Every type, with and without nulls, through every encoding that can hold it and every
/// codec, at page sizes small enough to cut many pages: what goes in comes out bit for bit.
@Suite struct RoundTripTests {
    static let schema = try! Schema(RandomData.allTypes.enumerated().flatMap { i, type in
        [("c\(i)", type, false), ("n\(i)", type, true)]
    })

    struct Case: CustomTestStringConvertible, Sendable {
        var codec: PageCodec?
        var encoding: PageEncoding?
        var pageBytes: Int
        var testDescription: String { "codec \(codec?.rawValue ?? "auto"), encoding \(encoding?.rawValue ?? "auto"), pages of \(pageBytes) B" }
    }

    static let cases: [Case] = [
        Case(codec: nil, encoding: nil, pageBytes: 1 << 20),
        Case(codec: nil, encoding: nil, pageBytes: 64),
        Case(codec: .lz4, encoding: nil, pageBytes: 300),
        Case(codec: .zstd, encoding: nil, pageBytes: 1000),
        Case(codec: PageCodec.none, encoding: .plain, pageBytes: 128),
        Case(codec: nil, encoding: .bitpacked, pageBytes: 200),
        Case(codec: nil, encoding: .dictionary, pageBytes: 150),
        Case(codec: .lz4, encoding: .varbinary, pageBytes: 100),
        Case(codec: nil, encoding: .fixedSizeList, pageBytes: 90),
    ]

    @Test(arguments: cases)
    func valuesSurviveExactly(testCase: Case) async throws {
        var rng = SeededRandom(seed: 77)
        var options = FileWriterOptions()
        options.codec = testCase.codec
        options.fixedPageBytes = testCase.pageBytes
        options.variablePageBytes = testCase.pageBytes
        options.checksumBlockBytes = 512
        if let encoding = testCase.encoding {
            for field in Self.schema.fields where encoding.supports(field.type) { options.encodings[field.name] = encoding }
        }
        var batches: [RecordBatch] = []
        var expected: [[Value]] = Array(repeating: [], count: Self.schema.fields.count)
        for size in [1, 250, 0, 97] {
            let (batch, values) = try RandomData.batch(Self.schema, count: size, nullRate: 0.3, using: &rng)
            batches.append(batch)
            for c in values.indices { expected[c] += values[c] }
        }
        let store = MemoryObjectStore()
        let reader = try await writeFile(batches, schema: Self.schema, to: store, options: options)
        #expect(reader.rowCount == 348)
        let all = try await reader.readAll()
        for c in expected.indices {
            let column = all.columns[c]
            #expect(firstDifference((0..<column.count).map(column.value(at:)), expected[c]) == nil, "column \(Self.schema.fields[c].name)")
        }
        if let encoding = testCase.encoding {
            for column in reader.columns where encoding.supports(column.field.type) {
                #expect(column.pages.allSatisfy { $0.encoding == encoding })
            }
        }
        if let codec = testCase.codec {
            #expect(reader.columns.allSatisfy { $0.pages.allSatisfy { $0.codec == codec } })
        }
        // Scans in odd batch sizes and takes of random rows agree with the values written.
        let scanner = try reader.scanner(columns: ["n3", "c12", "n16"], batchRows: 37)
        var scanned: [[Value]] = [[], [], []]
        while let batch = try await scanner.next() {
            #expect(batch.rowCount <= 37)
            for c in 0..<3 { scanned[c] += (0..<batch.rowCount).map(batch.columns[c].value(at:)) }
        }
        for (k, name) in ["n3", "c12", "n16"].enumerated() {
            #expect(firstDifference(scanned[k], expected[Self.schema.index(of: name)!]) == nil)
        }
        let rows = (0..<60).map { _ in Int.random(in: 0..<348, using: &rng) } + [347, 0, 0]
        let taken = try await reader.take(rows)
        for c in expected.indices {
            #expect(firstDifference((0..<taken.rowCount).map(taken.columns[c].value(at:)), rows.map { expected[c][$0] }) == nil,
                    "take of column \(Self.schema.fields[c].name)")
        }
        #expect(try await reader.verify().problems.isEmpty)
    }

    @Test func emptyFileHasSchemaAndNoRows() async throws {
        let store = MemoryObjectStore()
        let reader = try await writeFile([], schema: Self.schema, to: store)
        #expect(reader.rowCount == 0 && reader.schema == Self.schema)
        #expect(try await reader.readAll().rowCount == 0)
        #expect(try await reader.scanner().next() == nil)
        #expect(try await reader.take([]).rowCount == 0)
    }

    @Test func choosesEncodingsFromTheData() async throws {
        let schema = try Schema([("seq", .int64, false), ("wide", .int64, false), ("tag", .string, false), ("text", .string, false), ("emb", .vector(.float32, dimension: 4), false)])
        var rng = SeededRandom(seed: 1)
        var builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        for i in 0..<5000 {
            try builders[0].append(.int(1_700_000_000_000 + Int64(i)))
            try builders[1].append(.int(Int64.random(in: .min ... .max, using: &rng)))
            try builders[2].append(.string(["alpha", "beta", "gamma"][i % 3]))
            try builders[3].append(.string("unique text \(UInt64.random(in: 0 ... .max, using: &rng))"))
            try builders[4].append(.vector([1, 2, 3, Float(i)]))
        }
        let reader = try await writeFile([try RecordBatch(schema: schema, columns: builders.map { $0.finish() })], schema: schema, to: MemoryObjectStore())
        let encodings = reader.columns.map { $0.pages[0].encoding }
        #expect(encodings == [.bitpacked, .plain, .dictionary, .varbinary, .fixedSizeList])
        #expect(reader.columns[0].pages[0].codec == .none && reader.columns[3].pages[0].codec == .zstd)
        #expect(reader.columns[4].pages.allSatisfy { $0.codec == .none })
    }

    @Test func rejectsOptionsThatCannotApply() async throws {
        let schema = try Schema([("s", .string, true)])
        var options = FileWriterOptions()
        options.encodings = ["s": .bitpacked]
        await #expect(throws: StrataError.self) { try await FileWriter(store: MemoryObjectStore(), path: "f", schema: schema, options: options) }
        options.encodings = ["nope": .plain]
        await #expect(throws: StrataError.self) { try await FileWriter(store: MemoryObjectStore(), path: "f", schema: schema, options: options) }
    }
}
