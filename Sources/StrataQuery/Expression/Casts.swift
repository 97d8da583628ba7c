import StrataCore

/// Conversions between expression types (CAST and the binder's implicit ones).
enum Casts {
    /// `values` of type `from` converted to `to`, row by row; JSON scalars convert to the
    /// matching type and any other JSON value gives null (so `metadata->'n' > 3` is simply
    /// false where `n` is not a number). Text that does not parse is an error.
    static func cast(_ values: EvalVector, from: SQLType, to: SQLType) throws(StrataError) -> EvalVector {
        if from == to { return values }
        switch (from, to) {
        case (.int, .float):
            if case let .ints(v, valid) = values { return .floats(v.map(Double.init), valid: valid) }
        case (.float, .int):
            if case let .floats(v, valid) = values {
                var out = [Int64](repeating: 0, count: v.count)
                for row in v.indices where valid?[row] ?? true {
                    let r = v[row].rounded()
                    guard r.isFinite, r >= -9.223372036854775808e18, r < 9.223372036854775808e18 else {
                        throw .invalidQuery(message: "\(v[row]) is out of the int range", offset: nil)
                    }
                    out[row] = Int64(r)
                }
                return .ints(out, valid: valid)
            }
        default: break
        }
        var builder = ColumnBuilder(type: to.dataType, capacity: values.count)
        for row in 0..<values.count {
            let converted = try convert(values.value(row, type: from), from: from, to: to)
            if converted.isNull { builder.appendNull() } else { try builder.append(converted) }
        }
        return try .of(builder.finish())
    }

    /// One value of type `from` as a value of type `to` (`.null` stays null).
    static func convert(_ value: Value, from: SQLType, to: SQLType) throws(StrataError) -> Value {
        if value.isNull { return .null }
        if from == to { return value }
        func fail() -> StrataError {
            .invalidQuery(message: "cannot convert \(ExpressionPrinter.literal(value)) to \(to)", offset: nil)
        }
        if from == .json, case let .json(text) = value {
            guard let json = try? JSONParser.parse(text) else { throw fail() }
            return try fromJSON(json, to: to)
        }
        switch (value, to) {
        case let (.string(s), .json):
            guard (try? JSONParser.parse(s)) != nil else { throw fail() }
            return .json(s)
        case (_, .json):
            return .json(JSONRows.text(value))
        case let (.int(v), .float): return .float64(Double(v))
        case let (.int(v), .string): return .string(String(v))
        case let (.int(v), .bool): return .bool(v != 0)
        case let (.float64(v), .int):
            let r = v.rounded()
            guard r.isFinite, r >= -9.223372036854775808e18, r < 9.223372036854775808e18 else { throw fail() }
            return .int(Int64(r))
        case let (.float64(v), .string): return .string("\(v)")
        case let (.bool(b), .string): return .string(b ? "true" : "false")
        case let (.bool(b), .int): return .int(b ? 1 : 0)
        case let (.timestamp(v), .string): return .string(Timestamp.format(v) ?? String(v))
        case let (.string(s), .int):
            guard let v = Int64(s.trimming { $0 == " " }) else { throw fail() }
            return .int(v)
        case let (.string(s), .float):
            guard let v = Double(s.trimming { $0 == " " }) else { throw fail() }
            return .float64(v)
        case let (.string(s), .bool):
            switch s.lowercased() {
            case "true", "t", "yes", "1": return .bool(true)
            case "false", "f", "no", "0": return .bool(false)
            default: throw fail()
            }
        case let (.string(s), .timestamp):
            guard let v = try? Timestamp.parse(s) else { throw fail() }
            return .timestamp(v)
        case let (.string(s), .binary): return .binary(Array(s.utf8))
        case let (.binary(b), .string):
            guard let s = String(validating: b, as: UTF8.self) else { throw fail() }
            return .string(s)
        case let (.vector(v), .string): return .string(JSONRows.text(.vector(v)))
        default: throw fail()
        }
    }

    /// A JSON value as a value of `type`: strings to text (and to timestamps when they
    /// parse), numbers to int or float, booleans to bool; anything else, or a kind that does
    /// not fit, is null.
    static func fromJSON(_ json: JSONValue, to type: SQLType) throws(StrataError) -> Value {
        switch (json, type) {
        case let (.string(s), .string): return .string(s)
        case let (.string(s), .timestamp): return (try? Timestamp.parse(s)).map(Value.timestamp) ?? .null
        case let (.number(n), .int): return Int64(n).map(Value.int) ?? Double(n).flatMap { $0 == $0.rounded() && abs($0) < 9.2e18 ? Value.int(Int64($0)) : nil } ?? .null
        case let (.number(n), .float): return Double(n).map(Value.float64) ?? .null
        case let (.number(n), .string): return .string(n)
        case let (.bool(b), .bool): return .bool(b)
        case let (.bool(b), .string): return .string(b ? "true" : "false")
        case (.null, _): return .null
        case (_, .string): return .string(json.text)
        case (_, .json): return .json(json.text)
        default: return .null
        }
    }
}
