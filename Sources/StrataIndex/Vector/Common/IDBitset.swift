/// A set of internal vector ids `0..<capacity` as a dense bitset: what a filter or the
/// table's deletion vectors leave searchable. Dense because an index consults it for every
/// node it touches, and a word lookup is the cheapest membership test there is.
public struct IDBitset: Sendable, Equatable {
    @usableFromInline var words: [UInt64]
    /// Ids `0..<capacity` can be members.
    public let capacity: Int

    /// An empty set (`full == false`) or one holding every id below `capacity`.
    public init(capacity: Int, full: Bool = false) {
        precondition(capacity >= 0, "negative capacity")
        self.capacity = capacity
        words = [UInt64](repeating: full ? .max : 0, count: (capacity + 63) / 64)
        if full, capacity % 64 != 0 { words[words.count - 1] = (1 << UInt64(capacity % 64)) - 1 }
    }

    /// Whether `id` is in the set (ids at or beyond `capacity` never are).
    @inlinable @inline(__always)
    public func contains(_ id: UInt32) -> Bool {
        let word = Int(id >> 6)
        return word < words.count && (words[word] >> UInt64(id & 63)) & 1 == 1
    }

    /// Adds `id`.
    @inlinable
    public mutating func insert(_ id: UInt32) {
        precondition(Int(id) < capacity, "id \(id) outside the bitset")
        words[Int(id >> 6)] |= 1 << UInt64(id & 63)
    }

    /// Removes `id` (no-op when outside).
    @inlinable
    public mutating func remove(_ id: UInt32) {
        guard Int(id) < capacity else { return }
        words[Int(id >> 6)] &= ~(1 << UInt64(id & 63))
    }

    /// Keeps only the ids also in `other`.
    public mutating func formIntersection(_ other: IDBitset) {
        for i in words.indices { words[i] &= i < other.words.count ? other.words[i] : 0 }
    }

    /// Whether the set has no member (stops at the first non-zero word).
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// Number of members.
    /// - Complexity: O(capacity / 64).
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The members in ascending order.
    public var members: [UInt32] {
        var result: [UInt32] = []
        for (w, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                result.append(UInt32(w * 64 + bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
        return result
    }
}
