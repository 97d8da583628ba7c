/// The address of one row of a table: the fragment that holds it and the row's offset in that
/// fragment, packed into 64 bits as `fragment << 32 | offset`.
///
/// Addresses are stable within a version and across versions until compaction rewrites the
/// fragment; compaction returns the mapping from old to new addresses that indexes need.
/// Sorting addresses sorts rows in table order (by fragment id, then offset).
public struct RowAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The packed value: fragment id in the high 32 bits, offset in the low 32.
    public let rawValue: UInt64

    /// Wraps a packed value.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The address of row `offset` of fragment `fragment`.
    public init(fragment: UInt32, offset: UInt32) {
        rawValue = UInt64(fragment) << 32 | UInt64(offset)
    }

    /// The fragment id.
    public var fragment: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }

    /// The row's offset inside its fragment.
    public var offset: UInt32 { UInt32(truncatingIfNeeded: rawValue) }

    /// `fragment:offset`, e.g. `3:1024`.
    public var description: String { "\(fragment):\(offset)" }

    public static func < (lhs: RowAddress, rhs: RowAddress) -> Bool { lhs.rawValue < rhs.rawValue }
}
