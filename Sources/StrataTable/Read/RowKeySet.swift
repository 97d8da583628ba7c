import StrataCore

/// A set of row keys (`TableSnapshot.rowKey`) kept as one ascending array: built from a
/// filter's output without hashing, intersected by merging, mapped to index ids by a walk
/// over the index's own sorted addresses.
public struct RowKeySet: Sendable, Hashable {
    /// The keys, ascending, each once.
    public let keys: [UInt64]

    /// The set of `keys`, in any order, repeats allowed (keys already strictly ascending,
    /// as filters produce them, are taken as they are).
    public init(_ keys: some Sequence<UInt64>) {
        var sorted = Array(keys)
        if zip(sorted, sorted.dropFirst()).allSatisfy({ $0 < $1 }) {
            self.keys = sorted
            return
        }
        sorted.sort()
        var unique: [UInt64] = []
        unique.reserveCapacity(sorted.count)
        for key in sorted where unique.last != key { unique.append(key) }
        self.keys = unique
    }

    /// Number of keys.
    public var count: Int { keys.count }

    /// Whether `key` is in the set.
    /// - Complexity: O(log n).
    public func contains(_ key: UInt64) -> Bool {
        let i = keys.lowerBound(of: key)
        return i < keys.count && keys[i] == key
    }

    /// The keys of committed rows (those below 2⁶³), ascending.
    public var committed: ArraySlice<UInt64> { keys[..<keys.lowerBound(of: 1 << 63)] }

    /// The keys in both sets.
    public func intersection(_ other: RowKeySet) -> RowKeySet {
        var out: [UInt64] = [], i = 0, j = 0
        while i < keys.count && j < other.keys.count {
            if keys[i] == other.keys[j] { out.append(keys[i]); i += 1; j += 1 } else if keys[i] < other.keys[j] { i += 1 } else { j += 1 }
        }
        return RowKeySet(uncheckedSorted: out)
    }

    init(uncheckedSorted keys: [UInt64]) { self.keys = keys }
}
