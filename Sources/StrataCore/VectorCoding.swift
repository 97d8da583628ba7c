/// Conversions between vector elements as `Float` and their stored little-endian bytes.
public enum VectorCoding {
    /// Decodes `count` elements starting at element `start` of `bytes`.
    public static func decode(_ bytes: [UInt8], element: VectorElement, from start: Int, count: Int) -> [Float] {
        bytes.withUnsafeBytes { raw in
            (start..<(start + count)).map { i in
                switch element {
                case .float32: return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                case .float16: return Float(float16Bits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))
                case .int8: return Float(Int8(bitPattern: raw[i]))
                }
            }
        }
    }

    /// Appends `elements` in the storage form of `element`.
    /// - Throws: `StrataError.invalidInput` when an int8 element is not an integer in -128…127.
    public static func append(_ elements: [Float], element: VectorElement, to bytes: inout [UInt8]) throws(StrataError) {
        switch element {
        case .float32:
            for x in elements { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        case .float16:
            for x in elements { withUnsafeBytes(of: x.float16Bits.littleEndian) { bytes.append(contentsOf: $0) } }
        case .int8:
            for x in elements {
                guard let v = Int8(exactly: x) else {
                    throw .invalidInput(what: "int8 vector element \(x)", why: "must be an integer in -128…127")
                }
                bytes.append(UInt8(bitPattern: v))
            }
        }
    }
}

extension Float {
    /// The value of an IEEE 754 binary16 bit pattern, exactly (every binary16 is a binary32).
    public init(float16Bits bits: UInt16) {
        let sign = UInt32(bits >> 15) << 31
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F {  // infinity or NaN: keep the payload bits
            self = Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        } else if exponent == 0 {  // zero or subnormal: mantissa × 2⁻²⁴
            let magnitude = Float(mantissa) * 0x1p-24
            self = sign != 0 ? -magnitude : magnitude
        } else {
            self = Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
        }
    }

    /// Whether the value survives as a binary16: not finite already, or within ±65504 once
    /// rounded (a finite value that rounds to infinity does not).
    public var fitsFloat16: Bool { !isFinite || abs(self) < 65520 }

    /// The nearest IEEE 754 binary16 bit pattern (round half to even; overflow to infinity;
    /// NaN stays NaN).
    public var float16Bits: UInt16 {
        let bits = bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        if isNaN { return sign | 0x7E00 | UInt16((bits >> 13) & 0x1FF) }
        let magnitude = abs(self)
        if magnitude >= 65520 { return sign | 0x7C00 }  // rounds to infinity
        if magnitude < 0x1p-14 {
            // Subnormal (or zero): value / 2⁻²⁴, rounded to nearest even by Float's own rounding.
            let scaled = (magnitude * 0x1p24).rounded(.toNearestOrEven)
            return sign | UInt16(scaled)
        }
        let exponent = Int(magnitude.exponent)  // -14…15
        let significand = magnitude.significand  // 1 ≤ s < 2
        var mantissa = ((significand - 1) * 1024).rounded(.toNearestOrEven)
        var biased = exponent + 15
        if mantissa == 1024 {
            mantissa = 0
            biased += 1
        }
        return sign | UInt16(biased) << 10 | UInt16(mantissa)
    }
}
