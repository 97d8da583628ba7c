/// Kernels over LSB-first bitmaps: bit `i` is bit `i % 8` of byte `i / 8`. Validity bitmaps
/// (1 = value present) and boolean columns use this layout.
public enum Bitmaps {
    /// Bytes needed for `bitCount` bits.
    @inlinable
    public static func byteCount(bits bitCount: Int) -> Int { (bitCount + 7) / 8 }

    /// Whether bit `index` is set.
    @inlinable
    public static func isSet(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        (bytes[index >> 3] >> UInt8(index & 7)) & 1 == 1
    }

    /// Number of set bits among the first `bitCount` bits.
    /// - Complexity: O(n / 64).
    public static func popCount(_ bytes: UnsafeRawBufferPointer, bitCount: Int) -> Int {
        precondition(bytes.count >= byteCount(bits: bitCount), "bitmap too short")
        var total = 0
        let fullWords = bitCount / 64
        for w in 0..<fullWords {
            total &+= UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: w &* 8, as: UInt64.self)).nonzeroBitCount
        }
        for i in (fullWords * 64)..<bitCount where isSet(bytes, i) { total &+= 1 }
        return total
    }

    /// Copies `count` bits starting at bit `source` of `input` to bit `destination` of `output`.
    /// - Complexity: O(count).
    public static func copyBits(
        from input: UnsafeRawBufferPointer, at source: Int,
        to output: UnsafeMutableRawBufferPointer, at destination: Int, count: Int
    ) {
        precondition(byteCount(bits: source + count) <= input.count, "source range outside bitmap")
        precondition(byteCount(bits: destination + count) <= output.count, "destination range outside bitmap")
        if source & 7 == 0 && destination & 7 == 0 {
            let whole = count / 8
            if whole > 0 {
                // Safety: both ranges were checked against their buffers above.
                output.baseAddress!.advanced(by: destination / 8)
                    .copyMemory(from: input.baseAddress!.advanced(by: source / 8), byteCount: whole)
            }
            for i in (whole * 8)..<count { setBit(output, destination + i, isSet(input, source + i)) }
            return
        }
        for i in 0..<count { setBit(output, destination + i, isSet(input, source + i)) }
    }

    /// Sets or clears bit `index`.
    @inlinable
    public static func setBit(_ bytes: UnsafeMutableRawBufferPointer, _ index: Int, _ value: Bool) {
        let byte = index >> 3
        let mask = UInt8(1) << UInt8(index & 7)
        if value { bytes[byte] |= mask } else { bytes[byte] &= ~mask }
    }

    /// Scalar reference for `popCount`. Used by property tests only.
    public static func popCountReference(_ bytes: [UInt8], bitCount: Int) -> Int {
        (0..<bitCount).filter { (bytes[$0 / 8] >> UInt8($0 % 8)) & 1 == 1 }.count
    }
}
