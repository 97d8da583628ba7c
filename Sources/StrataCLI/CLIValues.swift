import Strata

/// A vector given as a JSON array of finite numbers.
func parseVector(_ json: JSONValue, what: String) throws(StrataError) -> [Float] {
    guard case let .array(elements) = json else { throw .invalidInput(what: what, why: "the vector must be a JSON array of numbers") }
    return try elements.map { (element) throws(StrataError) -> Float in
        guard case let .number(text) = element, let value = Float(text), value.isFinite else {
            throw .invalidInput(what: what, why: "vector element \(element.text) is not a finite number")
        }
        return value
    }
}

/// A time given as ISO-8601 text (spec/sql.md §3) or as a number: seconds since 1970 below
/// 10¹¹, milliseconds below 10¹⁴, else microseconds.
func parseTime(_ json: JSONValue, what: String) throws(StrataError) -> Int64 {
    switch json {
    case let .string(text):
        do { return try Timestamp.parse(text) } catch { throw .invalidInput(what: what, why: "'\(text)' is not a time: \(error.description)") }
    case let .number(text):
        guard let value = Double(text), value.isFinite, abs(value) < 9e18 else { throw .invalidInput(what: what, why: "\(text) is not a time") }
        let magnitude = abs(value)
        return Int64((magnitude < 1e11 ? value * 1_000_000 : magnitude < 1e14 ? value * 1_000 : value).rounded())
    default:
        throw .invalidInput(what: what, why: "a time is ISO-8601 text or a number")
    }
}

/// A JSON line built field by field, in order.
struct JSONLine {
    private var text = "{"

    mutating func add(_ key: String, _ value: String?) {
        field(key, value.map(JSONText.quoted) ?? "null")
    }

    mutating func add(_ key: String, json: String?) {
        field(key, json ?? "null")
    }

    mutating func add(_ key: String, _ value: Int?) {
        field(key, value.map { "\($0)" } ?? "null")
    }

    mutating func add(_ key: String, _ value: Double?) {
        field(key, value.map { $0.isFinite ? JSONText.number($0) : "null" } ?? "null")
    }

    mutating func add(_ key: String, time: Int64?) {
        field(key, time.map { Timestamp.format($0).map(JSONText.quoted) ?? "\($0)" } ?? "null")
    }

    mutating func add(_ key: String, _ value: Bool) {
        field(key, value ? "true" : "false")
    }

    private mutating func field(_ key: String, _ json: String) {
        if text.count > 1 { text += "," }
        text += JSONText.quoted(key) + ":" + json
    }

    /// Writes the line to standard output.
    func write() throws {
        try StandardOutput.shared.line(text + "}")
    }
}

/// One JSON object of a JSON Lines input, with the words that name its line in errors.
struct JSONLineObject {
    let fields: [String: JSONValue]
    /// `PATH line N`.
    let what: String
    let line: Int

    /// The string at `key`; nil when absent or null.
    /// - Throws: `.invalidInput` when it is another kind of value.
    func string(_ key: String) throws(StrataError) -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case let .string(text)?: return text
        default: throw .invalidInput(what: what, why: "\"\(key)\" must be a string")
        }
    }
}

/// The JSON objects of a JSON Lines file, one per non-blank line.
struct JSONObjectLines {
    private let reader: LineReader
    private let path: String
    private var number = 0

    init(path: String) throws {
        reader = try LineReader(path: path)
        self.path = path
    }

    /// The next object; nil at the end.
    /// - Throws: `.invalidInput` naming the line for text that is not a JSON object.
    mutating func next() throws -> JSONLineObject? {
        while let bytes = try reader.next() {
            number += 1
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let what = "\(path) line \(number)"
            let parsed: JSONValue
            do { parsed = try JSONParser.parse(bytes) } catch { throw StrataError.invalidInput(what: what, why: error.description) }
            guard case let .object(members) = parsed else { throw StrataError.invalidInput(what: what, why: "expected a JSON object") }
            return JSONLineObject(fields: Dictionary(members, uniquingKeysWith: { first, _ in first }), what: what, line: number)
        }
        return nil
    }
}
