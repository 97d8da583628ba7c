/// Frame-of-reference transform: integers become unsigned offsets from the page minimum, so a
/// page of large but close values (ids, timestamps) bit-packs at the width of its range.
///
/// Every fixed-width integer type is widened to 64 bits first. The offset `v - min` is taken
/// with wrapping arithmetic on the two's-complement bit patterns, which is exact for any pair
/// `min ≤ v` of the same signedness: the true difference is below 2⁶⁴.
public enum FrameOfReference {
    /// Offsets of signed `values` from `reference` (which must be ≤ every value).
    /// - Complexity: O(n).
    public static func encode(_ values: UnsafeBufferPointer<Int64>, reference: Int64, into output: UnsafeMutableBufferPointer<UInt64>) {
        precondition(output.count >= values.count, "output too small")
        for i in values.indices {
            output[i] = UInt64(bitPattern: values[i]) &- UInt64(bitPattern: reference)
        }
    }

    /// Restores signed values from offsets: `reference + offset`, wrapping.
    /// - Complexity: O(n).
    public static func decode(_ offsets: UnsafeBufferPointer<UInt64>, reference: Int64, into output: UnsafeMutableBufferPointer<Int64>) {
        precondition(output.count >= offsets.count, "output too small")
        let base = UInt64(bitPattern: reference)
        for i in offsets.indices {
            output[i] = Int64(bitPattern: base &+ offsets[i])
        }
    }

    /// Adds `reference` to every offset in place (the unsigned form of `decode`).
    /// - Complexity: O(n).
    public static func decodeInPlace(_ values: UnsafeMutableBufferPointer<UInt64>, reference: UInt64) {
        if reference == 0 { return }
        for i in values.indices { values[i] = values[i] &+ reference }
    }

    /// Scalar reference for `encode`: the difference in 128-bit arithmetic, which cannot wrap.
    /// Used by property tests only.
    public static func encodeReference(_ values: [Int64], reference: Int64) -> [UInt64] {
        values.map { UInt64(Int128($0) - Int128(reference)) }
    }
}
