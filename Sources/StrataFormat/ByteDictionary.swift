import CXXHash
import Foundation
import StrataCore

/// Assigns dense ids to the distinct values of a variable-width column: an open-addressing
/// hash table over XXH3 of each value's bytes, comparing bytes only when hashes match. No
/// per-row allocation, no reference counting: the dictionary encoder's hot loop.
struct ByteDictionary {
    /// Per row, the value's dictionary id (0 for null rows).
    private(set) var ids: [UInt64]
    /// Per id, the byte range of its first occurrence in the column's values.
    private(set) var entries: [Range<Int>] = []

    /// Builds the dictionary of `column`, or returns nil once it would pass `maxDistinct` entries.
    init?(_ column: ColumnBuffer, maxDistinct: Int) {
        let count = column.count
        ids = [UInt64](repeating: 0, count: count)
        var capacity = 64
        while capacity < min(maxDistinct, count) * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        var hashes: [UInt64] = []
        var entries: [Range<Int>] = []
        var overflow = false
        column.values.withUnsafeBytes { raw in
            let base = raw.baseAddress
            for i in 0..<count where !column.isNull(i) {
                let range = column.offsets[i]..<column.offsets[i + 1]
                // Safety: offsets lie inside `values` (ColumnBuffer's layout invariant).
                let hash = XXH3_64bits(base.map { $0 + range.lowerBound }, range.count)
                var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
                var found = -1
                while slots[slot] >= 0 {
                    let id = Int(slots[slot])
                    if hashes[id] == hash && entries[id].count == range.count
                        && (range.isEmpty || memcmp(base! + entries[id].lowerBound, base! + range.lowerBound, range.count) == 0) {
                        found = id
                        break
                    }
                    slot = (slot + 1) & (slots.count - 1)
                }
                if found < 0 {
                    guard entries.count < maxDistinct else { overflow = true; return }
                    found = entries.count
                    entries.append(range)
                    hashes.append(hash)
                    slots[slot] = Int32(found)
                    if entries.count * 2 > slots.count { slots = ByteDictionary.rehash(hashes, capacity: slots.count * 2) }
                }
                ids[i] = UInt64(found)
            }
        }
        if overflow { return nil }
        self.entries = entries
    }

    private static func rehash(_ hashes: [UInt64], capacity: Int) -> [Int32] {
        var slots = [Int32](repeating: -1, count: capacity)
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(id)
        }
        return slots
    }
}
