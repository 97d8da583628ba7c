import Strata

/// One golden file: what it covers, its schema, its rows and the writer settings that force
/// the encodings or codecs it is about.
struct Fixture {
    var name: String
    var description: String
    var schema: Schema
    var rows: [[Value]]
    var options = FileWriterOptions()
    var metadata: [String: String] = [:]
}

/// The positive fixtures: files every reader of this major version must read exactly.
enum Fixtures {
    static func all() throws -> [Fixture] {
        var fixtures: [Fixture] = []
        let everyType = try Schema(allTypes.enumerated().map { ("c\($0.offset)_\(name($0.element))", $0.element, false) })
        let everyTypeNullable = try Schema(allTypes.enumerated().map { ("c\($0.offset)_\(name($0.element))", $0.element, true) })
        var rng = Generator(seed: 1)
        fixtures.append(Fixture(name: "types-all", description: "every data type, no nulls, 40 rows",
                                schema: everyType, rows: rows(everyType, count: 40, nullEvery: 0, &rng)))
        fixtures.append(Fixture(name: "types-nullable", description: "every data type, nullable, every third value null, plus an all-null last column",
                                schema: try Schema(everyTypeNullable.fields.map { ($0.name, $0.type, true) } + [("all_null", .string, true)]),
                                rows: rows(everyTypeNullable, count: 40, nullEvery: 3, &rng).map { $0 + [.null] }))
        for encoding in PageEncoding.allCases {
            var options = FileWriterOptions()
            for field in everyTypeNullable.fields where encoding.supports(field.type) { options.encodings[field.name] = encoding }
            fixtures.append(Fixture(name: "encoding-\(encoding.rawValue)", description: "the \(encoding.rawValue) encoding, forced on every column that supports it, with nulls",
                                    schema: everyTypeNullable, rows: rows(everyTypeNullable, count: 30, nullEvery: 4, &rng), options: options))
        }
        for codec in PageCodec.allCases {
            var options = FileWriterOptions()
            options.codec = codec
            fixtures.append(Fixture(name: "codec-\(codec.rawValue)", description: "the \(codec.rawValue) codec on every page",
                                    schema: everyTypeNullable, rows: rows(everyTypeNullable, count: 60, nullEvery: 5, &rng), options: options))
        }
        fixtures.append(Fixture(name: "empty", description: "an empty file: every type in the schema, zero rows, zero pages", schema: everyTypeNullable, rows: []))
        fixtures.append(Fixture(name: "one-row", description: "a single row of every type", schema: everyType, rows: rows(everyType, count: 1, nullEvery: 0, &rng)))
        var small = FileWriterOptions()
        small.fixedPageBytes = 2048
        small.variablePageBytes = 256
        small.checksumBlockBytes = 512
        let multi = try Schema([("id", .int64, false), ("score", .float64, true), ("flag", .bool, true), ("tag", .string, true), ("emb", .vector(.float32, dimension: 4), false)])
        fixtures.append(Fixture(name: "multi-page", description: "2,000 rows cut into many pages per column, uncompressed pages with 512-byte checksum blocks",
                                schema: multi, rows: rows(multi, count: 2000, nullEvery: 7, &rng), options: small))
        fixtures.append(unicode())
        fixtures.append(try floats())
        fixtures.append(try integers())
        fixtures.append(try vectors(&rng))
        fixtures.append(try timestamps())
        fixtures.append(try bytesAndJSON())
        var withMetadata = Fixture(name: "metadata", description: "key/value metadata on the file, the schema and a field; non-sequential field ids",
                                   schema: try Schema(fields: [Field(id: 7, name: "k", type: .string, nullable: false, metadata: ["role": "key"]),
                                                               Field(id: 3, name: "v", type: .int32, nullable: true)],
                                                      metadata: ["table": "demo"]),
                                   rows: [[.string("a"), .int(1)], [.string("b"), .null]])
        withMetadata.options.metadata = ["writer.note": "conformance", "empty": ""]
        fixtures.append(withMetadata)
        return fixtures
    }

