/// One value of any Strata type, for row-at-a-time paths (building batches from JSON, tests,
/// printing). Bulk paths use `ColumnBuffer`'s typed storage instead.
///
/// Integers of every signed width and timestamps share `.int`, unsigned widths share `.uint`;
/// the column type says which width applies. Vector elements are held as `Float`, which
/// represents every float16 and int8 element exactly.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case float32(Float)
    case float64(Double)
    /// Microseconds since the Unix epoch, UTC.
    case timestamp(Int64)
    case string(String)
    case binary([UInt8])
    /// JSON text, already validated.
    case json(String)
    case vector([Float])

    /// Whether this is `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Bitwise equality: like `==`, but NaN equals a NaN of the same bits and -0.0 differs from
    /// +0.0. This is the equality that "survives exactly" means.
    public func isIdentical(to other: Value) -> Bool {
        switch (self, other) {
        case let (.float32(a), .float32(b)): return a.bitPattern == b.bitPattern
        case let (.float64(a), .float64(b)): return a.bitPattern == b.bitPattern
        case let (.vector(a), .vector(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
        default: return self == other
        }
    }
}
