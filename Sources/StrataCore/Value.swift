/// One value of any Strata type, for row-at-a-time paths (building batches from JSON, tests,
/// printing). Bulk paths use `ColumnBuffer`'s typed storage instead.
///
/// Integers of every signed width and timestamps share `.int`, unsigned widths share `.uint`;
/// the column type says which width applies. Vector elements are held as `Float`, which
/// represents every float16 and int8 element exactly.
public enum Value: Sendable, Hashable {
    /// SQL NULL: no value.
    case null
    /// A bool value.
    case bool(Bool)
    /// A value of any signed integer column (int8…int64).
    case int(Int64)
    /// A value of any unsigned integer column (uint8…uint64).
    case uint(UInt64)
    /// A float32 value, every bit pattern kept.
    case float32(Float)
    /// A float64 value, every bit pattern kept.
    case float64(Double)
    /// Microseconds since the Unix epoch, UTC.
    case timestamp(Int64)
    /// UTF-8 text.
    case string(String)
    /// Arbitrary bytes.
    case binary([UInt8])
    /// JSON text, already validated.
    case json(String)
    /// A vector's elements (float16 and int8 elements are exact in `Float`).
    case vector([Float])

    /// Whether this is `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Exact equality: like `==`, but -0.0 differs from +0.0 and any NaN equals any NaN (text
    /// forms such as JSON carry no NaN sign or payload). This is the equality that
    /// "survives exactly" means.
    public func isIdentical(to other: Value) -> Bool {
        func same<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> Bool {
            (a.isNaN && b.isNaN) || (a == b && a.sign == b.sign)
        }
        switch (self, other) {
        case let (.float32(a), .float32(b)): return same(a, b)
        case let (.float64(a), .float64(b)): return same(a, b)
        case let (.vector(a), .vector(b)): return a.count == b.count && zip(a, b).allSatisfy(same)
        default: return self == other
        }
    }
}