    static let allTypes: [DataType] = DataType.scalarTypes + [.vector(.float32, dimension: 3), .vector(.float16, dimension: 3), .vector(.int8, dimension: 3)]

    static func name(_ type: DataType) -> String {
        type.description.replacingOccurrences(of: "(", with: "_").replacingOccurrences(of: ")", with: "").replacingOccurrences(of: ",", with: "_")
    }

    static func rows(_ schema: Schema, count: Int, nullEvery: Int, _ rng: inout Generator) -> [[Value]] {
        (0..<count).map { r in
            schema.fields.enumerated().map { c, field in
                if field.nullable && nullEvery > 0 && (r + c) % nullEvery == 0 { return .null }
                return rng.value(field.type, row: r)
            }
        }
    }

    static func unicode() -> Fixture {
        let texts = ["", "ascii", "é (precomposed)", "e\u{301} (combining)", "\u{0}nul inside", "tab\tnewline\nquote\"backslash\\",
                     "\u{FEFF}byte order mark", "日本語のテキスト", "עברית (right to left)", "😀 astral", "👩‍👩‍👧‍👦 zero-width joiner family",
                     "\u{FFFF} and \u{10FFFF}", "\u{7F}\u{80}\u{7FF}\u{800}", String(repeating: "long ", count: 200)]
        let schema = try! Schema([("text", .string, false), ("label", .string, true)])
        return Fixture(name: "unicode", description: "UTF-8 edge cases: empty, NUL, combining marks, BOM, RTL, astral plane, ZWJ sequences, U+FFFF, U+10FFFF, 1,000-byte value",
                       schema: schema, rows: texts.enumerated().map { [.string($0.element), $0.offset % 2 == 0 ? .string($0.element) : .null] })
    }

    static func floats() throws -> Fixture {
        let doubles: [Double] = [.nan, 0.0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
                                 .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, 0.1, 1e-300, 123456789.123456789, .pi]
        let schema = try Schema([("f32", .float32, false), ("f64", .float64, false), ("v32", .vector(.float32, dimension: 2), false), ("v16", .vector(.float16, dimension: 2), false)])
        let rows: [[Value]] = doubles.map { d in
            let f = Float(d)
            let half = Float(float16Bits: f.float16Bits)
            return [.float32(f), .float64(d), .vector([f, -f]), .vector([half, -half])]
        } + [[.float32(.leastNonzeroMagnitude), .float64(.leastNonzeroMagnitude), .vector([Float.leastNormalMagnitude, 3.4028235e38]), .vector([Float(float16Bits: 1), Float(float16Bits: 0x7BFF)])]]
        return Fixture(name: "floats-special", description: "NaN, ±0, ±infinity, subnormals, extreme finite values in float32, float64 and float32/float16 vectors", schema: schema, rows: rows)
    }

    static func integers() throws -> Fixture {
        let types: [DataType] = [.int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64]
        let schema = try Schema(types.map { ($0.description, $0, false) })
        func extremes(_ type: DataType) -> [Value] {
            switch type {
            case .int8: return [.int(Int64(Int8.min)), .int(Int64(Int8.max)), .int(0), .int(-1)]
            case .int16: return [.int(Int64(Int16.min)), .int(Int64(Int16.max)), .int(0), .int(-1)]
            case .int32: return [.int(Int64(Int32.min)), .int(Int64(Int32.max)), .int(0), .int(-1)]
            case .int64: return [.int(.min), .int(.max), .int(0), .int(-1)]
            case .uint8: return [.uint(0), .uint(UInt64(UInt8.max)), .uint(1), .uint(128)]
            case .uint16: return [.uint(0), .uint(UInt64(UInt16.max)), .uint(1), .uint(32768)]
            case .uint32: return [.uint(0), .uint(UInt64(UInt32.max)), .uint(1), .uint(1 << 31)]
            default: return [.uint(0), .uint(.max), .uint(1), .uint(1 << 63)]
            }
        }
        let columns = types.map(extremes)
        return Fixture(name: "integer-extremes", description: "minimum, maximum, 0 and ±1 of every integer type (bit-packing at full width)",
                       schema: schema, rows: (0..<4).map { r in columns.map { $0[r] } })
    }

