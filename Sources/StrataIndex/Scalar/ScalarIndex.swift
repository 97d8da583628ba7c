import StrataCore
import StrataKernels

/// An index that answers a column's filters with sets of row ids (`spec/indexes.md` §7.5):
/// equality, `IN`, `IS NULL` and ranges, with values compared as filters compare them
/// (`ValueOrder`; nulls and NaNs match no comparison).
public protocol ScalarIndex: Sendable {
    /// Number of rows indexed (ids `0 ..< rowCount`).
    var rowCount: Int { get }
    /// Rows holding null.
    var nulls: RoaringBitmap { get }
    /// Rows whose value equals `value` (none for null or NaN).
    func equal(_ value: Value) -> RoaringBitmap
    /// Rows whose value lies within the bounds (nil: unbounded on that side).
    func range(from lower: Value?, inclusive lowerInclusive: Bool, to upper: Value?, inclusive upperInclusive: Bool) -> RoaringBitmap
}

extension ScalarIndex {
    /// Rows whose value equals one of `values`.
    public func any(of values: [Value]) -> RoaringBitmap {
        values.reduce(RoaringBitmap()) { $0.union(equal($1)) }
    }

    /// Rows whose value lies within the bounds, both inclusive.
    public func range(from lower: Value?, to upper: Value?) -> RoaringBitmap {
        range(from: lower, inclusive: true, to: upper, inclusive: true)
    }
}

/// The checks and grouping both scalar indexes apply to a column's values.
enum ScalarValues {
    /// The value filters treat as equal to `value` (−0.0 as +0.0, a timestamp as its integer).
    static func canonical(_ value: Value) -> Value {
        switch value {
        case let .float32(x) where x == 0: return .float32(0)
        case let .float64(x) where x == 0: return .float64(0)
        case let .timestamp(x): return .int(x)
        default: return value
        }
    }

    /// Whether no comparison matches `value` (a NaN).
    static func isUnordered(_ value: Value) -> Bool {
        switch value {
        case let .float32(x): return x.isNaN
        case let .float64(x): return x.isNaN
        default: return false
        }
    }

    /// The non-null, ordered values with their rows, and the null rows.
    /// - Throws: `.invalidInput` for vectors, too many rows, or kinds that do not compare.
    static func split(_ values: [Value], what: String) throws(StrataError) -> (entries: [(value: Value, row: UInt32)], nulls: [UInt32]) {
        guard values.count < Int(UInt32.max) else { throw .invalidInput(what: what, why: "more than 2³² − 1 rows") }
        var entries: [(value: Value, row: UInt32)] = [], nulls: [UInt32] = []
        for (row, value) in values.enumerated() {
            if value.isNull { nulls.append(UInt32(row)); continue }
            if case .vector = value { throw .invalidInput(what: what, why: "vector columns have no order") }
            if isUnordered(value) { continue }
            if let first = entries.first, ValueOrder.compare(first.value, value) == nil {
                throw .invalidInput(what: what, why: "values of kinds that do not compare")
            }
            entries.append((canonical(value), UInt32(row)))
        }
        return (entries, nulls)
    }

    /// The positions of `count` sorted items within the bounds (nil: unbounded), given the
    /// first position at or past a bound (`position(value, strictlyAbove)`); nil when empty or
    /// when a bound does not compare.
    static func run(count: Int, from lower: Value?, _ lowerInclusive: Bool, to upper: Value?, _ upperInclusive: Bool,
                    position: (Value, Bool) -> Int?) -> Range<Int>? {
        var start = 0, end = count
        if let lower {
            guard let p = position(lower, !lowerInclusive) else { return nil }
            start = p
        }
        if let upper {
            guard let p = position(upper, upperInclusive) else { return nil }
            end = p
        }
        return start < end ? start..<end : nil
    }

    /// The first index of `sorted` (ascending by `key`; a slice keeps its own indices) whose
    /// key is ≥ `value` (> when `strictlyAbove`); nil when `value` does not compare with them
    /// (null, NaN, another kind).
    static func position<C: RandomAccessCollection>(of value: Value, in sorted: C, key: (C.Element) -> Value, strictlyAbove: Bool) -> Int?
    where C.Index == Int {
        if value.isNull || isUnordered(value) { return nil }
        if let first = sorted.first, ValueOrder.compare(key(first), value) == nil { return nil }
        var low = sorted.startIndex, high = sorted.endIndex
        while low < high {
            let mid = (low + high) / 2
            guard let order = ValueOrder.compare(key(sorted[mid]), value) else { return nil }
            if order < 0 || (strictlyAbove && order == 0) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
