import StrataCore
import Testing
import TestSupport

@Suite struct DataTypeTests {
    @Test(arguments: RandomData.allTypes + [.vector(.float32, dimension: 65_536)])
    func nameRoundTrips(type: DataType) throws {
        #expect(try DataType(parsing: type.description) == type)
    }

    @Test func parsesSpacesInVectorNames() throws {
        #expect(try DataType(parsing: " vector( float16 , 768 ) ") == .vector(.float16, dimension: 768))
    }

    @Test(arguments: ["int", "vector(float32,0)", "vector(float32,65537)", "vector(float64,3)", "vector(float32)", "", "INT64"])
    func rejectsBadNames(name: String) {
        #expect(throws: StrataError.self) { try DataType(parsing: name) }
    }

    @Test func schemaRejectsDuplicates() {
        #expect(throws: StrataError.self) { try Schema([("a", .int64, true), ("a", .string, true)]) }
        #expect(throws: StrataError.self) {
            try Schema(fields: [Field(id: 1, name: "a", type: .bool), Field(id: 1, name: "b", type: .bool)])
        }
    }

    @Test func schemaJSONRoundTrips() throws {
        let schema = try Schema(fields: [
            Field(id: 4, name: "id", type: .int64, nullable: false, metadata: ["unit": "none"]),
            Field(id: 9, name: "emb", type: .vector(.float32, dimension: 384)),
        ], metadata: ["owner": "agent-1"])
        #expect(try Schema(json: Array(schema.json.utf8)) == schema)
    }

    @Test func schemaJSONDefaultsAndErrors() throws {
        let schema = try Schema(json: Array(#"{"fields":[{"name":"id","type":"int64","nullable":false},{"name":"t","type":"string"}]}"#.utf8))
        #expect(schema.fields.map(\.id) == [0, 1])
        #expect(schema.fields[1].nullable)
        for bad in [#"{"fields":[{"name":"x","type":"int"}]}"#, #"{"fields":[{"type":"int64"}]}"#, #"{"fields":[{"name":"x","type":"int64","nulable":true}]}"#, "[]"] {
            #expect(throws: StrataError.self) { try Schema(json: Array(bad.utf8)) }
        }
    }
}

@Suite struct ColumnTests {
    @Test(arguments: RandomData.allTypes)
    func builderStoresValuesExactly(type: DataType) throws {
        var rng = SeededRandom(seed: 42)
        let values = RandomData.column(type, count: 300, nullRate: 0.25, using: &rng)
        let column = try ColumnBuilder.column(type, values)
        #expect(column.count == values.count)
        #expect(column.nullCount == values.filter(\.isNull).count)
        #expect(firstDifference((0..<column.count).map(column.value(at:)), values) == nil)
        // Slices, gathers and concatenations agree with the values they were cut from.
        let slice = column.slice(17..<211)
        #expect(firstDifference((0..<slice.count).map(slice.value(at:)), Array(values[17..<211])) == nil)
        // Scattered picks with repeats, and runs with gaps (as rows kept around deletions).
        for picks in [[5, 299, 0, 5, 123], (0..<300).filter { $0 % 10 != 0 }, Array(40..<60) + Array(41..<43) + [299, 298]] {
            let gathered = column.gather(picks)
            #expect(firstDifference((0..<gathered.count).map(gathered.value(at:)), picks.map { values[$0] }) == nil)
        }
        let joined = ColumnBuffer.concatenate([(column, 200..<300), (column, 0..<3)], type: type)
        #expect(firstDifference((0..<joined.count).map(joined.value(at:)), Array(values[200..<300] + values[0..<3])) == nil)
    }

    @Test func builderRejectsOutOfRangeAndMismatches() {
        var int8 = ColumnBuilder(type: .int8)
        #expect(throws: StrataError.self) { try int8.append(.int(128)) }
        var uint64 = ColumnBuilder(type: .uint64)
        #expect(throws: StrataError.self) { try uint64.append(.int(-1)) }
        var vector = ColumnBuilder(type: .vector(.int8, dimension: 2))
        #expect(throws: StrataError.self) { try vector.append(.vector([1.5, 2])) }
        #expect(throws: StrataError.self) { try vector.append(.vector([1])) }
        var json = ColumnBuilder(type: .json)
        #expect(throws: StrataError.self) { try json.append(.json("{bad")) }
        var string = ColumnBuilder(type: .string)
        #expect(throws: StrataError.self) { try string.append(.int(1)) }
    }

    @Test func batchChecksNullabilityAndLengths() throws {
        let schema = try Schema([("id", .int64, false), ("name", .string, true)])
        let ids = try ColumnBuilder.column(.int64, [.int(1), .null])
        let names = try ColumnBuilder.column(.string, [.string("a"), .null])
        #expect(throws: StrataError.self) { try RecordBatch(schema: schema, columns: [ids, names]) }
        let shortNames = try ColumnBuilder.column(.string, [.string("a")])
        let goodIds = try ColumnBuilder.column(.int64, [.int(1), .int(2)])
        #expect(throws: StrataError.self) { try RecordBatch(schema: schema, columns: [goodIds, shortNames]) }
        #expect(try RecordBatch(schema: schema, columns: [goodIds, names]).rowCount == 2)
    }
}

@Suite struct Float16Tests {
    @Test func everyHalfRoundTripsThroughFloat() {
        for bits in 0...UInt16.max {
            let value = Float(float16Bits: bits)
            if value.isNaN { #expect(value.float16Bits & 0x7C00 == 0x7C00 && value.float16Bits & 0x3FF != 0); continue }
            #expect(value.float16Bits == bits)
        }
    }

    #if arch(x86_64) || arch(arm64)
    @Test func roundingMatchesTheStandardLibrary() {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<200_000 {
            let x = Float(bitPattern: UInt32.random(in: 0 ... .max, using: &rng))
            guard !x.isNaN else { continue }
            #expect(x.float16Bits == Float16(x).bitPattern, "\(x)")
        }
    }
    #endif
}
