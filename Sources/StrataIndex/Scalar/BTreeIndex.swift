import StrataCore
import StrataKernels

/// A B+-tree over one column of a sequence of rows (ids 0, 1, …), for any number of distinct
/// values (`spec/indexes.md` §7.5): the (value, row) entries in ascending order, cut into
/// leaves of `leafSize` entries, with the first value of each leaf as the fence the search
/// descends by — two binary searches, over the fences then inside one leaf, per bound. A
/// range answers with the rows of one contiguous run of entries.
public struct BTreeIndex: ScalarIndex {
    /// Entries per leaf.
    public static let leafSize = 1_024

    /// The non-null ordered entries, ascending by value then row.
    let entries: [(value: Value, row: UInt32)]
    /// The first value of each leaf.
    let fences: [Value]
    /// Rows holding null.
    public let nulls: RoaringBitmap
    /// Number of rows indexed.
    public let rowCount: Int

    /// Indexes `values` (row i holds values[i]).
    /// - Throws: `.invalidInput` for vectors, values of kinds that do not compare, or more
    ///   than 2³² − 1 rows.
    public init(values: [Value]) throws(StrataError) {
        let (unsorted, nullRows) = try ScalarValues.split(values, what: "B-tree index")
        // Numbers sort on their raw keys (`split` made them canonical and left out NaN, so the
        // order is `ValueOrder`'s); anything else through `ValueOrder`.
        let sorted = Self.sorted(unsorted) { if case let .int(x) = $0 { x } else { nil } }
            ?? Self.sorted(unsorted) { if case let .float64(x) = $0 { x } else { nil } }
            ?? Self.sorted(unsorted) { if case let .uint(x) = $0 { x } else { nil } }
            ?? unsorted.sorted { a, b in
                let order = ValueOrder.compare(a.value, b.value) ?? 0  // `split` checked that they compare
                return order < 0 || (order == 0 && a.row < b.row)
            }
        self.init(sortedEntries: sorted, nulls: RoaringBitmap(nullRows), rowCount: values.count)
    }

    /// `entries` by value then row, the values compared by `key`; nil unless every value has one.
    private static func sorted<Key: Comparable>(_ entries: [(value: Value, row: UInt32)], key: (Value) -> Key?) -> [(value: Value, row: UInt32)]? {
        var keyed: [(key: Key, row: UInt32, at: Int)] = []
        keyed.reserveCapacity(entries.count)
        for (at, entry) in entries.enumerated() {
            guard let k = key(entry.value) else { return nil }
            keyed.append((k, entry.row, at))
        }
        keyed.sort { $0.key < $1.key || ($0.key == $1.key && $0.row < $1.row) }
        return keyed.map { entries[$0.at] }
    }

    /// An index of entries already sorted by value then row (a decoded file's).
    init(sortedEntries: [(value: Value, row: UInt32)], nulls: RoaringBitmap, rowCount: Int) {
        entries = sortedEntries
        fences = stride(from: 0, to: sortedEntries.count, by: Self.leafSize).map { sortedEntries[$0].value }
        self.nulls = nulls
        self.rowCount = rowCount
    }

    /// Rows whose value equals `value` (none for null or NaN).
    public func equal(_ value: Value) -> RoaringBitmap {
        range(from: value, inclusive: true, to: value, inclusive: true)
    }

    /// Rows whose value lies within the bounds (nil: unbounded on that side); nulls and NaNs
    /// never do. A bound that does not compare with the column's values matches nothing.
    public func range(from lower: Value?, inclusive lowerInclusive: Bool, to upper: Value?, inclusive upperInclusive: Bool) -> RoaringBitmap {
        guard let run = ScalarValues.run(count: entries.count, from: lower, lowerInclusive, to: upper, upperInclusive, position: position) else {
            return RoaringBitmap()
        }
        return RoaringBitmap(entries[run].map(\.row))
    }

    /// The first entry whose value is ≥ `value` (> when `strictlyAbove`): the leaf from the
    /// fences, then the entry inside it; nil when `value` does not compare with the entries.
    func position(of value: Value, strictlyAbove: Bool) -> Int? {
        // The last leaf whose fence is below the bound (or at it, for a strict bound) is the
        // first that can hold an entry past it.
        guard let leafAfter = ScalarValues.position(of: value, in: fences, key: { $0 }, strictlyAbove: strictlyAbove) else { return nil }
        let leaf = max(0, leafAfter - 1)
        let lowerEntry = leaf * Self.leafSize, upperEntry = min(entries.count, (leaf + 1) * Self.leafSize)
        guard lowerEntry < upperEntry else { return entries.count }
        return ScalarValues.position(of: value, in: entries[lowerEntry..<upperEntry], key: { $0.value }, strictlyAbove: strictlyAbove)
    }
}
