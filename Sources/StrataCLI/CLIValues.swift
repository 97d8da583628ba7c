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
