import StrataCore

/// Integer columns widened to 64-bit patterns in one typed pass, shared by the
/// frame-of-reference choice, bit-packing and statistics of a page.
enum IntegerWidening {
    /// The values of an integer or timestamp column as 64-bit patterns: sign-extended for
    /// signed types, zero-extended for unsigned ones. Null slots hold 0.
    static func widen(_ column: ColumnBuffer) -> [UInt64] {
        let count = column.count
        return [UInt64](unsafeUninitializedCapacity: count) { out, initialized in
            column.values.withUnsafeBytes { raw in
                // Safety: `raw` holds `count × width` bytes (ColumnBuffer's layout invariant).
                switch column.type {
                case .int8: for i in 0..<count { out[i] = UInt64(bitPattern: Int64(Int8(bitPattern: raw[i]))) }
                case .uint8: for i in 0..<count { out[i] = UInt64(raw[i]) }
                case .int16: for i in 0..<count { out[i] = UInt64(bitPattern: Int64(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 2, as: Int16.self)))) }
                case .uint16: for i in 0..<count { out[i] = UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))) }
                case .int32: for i in 0..<count { out[i] = UInt64(bitPattern: Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 4, as: Int32.self)))) }
                case .uint32: for i in 0..<count { out[i] = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))) }
                default: for i in 0..<count { out[i] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)) }
                }
            }
            initialized = count
        }
    }

    /// The smallest and largest non-null value (as patterns compared in the type's order), or
    /// nil when every row is null.
    static func range(_ wide: [UInt64], validity: ValidityBitmap?, signed: Bool) -> (low: UInt64, high: UInt64)? {
        // Comparing signed patterns with the sign bit flipped orders them as unsigned.
        let flip: UInt64 = signed ? 1 << 63 : 0
        var low = UInt64.max, high = UInt64.min, any = false
        if let validity {
            for i in wide.indices where validity.isValid(i) {
                let v = wide[i] ^ flip
                if v < low { low = v }
                if v > high { high = v }
                any = true
            }
        } else {
            any = !wide.isEmpty
            for v in wide {
                let key = v ^ flip
                if key < low { low = key }
                if key > high { high = key }
            }
        }
        return any ? (low ^ flip, high ^ flip) : nil
    }
}
