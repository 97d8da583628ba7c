/// Accumulates the values of one column, row by row, into a `ColumnBuffer`.
///
/// ```swift
/// var ids = ColumnBuilder(type: .int64)
/// try ids.append(.int(7))
/// ids.appendNull()
/// let column = ids.finish()
/// ```
public struct ColumnBuilder: Sendable {
    /// The column's type.
    public let type: DataType
    /// Rows appended so far.
    public private(set) var count = 0
    private var values: [UInt8] = []
    private var offsets: [Int] = []
    private var validity: ValidityBitmap?  // created at the first null

    /// Creates an empty builder with room for `capacity` rows.
    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        if type.isVariableWidth {
            offsets.reserveCapacity(capacity + 1)
            offsets.append(0)
        } else if let width = type.fixedWidth {
            values.reserveCapacity(capacity * width)
        }
    }

    /// Appends a null row.
    public mutating func appendNull() {
        if validity == nil { validity = ValidityBitmap(repeating: true, count: count) }
        validity!.append(false)
        if type.isVariableWidth {
            offsets.append(values.count)
        } else if let width = type.fixedWidth {
            values.append(contentsOf: repeatElement(0, count: width))
        } else {
            appendBitValue(false)
        }
        count += 1
    }

    /// Appends one value, which must suit the column type (`.null` appends a null).
    /// - Throws: `StrataError.invalidInput` when the value's kind does not match the type or
    ///   an integer does not fit its width.
    public mutating func append(_ value: Value) throws(StrataError) {
        switch (type, value) {
        case (_, .null): appendNull(); return
        case let (.bool, .bool(v)): appendBitValue(v)
        case (.int8, _), (.int16, _), (.int32, _), (.int64, _), (.uint8, _), (.uint16, _), (.uint32, _), (.uint64, _):
            try appendInteger(value)
        case let (.timestamp, .timestamp(v)), let (.timestamp, .int(v)): appendFixed(v)
        case let (.float32, .float32(v)): appendFixed(v.bitPattern)
        case let (.float64, .float64(v)): appendFixed(v.bitPattern)
        case let (.float64, .float32(v)): appendFixed(Double(v).bitPattern)
        case let (.string, .string(v)): appendVariable(v.utf8)
        case let (.json, .json(v)):
            _ = try JSONParser.parse(v)
            appendVariable(v.utf8)
        case let (.binary, .binary(v)): appendVariable(v)
        case let (.vector(element, dimension), .vector(v)):
            guard v.count == dimension else {
                throw .invalidInput(what: "vector of \(v.count) elements", why: "the column is \(type)")
            }
            try VectorCoding.append(v, element: element, to: &values)
        default:
            throw .invalidInput(what: "value \(value)", why: "does not match column type \(type)")
        }
        if validity != nil { validity!.append(true) }
        count += 1
    }

    /// Appends the raw bytes of a variable-width value without a row check of its content.
    /// - Precondition: the column is variable width.
    public mutating func appendBytes<C: Collection<UInt8>>(_ bytes: C) {
        precondition(type.isVariableWidth, "appendBytes needs a variable-width column")
        appendVariable(bytes)
        if validity != nil { validity!.append(true) }
        count += 1
    }

    /// `appendBytes` for a slice of bytes: the concrete form page decoders call from other
    /// modules, where the generic one would run unspecialised, byte by byte.
    public mutating func appendBytes(_ bytes: ArraySlice<UInt8>) {
        precondition(type.isVariableWidth, "appendBytes needs a variable-width column")
        values.append(contentsOf: bytes)
        offsets.append(values.count)
        if validity != nil { validity!.append(true) }
        count += 1
    }

    /// Appends a fixed-width value given as its little-endian integer representation.
    /// - Precondition: the type's width equals `T`'s size.
    public mutating func appendRaw<T: FixedWidthInteger>(_ bits: T) {
        precondition(type.fixedWidth == MemoryLayout<T>.size, "width mismatch")
        appendFixed(bits)
        if validity != nil { validity!.append(true) }
        count += 1
    }

    /// Appends a non-null bool.
    /// - Precondition: the column is bool.
    package mutating func appendBit(_ bit: Bool) {
        precondition(type == .bool, "appendBit needs a bool column")
        appendBitValue(bit)
        if validity != nil { validity!.append(true) }
        count += 1
    }

    /// Appends one non-null fixed-width value given as its stored bytes.
    /// - Precondition: `bytes.count` is the type's width.
    package mutating func appendFixedBytes<C: Collection<UInt8>>(_ bytes: C) {
        precondition(bytes.count == type.fixedWidth, "width mismatch")
        values.append(contentsOf: bytes)
        if validity != nil { validity!.append(true) }
        count += 1
    }

    /// `appendFixedBytes` for a slice of bytes (see `appendBytes(_: ArraySlice<UInt8>)`).
    package mutating func appendFixedBytes(_ bytes: ArraySlice<UInt8>) {
        precondition(bytes.count == type.fixedWidth, "width mismatch")
        values.append(contentsOf: bytes)
        if validity != nil { validity!.append(true) }
        count += 1
    }

    /// The finished column. The builder can go on being used.
    public func finish() -> ColumnBuffer {
        ColumnBuffer(type: type, count: count, validity: validity, values: values, offsets: type.isVariableWidth ? offsets : [])
    }

    private mutating func appendInteger(_ value: Value) throws(StrataError) {
        let wide: Int128
        switch value {
        case let .int(v): wide = Int128(v)
        case let .uint(v): wide = Int128(v)
        default: throw .invalidInput(what: "value \(value)", why: "does not match column type \(type)")
        }
        func fit<T: FixedWidthInteger>(_: T.Type) throws(StrataError) -> T {
            guard let v = T(exactly: wide) else {
                throw .invalidInput(what: "integer \(wide)", why: "outside the range of \(type) (\(T.min)…\(T.max))")
            }
            return v
        }
        switch type {
        case .int8: appendFixed(try fit(Int8.self))
        case .int16: appendFixed(try fit(Int16.self))
        case .int32: appendFixed(try fit(Int32.self))
        case .int64: appendFixed(try fit(Int64.self))
        case .uint8: appendFixed(try fit(UInt8.self))
        case .uint16: appendFixed(try fit(UInt16.self))
        case .uint32: appendFixed(try fit(UInt32.self))
        default: appendFixed(try fit(UInt64.self))
        }
    }

    private mutating func appendVariable<C: Collection<UInt8>>(_ bytes: C) {
        values.append(contentsOf: bytes)
        offsets.append(values.count)
    }

    private mutating func appendFixed<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { values.append(contentsOf: $0) }
    }

    private mutating func appendBitValue(_ bit: Bool) {
        if count & 7 == 0 { values.append(0) }
        if bit { values[count >> 3] |= 1 << UInt8(count & 7) }
    }
}

extension ColumnBuilder {
    /// Builds a column from values.
    /// - Throws: `StrataError.invalidInput` as `append` does.
    public static func column(_ type: DataType, _ values: [Value]) throws(StrataError) -> ColumnBuffer {
        var builder = ColumnBuilder(type: type, capacity: values.count)
        for value in values { try builder.append(value) }
        return builder.finish()
    }
}