    static func vectors(_ rng: inout Generator) throws -> Fixture {
        let schema = try Schema([("d1", .vector(.float32, dimension: 1), false), ("d1536", .vector(.float32, dimension: 1536), true),
                                 ("h1536", .vector(.float16, dimension: 1536), true), ("q1", .vector(.int8, dimension: 1), false)])
        return Fixture(name: "vectors", description: "vectors of dimension 1 and 1,536 (float32, float16, int8), with nulls, spanning checksum blocks",
                       schema: schema, rows: rows(schema, count: 12, nullEvery: 5, &rng))
    }

    static func timestamps() throws -> Fixture {
        let values: [Int64] = [0, -1, 1, 951_818_400_500_000, -62_135_596_800_000_000, 253_402_300_799_999_999, .min, .max, 1_735_689_600_123_456]
        return Fixture(name: "timestamps", description: "timestamps: the epoch, ±1 µs, leap day, years 0001 and 9999, and the int64 extremes (written as integers)",
                       schema: try Schema([("t", .timestamp, false)]), rows: values.map { [.timestamp($0)] })
    }

    static func bytesAndJSON() throws -> Fixture {
        let schema = try Schema([("b", .binary, true), ("j", .json, true)])
        let binaries: [[UInt8]] = [[], [0], Array(0...255), [0xFF, 0xFE, 0xFD]]
        let jsons = ["{}", "[]", "\"text\"", "-0.0", "18446744073709551616", "{\"a\":{\"b\":[1,2,{\"c\":null}]},\"d\":\"é\"}", "true"]
        let rows: [[Value]] = (0..<7).map { i in [i < binaries.count ? .binary(binaries[i]) : .null, .json(jsons[i])] }
        return Fixture(name: "binary-json", description: "binary values (empty, every byte value) and json values of every JSON kind, stored as written",
                       schema: schema, rows: rows + [[.null, .null]])
    }
}

/// Deterministic values for the fixtures (SplitMix64), independent of any library RNG.
struct Generator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func value(_ type: DataType, row: Int) -> Value {
        let h = next()
        switch type {
        case .bool: return .bool(h & 1 == 1)
        case .int8: return .int(Int64(Int8(truncatingIfNeeded: h)))
        case .int16: return .int(Int64(Int16(truncatingIfNeeded: h)))
        case .int32: return .int(Int64(Int32(truncatingIfNeeded: h)) >> 8)
        case .int64: return .int(row % 3 == 0 ? Int64(bitPattern: h) : 1_000_000 + Int64(h % 5000))
        case .uint8: return .uint(UInt64(UInt8(truncatingIfNeeded: h)))
        case .uint16: return .uint(UInt64(UInt16(truncatingIfNeeded: h)))
        case .uint32: return .uint(UInt64(UInt32(truncatingIfNeeded: h)) >> 4)
        case .uint64: return .uint(h)
        case .float32: return .float32(Float(Int64(h % 2_000_001) - 1_000_000) / 64)
        case .float64: return .float64(Double(Int64(bitPattern: h) >> 11) / 1024)
        case .timestamp: return .timestamp(1_700_000_000_000_000 + Int64(h % 10_000_000_000))
        case .string: return .string(["alpha", "beta", "gamma", "δέλτα", "", "row-\(row)-\(h % 1000)"][Int(h % 6)])
        case .binary: return .binary((0..<Int(h % 9)).map { UInt8(truncatingIfNeeded: h >> UInt64($0 * 7)) })
        case .json: return .json("{\"row\":\(row),\"tags\":[\"t\(h % 4)\"],\"score\":\(Double(h % 1000) / 8)}")
        case let .vector(element, dimension):
            return .vector((0..<dimension).map { i in
                let bits = (h >> UInt64(i % 56)) ^ UInt64(i) &* 0x9E37
                switch element {
                case .float32: return Float(Int64(bits % 20_001) - 10_000) / 4096
                case .float16: return Float(float16Bits: (Float(Int64(bits % 2001) - 1000) / 100).float16Bits)
                case .int8: return Float(Int8(truncatingIfNeeded: bits))
                }
            })
        }
    }
}
