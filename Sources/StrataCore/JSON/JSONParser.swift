/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Strict means: no trailing commas, no comments, no leading zeros, no unescaped control
/// characters, no lone surrogates, valid UTF-8 only, no duplicate object keys, nesting at most
/// `maxDepth` deep (so hostile input cannot exhaust the stack).
public struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maxDepth = 256

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON document (surrounding whitespace allowed).
    /// - Throws: `StrataError.invalidInput` with the byte offset of the problem.
    public static func parse(_ bytes: [UInt8]) throws(StrataError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// Parses one JSON document given as text.
    public static func parse(_ text: String) throws(StrataError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses a JSON object and returns each member with the exact source bytes of its value,
    /// so that a JSON-typed column can store the value as written.
    /// - Throws: `StrataError.invalidInput` when the text is not one JSON object.
    public static func parseObjectWithSources(_ bytes: [UInt8]) throws(StrataError) -> [(key: String, value: JSONValue, source: ArraySlice<UInt8>)] {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        guard parser.peek() == UInt8(ascii: "{") else { throw parser.error("expected a JSON object") }
        parser.position += 1
        var members: [(key: String, value: JSONValue, source: ArraySlice<UInt8>)] = []
        var keys = Set<String>()
        parser.skipWhitespace()
        if parser.peek() == UInt8(ascii: "}") {
            parser.position += 1
        } else {
            while true {
                parser.skipWhitespace()
                let key = try parser.parseKey(&keys)
                parser.skipWhitespace()
                let start = parser.position
                let value = try parser.parseValue()
                members.append((key, value, bytes[start..<parser.position]))
                parser.skipWhitespace()
                if try parser.endOfContainer(closing: "}") { break }
            }
        }
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON object") }
        return members
    }

    private func error(_ why: String) -> StrataError {
        .invalidInput(what: "JSON", why: "\(why) at byte \(position)")
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let b = peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { position += 1 }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(StrataError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input") }
        for i in 0..<count where bytes[position + i] != literal.utf8Start[i] {
            throw error("invalid literal")
        }
        position += count
    }

    private mutating func parseValue() throws(StrataError) -> JSONValue {
        guard let b = peek() else { throw error("unexpected end of input") }
        switch b {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character '\(Unicode.Scalar(b))'")
        }
    }

    private mutating func enter() throws(StrataError) {
        depth += 1
        guard depth <= JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth)") }
    }

    /// After a member or element: consumes `,` (returns false) or the closing bracket (true).
    private mutating func endOfContainer(closing: Unicode.Scalar) throws(StrataError) -> Bool {
        switch peek() {
        case UInt8(ascii: ","): position += 1; return false
        case UInt8(ascii: closing): position += 1; return true
        default: throw error("expected ',' or '\(closing)'")
        }
    }

    private mutating func parseKey(_ keys: inout Set<String>) throws(StrataError) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
        let keyStart = position
        let key = try parseString()
        guard keys.insert(key).inserted else {
            position = keyStart
            throw error("duplicate key \"\(key)\"")
        }
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw error("expected ':'") }
        position += 1
        return key
    }

    private mutating func parseObject() throws(StrataError) -> JSONValue {
        try enter()
        position += 1
        var members: [(String, JSONValue)] = []
        var keys = Set<String>()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                let key = try parseKey(&keys)
                skipWhitespace()
                members.append((key, try parseValue()))
                skipWhitespace()
                if try endOfContainer(closing: "}") { break }
            }
        }
        depth -= 1
        return .object(members)
    }

    private mutating func parseArray() throws(StrataError) -> JSONValue {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                elements.append(try parseValue())
                skipWhitespace()
                if try endOfContainer(closing: "]") { break }
            }
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func parseNumber() throws(StrataError) -> String {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), isDigit(first) else { throw error("expected a digit") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard let d = peek(), isDigit(d) else { throw error("expected a digit after '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let d = peek(), isDigit(d) else { throw error("expected a digit in the exponent") }
            skipDigits()
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let b = peek(), isDigit(b) { position += 1 }
    }

    private mutating func parseString() throws(StrataError) -> String {
        position += 1  // opening quote
        // Runs between escapes are appended whole (a String append copies bytes; appending
        // scalar by scalar costs several times more).
        var out = ""
        var runStart = position
        func flushRun(_ parser: JSONParser, upTo end: Int) throws(StrataError) {
            if end > runStart {
                guard let text = String(validating: parser.bytes[runStart..<end], as: UTF8.self) else {
                    throw parser.error("invalid UTF-8 in string")
                }
                out.append(text)
            }
        }
        while true {
            guard let b = peek() else { throw error("unterminated string") }
            if b == UInt8(ascii: "\"") {
                try flushRun(self, upTo: position)
                position += 1
                return out
            }
            if b < 0x20 { throw error("unescaped control character in string") }
            if b != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            try flushRun(self, upTo: position)
            position += 1
            guard let escape = peek() else { throw error("unterminated escape") }
            position += 1
            switch escape {
            case UInt8(ascii: "\""): out.unicodeScalars.append("\"")
            case UInt8(ascii: "\\"): out.unicodeScalars.append("\\")
            case UInt8(ascii: "/"): out.unicodeScalars.append("/")
            case UInt8(ascii: "b"): out.unicodeScalars.append("\u{08}")
            case UInt8(ascii: "f"): out.unicodeScalars.append("\u{0C}")
            case UInt8(ascii: "n"): out.unicodeScalars.append("\n")
            case UInt8(ascii: "r"): out.unicodeScalars.append("\r")
            case UInt8(ascii: "t"): out.unicodeScalars.append("\t")
            case UInt8(ascii: "u"): out.unicodeScalars.append(try parseUnicodeEscape())
            default: throw error("invalid escape '\\\(Unicode.Scalar(escape))'")
            }
            runStart = position
        }
    }

    private mutating func parseHex4() throws(StrataError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func parseUnicodeEscape() throws(StrataError) -> Unicode.Scalar {
        let first = try parseHex4()
        if (0xDC00...0xDFFF).contains(first) { throw error("lone low surrogate") }
        if (0xD800...0xDBFF).contains(first) {
            guard position + 2 <= bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw error("lone high surrogate")
            }
            position += 2
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else { throw error("high surrogate without a low surrogate") }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        }
        return Unicode.Scalar(first)!
    }
}
