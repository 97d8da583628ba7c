/// Writing JSON text: string escaping and the exact spelling of floats.
public enum JSONText {
    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped,
    /// everything else (non-ASCII included) written as UTF-8.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

    /// A float as JSON: the shortest decimal that reads back to the same bits (`-0.0`,
    /// `1e-45`), or the strings "NaN", "Infinity", "-Infinity", which JSON numbers cannot express.
    public static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) -> String {
        if value.isNaN { return "\"NaN\"" }
        if value.isInfinite { return value < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        return value.description
    }

    /// Parses the float spellings `number(_:)` writes, and any JSON number.
    /// - Throws: `StrataError.invalidInput` when the value is not a number or one of the three
    ///   strings, or a finite number overflows the type.
    public static func float<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: JSONValue, as: F.Type) throws(StrataError) -> F {
        switch value {
        case let .number(text):
            guard let parsed = F(text) else { throw .invalidInput(what: "number \(text)", why: "is not a valid \(F.self)") }
            guard parsed.isFinite else { throw .invalidInput(what: "number \(text)", why: "overflows \(F.self)") }
            return parsed
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default:
            throw .invalidInput(what: "\(value.kindName)", why: "expected a number or \"NaN\", \"Infinity\", \"-Infinity\"")
        }
    }
}
