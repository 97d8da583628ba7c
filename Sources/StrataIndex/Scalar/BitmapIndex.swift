import StrataCore
import StrataKernels

/// A bitmap index over one column of a sequence of rows (ids 0, 1, …): each distinct value
/// with the set of rows holding it, as a roaring bitmap, plus the rows holding null. For
/// columns of few distinct values — a status, a kind, an agent id — where equality, `IN`,
/// `IS NULL` and small ranges become unions of ready-made sets (`spec/indexes.md` §7.5).
///
/// Values are grouped and ordered as filters compare them (`ValueOrder`): -0.0 and +0.0 are
/// one key, an integer and a timestamp of the same number are one key; a NaN equals
/// nothing, so NaN rows are in no key (and are not null).
public struct BitmapIndex: Sendable {
    /// Most distinct values an index takes (beyond it a B-tree is the right index).
    public static let maxKeys = 65_536

    /// The distinct values, ascending by `ValueOrder`.
    public let keys: [Value]
    /// Rows of each key, in `keys` order.
    let rows: [RoaringBitmap]
    /// Rows holding null.
    public let nulls: RoaringBitmap
    /// Number of rows indexed.
    public let rowCount: Int

    /// Indexes `values` (row i holds values[i]).
    /// - Throws: `.invalidInput` for more than `maxKeys` distinct values, values that filters
    ///   cannot order against one another (two kinds that do not compare, or vectors), or
    ///   more than 2³² − 1 rows.
    public init(values: [Value]) throws(StrataError) {
        guard values.count < Int(UInt32.max) else { throw .invalidInput(what: "bitmap index", why: "more than 2³² − 1 rows") }
        var groups: [Value: [UInt32]] = [:]
        var nullRows: [UInt32] = []
        for (row, value) in values.enumerated() {
            switch value {
            case .null: nullRows.append(UInt32(row))
            case .vector: throw .invalidInput(what: "bitmap index", why: "vector columns have no order")
            case let .float32(x) where x.isNaN: continue
            case let .float64(x) where x.isNaN: continue
            default: groups[Self.canonical(value), default: []].append(UInt32(row))
            }
            guard groups.count <= Self.maxKeys else {
                throw .invalidInput(what: "bitmap index", why: "more than \(Self.maxKeys) distinct values: use a B-tree index")
            }
        }
        var failed = false
        let sorted = groups.keys.sorted { a, b in
            guard let order = ValueOrder.compare(a, b) else { failed = true; return false }
            return order < 0
        }
        guard !failed else { throw .invalidInput(what: "bitmap index", why: "values of kinds that do not compare") }
        keys = sorted
        rows = sorted.map { RoaringBitmap(groups[$0]!) }
        nulls = RoaringBitmap(nullRows)
        rowCount = values.count
    }

    /// One representative per class of values filters call equal (-0.0 becomes +0.0, a
    /// timestamp becomes the integer it equals).
    static func canonical(_ value: Value) -> Value {
        switch value {
        case let .float32(x) where x == 0: return .float32(0)
        case let .float64(x) where x == 0: return .float64(0)
        case let .timestamp(x): return .int(x)
        default: return value
        }
    }

    /// Rows whose value equals `value` (none for null or NaN: `= NULL` matches nothing).
    public func equal(_ value: Value) -> RoaringBitmap {
        guard let index = position(of: value, strictlyAbove: false), index < keys.count,
              ValueOrder.compare(keys[index], value) == 0 else { return RoaringBitmap() }
        return rows[index]
    }

    /// Rows whose value equals one of `values`.
    public func any(of values: [Value]) -> RoaringBitmap {
        values.reduce(RoaringBitmap()) { $0.union(equal($1)) }
    }

    /// Rows whose value lies within the bounds (nil: unbounded on that side); nulls and NaNs
    /// never do. A bound that does not compare with the column's values matches nothing.
    public func range(from lower: Value?, inclusive lowerInclusive: Bool = true,
                      to upper: Value?, inclusive upperInclusive: Bool = true) -> RoaringBitmap {
        var start = 0, end = keys.count
        if let lower {
            guard let p = position(of: lower, strictlyAbove: !lowerInclusive) else { return RoaringBitmap() }
            start = p
        }
        if let upper {
            guard let p = position(of: upper, strictlyAbove: upperInclusive) else { return RoaringBitmap() }
            end = p
        }
        guard start < end else { return RoaringBitmap() }
        return rows[start..<end].reduce(RoaringBitmap()) { $0.union($1) }
    }

    /// The first key index whose key is ≥ `value` (> `value` when `strictlyAbove`); nil when
    /// `value` does not compare with the keys (another kind, a NaN, null).
    func position(of value: Value, strictlyAbove: Bool) -> Int? {
        if value.isNull { return nil }
        if let first = keys.first, ValueOrder.compare(first, value) == nil { return nil }
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            guard let order = ValueOrder.compare(keys[mid], value) else { return nil }
            if order < 0 || (strictlyAbove && order == 0) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
