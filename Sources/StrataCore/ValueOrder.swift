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
        case let (.string(x), .string(y)), let (.json(x), .json(y)): return utf8(x, y)
        case let (.binary(x), .binary(y)): return x.withUnsafeBufferPointer { a in y.withUnsafeBufferPointer { b in bytes(a, b) } }
        case let (.vector(x), .vector(y)): return x == y ? 0 : nil
        default: return nil
        }
    }

    private static func floats(_ x: Double, _ y: Double) -> Int? {
        if x.isNaN || y.isNaN { return nil }
        return x < y ? -1 : (x == y ? 0 : 1)
    }

    /// Byte order of two strings' UTF-8, read in place (index searches compare often).
    private static func utf8(_ x: String, _ y: String) -> Int {
        var x = x, y = y
        return x.withUTF8 { a in y.withUTF8 { b in bytes(a, b) } }
    }

    private static func bytes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
        for i in 0..<min(x.count, y.count) where x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
        return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
    }
}
