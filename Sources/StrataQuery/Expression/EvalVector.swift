import StrataCore

/// The values of one expression for every row of a batch, in the representation its type
/// evaluates fastest in. What the values mean is given by the expression's `SQLType`.
package enum EvalVector: Sendable {
    /// The same value in every row (a constant, or a null). Intervals are `.int` microseconds.
    case constant(Value, count: Int)
    /// Booleans in Kleene codes: 0 false, 1 unknown (null), 2 true, so that AND is the
    /// minimum, OR the maximum and NOT is 2 − x.
    case bools([UInt8])
    /// int, timestamp and interval (microseconds) values; `valid` nil when none is null.
    case ints([Int64], valid: [Bool]?)
    /// float values.
    case floats([Double], valid: [Bool]?)
    /// string, binary, json and vector values in the column layout (vectors as float32).
    case buffer(ColumnBuffer)

    /// Kleene codes.
    package static let falseCode: UInt8 = 0, unknownCode: UInt8 = 1, trueCode: UInt8 = 2

    /// Number of rows.
    package var count: Int {
        switch self {
        case let .constant(_, count): return count
        case let .bools(codes): return codes.count
        case let .ints(values, _): return values.count
        case let .floats(values, _): return values.count
        case let .buffer(column): return column.count
        }
    }

    /// Whether row `row` is null.
    package func isNull(_ row: Int) -> Bool {
        switch self {
        case let .constant(value, _): return value.isNull
        case let .bools(codes): return codes[row] == Self.unknownCode
        case let .ints(_, valid): return valid.map { !$0[row] } ?? false
        case let .floats(_, valid): return valid.map { !$0[row] } ?? false
        case let .buffer(column): return column.isNull(row)
        }
    }

    /// Row `row` as a value of `type` (`.null` when null).
    package func value(_ row: Int, type: SQLType) -> Value {
        if isNull(row) { return .null }
        switch self {
        case let .constant(value, _): return value
        case let .bools(codes): return .bool(codes[row] == Self.trueCode)
        case let .ints(values, _): return type == .timestamp ? .timestamp(values[row]) : .int(values[row])
        case let .floats(values, _): return .float64(values[row])
        case let .buffer(column): return column.value(at: row)
        }
    }

    /// The Kleene code of row `row` of a bool vector.
    package func code(_ row: Int) -> UInt8 {
        switch self {
        case let .bools(codes): return codes[row]
        case let .constant(.bool(b), _): return b ? Self.trueCode : Self.falseCode
        default: return Self.unknownCode
        }
    }

    /// The Kleene codes of a bool vector, one per row.
    package var codes: [UInt8] {
        switch self {
        case let .bools(codes): return codes
        default: return (0..<count).map(code)
        }
    }

    /// The values as a column of type `type.dataType`, for results.
    package func column(type: SQLType) throws(StrataError) -> ColumnBuffer {
        if case let .buffer(column) = self, column.type == type.dataType { return column }
        return try Self.column((0..<count).map { value($0, type: type) }, type: type)
    }

    /// Values of expression type `type` as a column of `type.dataType`: intervals as their
    /// text, timestamps computed as ints as ints.
    package static func column(_ values: [Value], type: SQLType) throws(StrataError) -> ColumnBuffer {
        var builder = ColumnBuilder(type: type.dataType, capacity: values.count)
        for value in values {
            switch (type, value) {
            case (_, .null): builder.appendNull()
            case let (.interval, .int(micros)): try builder.append(.string(Interval(micros: micros).description))
            case let (.int, .timestamp(v)): try builder.append(.int(v))
            default: try builder.append(value)
            }
        }
        return builder.finish()
    }

    /// Reads a column of a batch into its evaluation form.
    /// - Throws: `.invalidQuery` for a uint64 value beyond the int range.
    package static func of(_ column: ColumnBuffer) throws(StrataError) -> EvalVector {
        let n = column.count
        let valid: [Bool]? = column.validity.map { v in (0..<n).map { v.isValid($0) } }
        func ints<T: FixedWidthInteger>(_: T.Type) -> [Int64] {
            column.values.withUnsafeBytes { raw in (0..<n).map { Int64(truncatingIfNeeded: T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self))) } }
        }
        switch column.type {
        case .bool:
            return .bools((0..<n).map { row in
                if column.isNull(row) { return unknownCode }
                return column.values[row >> 3] & (1 << UInt8(row & 7)) != 0 ? trueCode : falseCode
            })
        case .int8: return .ints(ints(Int8.self), valid: valid)
        case .int16: return .ints(ints(Int16.self), valid: valid)
        case .int32: return .ints(ints(Int32.self), valid: valid)
        case .int64, .timestamp: return .ints(ints(Int64.self), valid: valid)
        case .uint8: return .ints(ints(UInt8.self), valid: valid)
        case .uint16: return .ints(ints(UInt16.self), valid: valid)
        case .uint32: return .ints(ints(UInt32.self), valid: valid)
        case .uint64:
            let values = ints(Int64.self)
            if let row = values.indices.first(where: { values[$0] < 0 && !(column.isNull($0)) }) {
                throw .invalidQuery(message: "uint64 value \(UInt64(bitPattern: values[row])) is beyond the int range of expressions", offset: nil)
            }
            return .ints(values, valid: valid)
        case .float32:
            return .floats(column.values.withUnsafeBytes { raw in (0..<n).map { Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }, valid: valid)
        case .float64:
            return .floats(column.values.withUnsafeBytes { raw in (0..<n).map { Double(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) } }, valid: valid)
        case .string, .binary, .json:
            return .buffer(column)
        case let .vector(element, dimension):
            if element == .float32 { return .buffer(column) }
            var builder = ColumnBuilder(type: .vector(.float32, dimension: dimension), capacity: n)
            for row in 0..<n { try? builder.append(column.value(at: row)) }
            return .buffer(builder.finish())
        }
    }
}
