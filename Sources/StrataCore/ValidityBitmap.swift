import StrataKernels

/// Which values of a column are present: bit `i` set means row `i` is not null.
public struct ValidityBitmap: Sendable, Hashable {
    /// LSB-first bits; `bytes.count == (count + 7) / 8`, bits past `count` are zero.
    public private(set) var bytes: [UInt8]
    /// Number of rows described.
    public private(set) var count: Int

    /// An empty bitmap with room for `capacity` rows.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(Bitmaps.byteCount(bits: capacity))
        count = 0
    }

    /// A bitmap of `count` rows, all valid or all null.
    public init(repeating valid: Bool, count: Int) {
        bytes = [UInt8](repeating: valid ? 0xFF : 0, count: Bitmaps.byteCount(bits: count))
        self.count = count
        if valid { clearTail() }
    }

    /// Wraps stored bits.
    /// - Precondition: `bytes` holds at least `(count + 7) / 8` bytes.
    public init(bytes: [UInt8], count: Int) {
        precondition(bytes.count >= Bitmaps.byteCount(bits: count), "bitmap too short")
        self.bytes = Array(bytes.prefix(Bitmaps.byteCount(bits: count)))
        self.count = count
        clearTail()
    }

    /// Whether row `index` holds a value.
    @inlinable
    public func isValid(_ index: Int) -> Bool {
        precondition(index >= 0 && index < count, "row \(index) outside bitmap of \(count)")
        return (bytes[index >> 3] >> UInt8(index & 7)) & 1 == 1
    }

    /// Appends one row's validity.
    public mutating func append(_ valid: Bool) {
        if count & 7 == 0 { bytes.append(0) }
        if valid { bytes[count >> 3] |= 1 << UInt8(count & 7) }
        count += 1
    }

    /// Appends `other.count` rows of `other` starting at bit `offset` of it.
    public mutating func append(_ other: ValidityBitmap, range: Range<Int>) {
        let start = count
        count += range.count
        bytes.append(contentsOf: repeatElement(0, count: Bitmaps.byteCount(bits: count) - bytes.count))
        other.bytes.withUnsafeBytes { input in
            bytes.withUnsafeMutableBytes { output in
                Bitmaps.copyBits(from: input, at: range.lowerBound, to: output, at: start, count: range.count)
            }
        }
    }

    /// Number of null rows.
    public var nullCount: Int {
        count - bytes.withUnsafeBytes { Bitmaps.popCount($0, bitCount: count) }
    }

    private mutating func clearTail() {
        if count & 7 != 0 { bytes[bytes.count - 1] &= UInt8((1 << (count & 7)) - 1) }
    }
}
