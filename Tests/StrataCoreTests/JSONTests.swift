import StrataCore
import Testing
import TestSupport

@Suite struct JSONParserTests {
    @Test(arguments: [
        "null", "true", "0", "-0", "1.5e-3", "\"a\\u00e9\\ud83d\\ude00\"", "[1,[2,{}]]", #"{"a":{"b":[]}}"#, "  [ ]  ",
        "18446744073709551616", "\"\\/\\b\\f\\n\\r\\t\"",
    ])
    func acceptsValidJSON(text: String) throws {
        _ = try JSONParser.parse(text)
    }

    @Test(arguments: [
        "", "01", "1.", ".5", "+1", "[1,]", "{\"a\":1,}", "{\"a\":1,\"a\":2}", "'x'", "\"\\ud800\"", "\"\\udc00x\"", "nul",
        "[1] 2", "\"tab\there\"", "{a:1}", "\"\\x\"", "1e", "-",
    ])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: StrataError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: StrataError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: StrataError.self) { try JSONParser.parse(String(repeating: "[", count: 100_000)) }
        #expect(throws: (any Error).self) { try JSONParser.parse(String(repeating: "[", count: 300) + String(repeating: "]", count: 300)) }
    }

    @Test func keepsSourcesOfObjectMembers() throws {
        let members = try JSONParser.parseObjectWithSources(Array(#"{"j": {"a" : [1, 2.50]} , "n":-0.0}"#.utf8))
        #expect(String(decoding: members[0].source, as: UTF8.self) == #"{"a" : [1, 2.50]}"#)
        #expect(members[1].value == .number("-0.0"))
    }

    @Test func quotingRoundTrips() throws {
        for text in ["", "plain", "quote\" back\\slash", "\u{0}\u{1F}\n\t", "日本😀", "\u{2028}"] {
            #expect(try JSONParser.parse(JSONText.quoted(text)) == .string(text))
        }
    }
}

@Suite struct JSONRowsTests {
    @Test func integersAtTheExtremesSurvive() throws {
        let schema = try Schema([("a", .int64, true), ("b", .uint64, true), ("c", .int8, true)])
        let row = try JSONRows.row(Array(#"{"a":-9223372036854775808,"b":18446744073709551615,"c":-128}"#.utf8), schema: schema)
        #expect(row == [.int(.min), .uint(.max), .int(-128)])
        for bad in [#"{"a":9223372036854775808}"#, #"{"b":-1}"#, #"{"a":1.0}"#, #"{"zz":1}"#, #"{"a":"1"}"#] {
            #expect(throws: StrataError.self) { try JSONRows.row(Array(bad.utf8), schema: schema) }
        }
    }

    @Test func floatsSurviveBitForBit() throws {
        var rng = SeededRandom(seed: 9)
        for _ in 0..<20_000 {
            let d = Double(bitPattern: UInt64.random(in: 0 ... .max, using: &rng))
            let f = Float(bitPattern: UInt32.random(in: 0 ... .max, using: &rng))
            let back64 = try JSONText.float(JSONParser.parse(JSONText.number(d)), as: Double.self)
            let back32 = try JSONText.float(JSONParser.parse(JSONText.number(f)), as: Float.self)
            #expect(d.isNaN ? back64.isNaN : back64.bitPattern == d.bitPattern)
            #expect(f.isNaN ? back32.isNaN : back32.bitPattern == f.bitPattern)
        }
        for special: Double in [-0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .infinity, -.infinity] {
            #expect(try JSONText.float(JSONParser.parse(JSONText.number(special)), as: Double.self).bitPattern == special.bitPattern)
        }
        #expect(throws: StrataError.self) { try JSONText.float(.number("1e39"), as: Float.self) }
    }

    @Test func lineRoundTripsEveryType() throws {
        var rng = SeededRandom(seed: 13)
        let schema = try Schema(RandomData.allTypes.enumerated().map { ("c\($0.offset)", $0.element, true) })
        let (batch, values) = try RandomData.batch(schema, count: 200, using: &rng)
        for row in 0..<batch.rowCount {
            let back = try JSONRows.row(Array(JSONRows.line(batch, row: row).utf8), schema: schema)
            #expect(firstDifference(back, values.map { $0[row] }) == nil)
        }
    }
}

@Suite struct TimestampTests {
    @Test func knownValues() throws {
        #expect(try Timestamp.parse("1970-01-01T00:00:00Z") == 0)
        #expect(try Timestamp.parse("1970-01-01") == 0)
        #expect(try Timestamp.parse("2000-02-29T12:00:00.5+02:00") == 951_818_400_500_000)
        #expect(try Timestamp.parse("1969-12-31 23:59:59.999999") == -1)
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(951_818_400_500_000) == "2000-02-29T10:00:00.500000Z")
        #expect(Timestamp.format(.max) == nil)
    }

    @Test(arguments: ["2023-02-29", "2024-13-01", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00.0000001Z", "2024-1-01", "yesterday", "2024-01-01T00:00Zjunk"])
    func rejectsInvalid(text: String) {
        #expect(throws: StrataError.self) { try Timestamp.parse(text) }
    }

    @Test func formatParseRoundTrips() throws {
        var rng = SeededRandom(seed: 21)
        let low = try Timestamp.parse("0001-01-01T00:00:00Z"), high = try Timestamp.parse("9999-12-31T23:59:59.999999Z")
        for _ in 0..<20_000 {
            let micros = Int64.random(in: low...high, using: &rng)
            #expect(try Timestamp.parse(Timestamp.format(micros)!) == micros)
        }
    }
}

@Suite struct Base64Tests {
    @Test func roundTripsAndRejects() throws {
        var rng = SeededRandom(seed: 2)
        for count in 0..<70 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = Base64.encode(bytes)
            #expect(try Base64.decode(text) == bytes)
            #expect(try Base64.decode(String(text.prefix { $0 != "=" })) == bytes)
        }
        #expect(try Base64.decode("AAEC/w==") == [0, 1, 2, 255])
        #expect(try Base64.decode("AAEC_w") == [0, 1, 2, 255])
        for bad in ["A", "AA=A", "****", "AAA==="] { #expect(throws: StrataError.self) { try Base64.decode(bad) } }
    }
}
