/// Conversion between JSON Lines and record batches, under these conventions (shared by the
/// `strata file write` / `cat` commands and the conformance fixtures):
///
/// - one JSON object per line; keys are column names; a missing key or `null` is a null;
///   a key that names no column is an error;
/// - integers are JSON integers, exact to the extremes of int64 and uint64;
/// - floats are JSON numbers (read with correct rounding, written as the shortest text that
///   reads back to the same bits, so `-0.0` and subnormals survive), or the strings "NaN",
///   "Infinity", "-Infinity";
/// - timestamps are ISO-8601 strings or integers (microseconds since the epoch, UTC); they
///   are written as ISO-8601 (`2024-05-01T12:30:00.25Z` style, six fraction digits), or as
///   integers when the year is outside 0001…9999;
/// - binary values are base64 strings; json values are any JSON value, stored as written
///   (except the literal `null`, which means SQL NULL here as for every other type);
/// - vectors are arrays of numbers.
public enum JSONRows {
    /// Converts one parsed value to a `Value` of `type`.
    /// - Throws: `StrataError.invalidInput` when the JSON kind or range does not suit the type.
    public static func value(_ json: JSONValue, source: ArraySlice<UInt8>, type: DataType) throws(StrataError) -> Value {
        if case .null = json { return .null }
        switch type {
        case .bool:
            guard case let .bool(v) = json else { throw mismatch(json, type) }
            return .bool(v)
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64:
            guard case let .number(text) = json else { throw mismatch(json, type) }
            return try integer(text, type: type)
        case .float32: return .float32(try JSONText.float(json, as: Float.self))
        case .float64: return .float64(try JSONText.float(json, as: Double.self))
        case .timestamp:
            switch json {
            case let .number(text):
                guard let micros = Int64(text) else {
                    throw .invalidInput(what: "timestamp \(text)", why: "integer microseconds must fit in int64")
                }
                return .timestamp(micros)
            case let .string(text): return .timestamp(try Timestamp.parse(text))
            default: throw mismatch(json, type)
            }
        case .string:
            guard case let .string(v) = json else { throw mismatch(json, type) }
            return .string(v)
        case .binary:
            guard case let .string(v) = json else { throw mismatch(json, type) }
            return .binary(try Base64.decode(v))
        case .json:
            return .json(String(decoding: source, as: UTF8.self))
        case let .vector(element, dimension):
            guard case let .array(elements) = json else { throw mismatch(json, type) }
            guard elements.count == dimension else {
                throw .invalidInput(what: "vector of \(elements.count) elements", why: "the column is \(type)")
            }
            var floats: [Float] = []
            floats.reserveCapacity(dimension)
            for item in elements {
                let x = try JSONText.float(item, as: Float.self)
                // float16 elements hold the nearest half, as they will be stored.
                guard element == .float16 else { floats.append(x); continue }
                guard x.fitsFloat16 else { throw .invalidInput(what: "number \(x)", why: "is beyond the range of float16 (±65504)") }
                floats.append(Float(float16Bits: x.float16Bits))
            }
            return .vector(floats)
        }
    }

    /// Parses one JSONL line into a row of `schema` (values in schema order).
    /// - Throws: `StrataError.invalidInput` naming the column and the problem.
    public static func row(_ line: [UInt8], schema: Schema) throws(StrataError) -> [Value] {
        let members = try JSONParser.parseObjectWithSources(line)
        var row = [Value](repeating: .null, count: schema.fields.count)
        for member in members {
            guard let index = schema.index(of: member.key) else {
                throw .invalidInput(what: "key \"\(member.key)\"", why: "no column of that name")
            }
            let field = schema.fields[index]
            do {
                row[index] = try value(member.value, source: member.source, type: field.type)
            } catch {
                throw .invalidInput(what: "column '\(field.name)'", why: error.description)
            }
        }
        for (field, value) in zip(schema.fields, row) where value.isNull && !field.nullable {
            throw .invalidInput(what: "column '\(field.name)'", why: "is not nullable but the row has no value for it")
        }
        return row
    }

    /// Row `row` of `batch` as one JSON object (no newline), keys in column order.
    public static func line(_ batch: RecordBatch, row: Int) -> String {
        var out = "{"
        for (c, field) in batch.schema.fields.enumerated() {
            if c > 0 { out += "," }
            out += JSONText.quoted(field.name) + ":" + text(batch.columns[c].value(at: row), type: field.type)
        }
        return out + "}"
    }

    /// A value of a column of `type` as JSON text, in the conventions above: vector elements
    /// in the shortest spelling of their element type (int8 as integers, float16 as the
    /// shortest decimal that reads back to the same half).
    public static func text(_ value: Value, type: DataType) -> String {
        guard case let .vector(elements) = value, case let .vector(element, _) = type, element != .float32 else { return text(value) }
        return "[" + elements.map { x in
            switch element {
            case .int8: return String(Int(x))
            default: return x.isFinite ? JSONText.float16Number(x) : JSONText.number(x)
            }
        }.joined(separator: ",") + "]"
    }

    /// A value as JSON text, in the conventions above (vector elements as float32).
    public static func text(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case let .bool(v): return v ? "true" : "false"
        case let .int(v): return String(v)
        case let .uint(v): return String(v)
        case let .float32(v): return JSONText.number(v)
        case let .float64(v): return JSONText.number(v)
        case let .timestamp(v): return Timestamp.format(v).map(JSONText.quoted) ?? String(v)
        case let .string(v): return JSONText.quoted(v)
        case let .binary(v): return JSONText.quoted(Base64.encode(v))
        // Line breaks in stored JSON are white space between tokens (JSON strings cannot
        // hold raw ones): spaces keep the value one line, as JSON Lines needs.
        case let .json(v): return v.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) ? String(v.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 }) : v
        case let .vector(v): return "[" + v.map(JSONText.number).joined(separator: ",") + "]"
        }
    }

    /// An integer lexeme as the canonical value of `type` (`.int` for signed, `.uint` for
    /// unsigned), checked against the type's range.
    private static func integer(_ text: String, type: DataType) throws(StrataError) -> Value {
        guard let wide = Int128(text) else {
            let digits = text.drop { $0 == "-" }
            let isInteger = !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
            throw .invalidInput(what: "number \(text)", why: isInteger ? "outside the range of \(type)" : "\(type) needs an integer")
        }
        let range: ClosedRange<Int128>
        switch type {
        case .int8: range = Int128(Int8.min)...Int128(Int8.max)
        case .int16: range = Int128(Int16.min)...Int128(Int16.max)
        case .int32: range = Int128(Int32.min)...Int128(Int32.max)
        case .int64: range = Int128(Int64.min)...Int128(Int64.max)
        case .uint8: range = 0...Int128(UInt8.max)
        case .uint16: range = 0...Int128(UInt16.max)
        case .uint32: range = 0...Int128(UInt32.max)
        default: range = 0...Int128(UInt64.max)
        }
        guard range.contains(wide) else {
            throw .invalidInput(what: "number \(text)", why: "outside the range of \(type) (\(range.lowerBound)…\(range.upperBound))")
        }
        return type.isSignedInteger ? .int(Int64(wide)) : .uint(UInt64(wide))
    }

    private static func mismatch(_ json: JSONValue, _ type: DataType) -> StrataError {
        .invalidInput(what: json.kindName, why: "cannot be stored in a \(type) column")
    }
}
