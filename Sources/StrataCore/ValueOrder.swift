/// The order of values of one column type, for filters and key matching.
public enum ValueOrder {
    /// Compares two non-null values of the same kind: negative, zero or positive. Returns nil
    /// when they are not comparable (different kinds, a NaN, vectors other than equality).
    ///
    /// Strings and binary compare by bytes (UTF-8 code units), which is also code point order.
    /// Floats compare numerically, so -0.0 equals +0.0.
    public static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case let (.bool(x), .bool(y)): return x == y ? 0 : (x ? 1 : -1)
        case let (.int(x), .int(y)), let (.timestamp(x), .timestamp(y)), let (.int(x), .timestamp(y)), let (.timestamp(x), .int(y)):
            return x < y ? -1 : (x == y ? 0 : 1)
        case let (.uint(x), .uint(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.int(x), .uint(y)): return x < 0 ? -1 : compare(.uint(UInt64(x)), .uint(y))
        case let (.uint(x), .int(y)): return y < 0 ? 1 : compare(.uint(x), .uint(UInt64(y)))
        case let (.float32(x), .float32(y)): return floats(Double(x), Double(y))
        case let (.float64(x), .float64(y)): return floats(x, y)
        case let (.float32(x), .float64(y)): return floats(Double(x), y)
        case let (.float64(x), .float32(y)): return floats(x, Double(y))
        case let (.string(x), .string(y)), let (.json(x), .json(y)): return bytes(Array(x.utf8), Array(y.utf8))
        case let (.binary(x), .binary(y)): return bytes(x, y)
        case let (.vector(x), .vector(y)): return x == y ? 0 : nil
        default: return nil
        }
    }

    private static func floats(_ x: Double, _ y: Double) -> Int? {
        if x.isNaN || y.isNaN { return nil }
        return x < y ? -1 : (x == y ? 0 : 1)
    }

    private static func bytes(_ x: [UInt8], _ y: [UInt8]) -> Int {
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
    }
}
