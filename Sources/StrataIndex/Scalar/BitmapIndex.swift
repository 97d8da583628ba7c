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
public struct BitmapIndex: ScalarIndex {
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
        let (entries, nullRows) = try ScalarValues.split(values, what: "bitmap index")
        var groups: [Value: [UInt32]] = [:]
        for entry in entries {
            groups[entry.value, default: []].append(entry.row)
            guard groups.count <= Self.maxKeys else {
                throw .invalidInput(what: "bitmap index", why: "more than \(Self.maxKeys) distinct values: use a B-tree index")
            }
        }
        keys = groups.keys.sorted { (ValueOrder.compare($0, $1) ?? 0) < 0 }  // `split` checked that they compare
        rows = keys.map { RoaringBitmap(groups[$0]!) }
        nulls = RoaringBitmap(nullRows)
        rowCount = values.count
    }

    /// An index of the given parts (a decoded file's): keys strictly ascending, each with
    /// its rows.
    init(keys: [Value], rows: [RoaringBitmap], nulls: RoaringBitmap, rowCount: Int) {
        self.keys = keys
        self.rows = rows
        self.nulls = nulls
        self.rowCount = rowCount
    }

    /// Rows whose value equals `value` (none for null or NaN: `= NULL` matches nothing).
    public func equal(_ value: Value) -> RoaringBitmap {
        guard let index = position(of: value, strictlyAbove: false), index < keys.count,
              ValueOrder.compare(keys[index], value) == 0 else { return RoaringBitmap() }
        return rows[index]
    }

    /// Rows whose value lies within the bounds (nil: unbounded on that side); nulls and NaNs
    /// never do. A bound that does not compare with the column's values matches nothing.
    public func range(from lower: Value?, inclusive lowerInclusive: Bool, to upper: Value?, inclusive upperInclusive: Bool) -> RoaringBitmap {
        guard let run = ScalarValues.run(count: keys.count, from: lower, lowerInclusive, to: upper, upperInclusive, position: position) else {
            return RoaringBitmap()
        }
        return rows[run].reduce(RoaringBitmap()) { $0.union($1) }
    }

    func position(of value: Value, strictlyAbove: Bool) -> Int? {
        ScalarValues.position(of: value, in: keys, key: { $0 }, strictlyAbove: strictlyAbove)
    }
}
