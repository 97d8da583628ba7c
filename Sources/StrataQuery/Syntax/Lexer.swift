import StrataCore

/// Splits SQL text into tokens. Comments (`-- …` to the end of the line, `/* … */`) and
/// white space separate tokens and are dropped.
///
/// The text is read as Unicode scalars, not characters: a combining mark after a quote or
/// an operator must not merge with it into one character and hide it. Offsets count scalars.
package enum Lexer {
    /// Operators and punctuation, longest first so that `<->` wins over `<`.
    static let symbols: [String] = [
        "<->", "<=>", "<#>", "->>", "->", "<=", ">=", "<>", "!=", "||", "::", "=>",
        "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",", ".", ";", "[", "]",
    ].sorted { $0.count > $1.count }

    /// The tokens of `text`, ending with `.end`.
    /// - Throws: `.invalidQuery` at an unterminated string, quoted name or comment, a bad
    ///   parameter, or a character that starts no token.
    package static func tokens(_ text: String) throws(StrataError) -> [Token] {
        let chars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if isSpace(c) { i += 1; continue }
            if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                let start = i
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                guard i + 1 < chars.count else { throw .invalidQuery(message: "unterminated comment", offset: start) }
                i += 2
                continue
            }
            let start = i
            if c == "'" || c == "\"" {
                var value: [Unicode.Scalar] = []
                i += 1
                while true {
                    guard i < chars.count else {
                        throw .invalidQuery(message: c == "'" ? "unterminated string literal" : "unterminated quoted name", offset: start)
                    }
                    if chars[i] == c {
                        if i + 1 < chars.count, chars[i + 1] == c { value.append(c); i += 2; continue }
                        i += 1
                        break
                    }
                    value.append(chars[i])
                    i += 1
                }
                tokens.append(Token(kind: c == "'" ? .string(string(value[...])) : .quotedName(string(value[...])), offset: start))
            } else if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                i = number(chars, from: i)
                tokens.append(Token(kind: .number(string(chars[start..<i])), offset: start))
            } else if startsWord(c) {
                while i < chars.count, continuesWord(chars[i]) { i += 1 }
                tokens.append(Token(kind: .word(string(chars[start..<i])), offset: start))
            } else if c == "$" {
                i += 1
                while i < chars.count, isDigit(chars[i]) { i += 1 }
                guard let n = Int(string(chars[(start + 1)..<i])), n >= 1 else {
                    throw .invalidQuery(message: "a parameter is $ followed by a number from 1, as in $1", offset: start)
                }
                tokens.append(Token(kind: .parameter(n), offset: start))
            } else if let symbol = symbols.first(where: { matches($0, chars, at: i) }) {
                i += symbol.count
                tokens.append(Token(kind: .symbol(symbol), offset: start))
            } else {
                throw .invalidQuery(message: "unexpected character '\(c)'", offset: start)
            }
        }
        tokens.append(Token(kind: .end, offset: chars.count))
        return tokens
    }

    /// The end of the number starting at `i`: digits, an optional fraction, an optional exponent.
    private static func number(_ chars: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        func digits() { while i < chars.count, isDigit(chars[i]) { i += 1 } }
        digits()
        if i < chars.count, chars[i] == "." { i += 1; digits() }
        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
            var j = i + 1
            if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
            if j < chars.count, isDigit(chars[j]) { i = j; digits() }
        }
        return i
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    // ASCII answers first: Unicode property lookups cost more than the rest of lexing, and
    // statements are mostly ASCII (long IN lists of ids among them).

    private static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? c == " " || (c.value >= 0x09 && c.value <= 0x0D) : c.properties.isWhitespace
    }

    private static func startsWord(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? isASCIILetter(c) || c == "_" : c.properties.isAlphabetic
    }

    private static func continuesWord(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? isASCIILetter(c) || isDigit(c) || c == "_" : c.properties.isAlphabetic || c.properties.numericType != nil
    }

    private static func isASCIILetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count)
        for scalar in scalars {
            if scalar.isASCII { bytes.append(UInt8(scalar.value)) } else { UTF8.encode(scalar) { bytes.append($0) } }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func matches(_ symbol: String, _ chars: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i
        for s in symbol.unicodeScalars {
            guard j < chars.count, chars[j] == s else { return false }
            j += 1
        }
        return true
    }
}
