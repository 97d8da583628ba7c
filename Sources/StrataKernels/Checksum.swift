import CXXHash

/// XXH3-64 checksums, the one checksum of Strata's file format.
///
/// XXH3 is chosen because it runs at memory bandwidth (tens of GB/s), so verifying every page
/// on every read costs little next to the read itself, and because its 64 bits make an
/// undetected random corruption vanishingly unlikely (about 2⁻⁶⁴ per page).
public enum Checksum {
    /// The XXH3-64 hash (seed 0) of `bytes`.
    /// - Complexity: O(n).
    @inlinable
    public static func xxh3(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        // Safety: XXH3_64bits reads exactly `count` bytes from `baseAddress`; a nil base
        // address only occurs with count 0, which the library accepts.
        XXH3_64bits(bytes.baseAddress, bytes.count)
    }

    /// The XXH3-64 hash (seed 0) of `bytes`.
    /// - Complexity: O(n).
    @inlinable
    public static func xxh3(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { xxh3($0) }
    }

    /// The XXH3-64 hash (seed 0) of `bytes[range]`.
    /// - Precondition: `range` lies inside `bytes`.
    @inlinable
    public static func xxh3(_ bytes: [UInt8], range: Range<Int>) -> UInt64 {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside buffer")
        return bytes.withUnsafeBytes { xxh3(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// XXH3-64 (seed 0) of bytes given in several pieces: the same value as `xxh3` of the
    /// pieces concatenated, without concatenating them.
    public struct XXH3Stream: ~Copyable {
        private let state: OpaquePointer

        /// A stream with nothing hashed yet.
        public init() {
            // Safety: XXH3_createState only fails when malloc does.
            guard let state = XXH3_createState() else { fatalError("out of memory for an XXH3 state") }
            XXH3_64bits_reset(state)
            self.state = state
        }

        deinit { XXH3_freeState(state) }

        /// Hashes `bytes` after what came before.
        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            XXH3_64bits_update(state, bytes.baseAddress, bytes.count)
        }

        /// The hash of everything given so far.
        public func digest() -> UInt64 { XXH3_64bits_digest(state) }
    }
}
