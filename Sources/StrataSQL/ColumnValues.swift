import StrataCore
import StrataQuery

/// Values computed by SQL stored into columns (INSERT, UPDATE): the assignment rules of
/// spec/sql.md "Types" — numbers convert between widths when they fit, text converts to
/// timestamps, JSON, binary and vectors when it parses, anything else is an error naming the
/// column.
enum ColumnValues {
    static func coerce(_ value: Value, to field: Field) throws(StrataError) -> Value {
        func fail(_ why: String = "") -> StrataError {
            .invalidQuery(message: "column '\(field.name)' is \(field.type); \(describe(value)) does not fit\(why)", offset: nil)
        }
        if value.isNull {
            guard field.nullable else { throw .invalidQuery(message: "column '\(field.name)' is NOT NULL", offset: nil) }
            return .null
        }
        switch (field.type, value) {
        case (.bool, .bool): return value
        case let (.int8, .int(v)), let (.int16, .int(v)), let (.int32, .int(v)), let (.int64, .int(v)):
            guard fits(v, field.type) else { throw fail(" (out of range)") }
            return .int(v)
        case let (.uint8, .int(v)), let (.uint16, .int(v)), let (.uint32, .int(v)), let (.uint64, .int(v)):
            guard v >= 0, fits(v, field.type) else { throw fail(" (out of range)") }
            return .uint(UInt64(v))
        case let (_, .float64(v)) where field.type.isSignedInteger || field.type.isUnsignedInteger:
            guard v == v.rounded(), abs(v) < 9.2e18 else { throw fail(" (not a whole number)") }
            return try coerce(.int(Int64(v)), to: field)
        case let (.uint8, .uint(v)), let (.uint16, .uint(v)), let (.uint32, .uint(v)), let (.uint64, .uint(v)):
            guard v <= UInt64(Int64.max) ? fits(Int64(v), field.type) : field.type == .uint64 else { throw fail(" (out of range)") }
            return value
        case let (.float32, .int(v)): return .float32(Float(v))
        case (.float32, .float32): return value
        case let (.float64, .float32(v)): return .float64(Double(v))
        case let (.float64, .int(v)): return .float64(Double(v))
        case let (.float32, .float64(v)): return .float32(Float(v))
        case (.float64, .float64): return value
        case let (.timestamp, .timestamp(v)):
            guard Arithmetic.timestampRange.contains(v) else { throw fail(" (years 1…9999)") }
            return value
        case let (.timestamp, .string(text)):
            guard let micros = try? Timestamp.parse(text), Arithmetic.timestampRange.contains(micros) else {
                throw fail(": write 'YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][Z|±HH:MM]'")
            }
            return .timestamp(micros)
        case (.string, .string): return value
        case let (.binary, .string(text)): return .binary(Array(text.utf8))
        case (.binary, .binary): return value
        case (.json, .json): return value
        case let (.json, .string(text)):
            guard (try? JSONParser.parse(text)) != nil else { throw fail(": not valid JSON") }
            return .json(text)
        case (.json, _): return .json(JSONRows.text(value))
        case let (.vector(element, dimension), .vector(v)):
            guard v.count == dimension else { throw fail(" (\(v.count) elements, the column has \(dimension))") }
            return try rounded(v, element, fail)
        case let (.vector(element, dimension), .string(text)):
            guard let v = try? Binder.vector(from: .string(text)), v.count == dimension else { throw fail(": expected [\(dimension) numbers]") }
            return try rounded(v, element, fail)
        default:
            throw fail()
        }
    }

    /// A vector for an `element` column: int8 elements rounded to the nearest integer
    /// (half away from zero) and checked against −128…127; float16 rounds when stored, and a
    /// finite element beyond its range (±65504) is an error rather than an infinity.
    private static func rounded(_ v: [Float], _ element: VectorElement, _ fail: (String) -> StrataError) throws(StrataError) -> Value {
        if element == .float16 {
            guard v.allSatisfy(\.fitsFloat16) else { throw fail(" (a float16 element must be within ±65504)") }
        }
        guard element == .int8 else { return .vector(v) }
        let codes = v.map { $0.rounded(.toNearestOrAwayFromZero) }
        guard codes.allSatisfy({ (-128...127).contains($0) }) else { throw fail(" (an int8 element must be in −128…127)") }
        return .vector(codes)
    }

    private static func fits(_ v: Int64, _ type: DataType) -> Bool {
        switch type {
        case .int8: return Int8(exactly: v) != nil
        case .int16: return Int16(exactly: v) != nil
        case .int32: return Int32(exactly: v) != nil
        case .uint8: return UInt8(exactly: v) != nil
        case .uint16: return UInt16(exactly: v) != nil
        case .uint32: return UInt32(exactly: v) != nil
        default: return true
        }
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .int, .uint: return "integer \(JSONRows.text(value))"
        case .float32, .float64: return "number \(JSONRows.text(value))"
        case .string: return "text \(JSONRows.text(value))"
        case .bool: return "boolean \(JSONRows.text(value))"
        case let .vector(v): return "a vector of \(v.count) elements"
        case .timestamp: return "timestamp \(JSONRows.text(value))"
        default: return JSONRows.text(value)
        }
    }
}
