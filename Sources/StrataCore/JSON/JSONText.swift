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

    /// A finite float16 value (held in a `Float`) as the shortest decimal that rounds back to
    /// the same half: `6e-08`, not the float32 spelling `5.9604645e-08`.
    public static func float16Number(_ value: Float) -> String {
        let bits = value.float16Bits
        // Try increasing precision until the text reads back to the same half.
        for digits in 1...9 {
            let text = shortest(value, significantDigits: digits)
            if let parsed = Float(text), parsed.float16Bits == bits { return text }
        }
        return value.description
    }

    /// `value` rounded to `digits` significant digits, spelled like Swift's `description`.
    private static func shortest(_ value: Float, significantDigits digits: Int) -> String {
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let magnitude = Double(abs(value))
        let exponent = Int((magnitude.ulp > 0 ? log10Floor(magnitude) : 0))
        let scale = pow10(digits - 1 - exponent)
        let rounded = (magnitude * scale).rounded() / scale
        let candidate = Float(rounded) * (value.sign == .minus ? -1 : 1)
        return candidate.description
    }

    private static func log10Floor(_ x: Double) -> Int {
        var e = 0
        var v = x
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 { v *= 10; e -= 1 }
        return e
    }

    private static func pow10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(n) { result *= 10 }
        return n >= 0 ? result : 1 / result
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
