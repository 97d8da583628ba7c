/// A binary max-heap of (distance, id) pairs ordered by distance, then id: the top is the
/// worst entry. Bounded with `insert(_:_:keepingBest:)` it is the top-k selection; with
/// negated distances it serves as the min-heap of candidates in graph search. Storage is
/// one contiguous array reused across searches (`removeAll` keeps the capacity), so a
/// warmed-up heap does not allocate.
public struct DistanceHeap<ID: FixedWidthInteger & Sendable>: Sendable {
    /// One entry: a distance and the id it belongs to.
    public struct Entry: Sendable, Equatable {
        public var distance: Float
        public var id: ID

        @inlinable public init(distance: Float, id: ID) {
            self.distance = distance
            self.id = id
        }

        /// Whether `self` ranks before `other`: smaller distance, then smaller id, so ties
        /// break the same way on every run.
        @inlinable @inline(__always)
        public func ranksBefore(_ other: Entry) -> Bool {
            distance < other.distance || (distance == other.distance && id < other.id)
        }
    }

    @usableFromInline var entries: ContiguousArray<Entry> = []

    /// An empty heap with room for `capacity` entries before it grows.
    @inlinable public init(capacity: Int = 0) { entries.reserveCapacity(capacity) }

    /// Number of entries.
    @inlinable public var count: Int { entries.count }
    /// Whether the heap is empty.
    @inlinable public var isEmpty: Bool { entries.isEmpty }
    /// The worst entry (largest distance), if any.
    @inlinable public var top: Entry? { entries.first }

    /// Empties the heap, keeping its storage.
    @inlinable public mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    /// Adds an entry.
    /// - Complexity: O(log n).
    @inlinable
    public mutating func push(_ distance: Float, _ id: ID) {
        entries.append(Entry(distance: distance, id: id))
        entries.withUnsafeMutableBufferPointer { heap in
            var child = heap.count &- 1
            let moving = heap[child]
            while child > 0 {
                let parent = (child &- 1) >> 1
                guard heap[parent].ranksBefore(moving) else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = moving
        }
    }

    /// Removes and returns the worst entry.
    /// - Complexity: O(log n).
    @inlinable
    @discardableResult
    public mutating func pop() -> Entry? {
        guard let last = entries.popLast() else { return nil }
        guard !entries.isEmpty else { return last }
        let worst = entries[0]
        replaceTop(with: last)
        return worst
    }

    /// Keeps the `limit` best entries seen: adds the entry while fewer are held, otherwise
    /// replaces the worst when the new one ranks before it. Returns whether it was kept.
    /// - Complexity: O(log limit).
    @inlinable
    @discardableResult
    public mutating func insert(_ distance: Float, _ id: ID, keepingBest limit: Int) -> Bool {
        if entries.count < limit {
            push(distance, id)
            return true
        }
        let entry = Entry(distance: distance, id: id)
        guard limit > 0, entry.ranksBefore(entries[0]) else { return false }
        replaceTop(with: entry)
        return true
    }

    /// The entries, best first. The heap is unchanged.
    /// - Complexity: O(n log n).
    @inlinable
    public func sortedBestFirst() -> [Entry] {
        var copy = self
        return copy.drainBestFirst(keeping: count)
    }

    /// Empties the heap and returns its `limit` best entries, best first, by popping (no
    /// comparison closure, one allocation).
    /// - Complexity: O(n log n).
    @inlinable
    public mutating func drainBestFirst(keeping limit: Int) -> [Entry] {
        while entries.count > limit { pop() }
        let kept = entries.count
        return [Entry](unsafeUninitializedCapacity: kept) { buffer, initialized in
            var slot = kept
            while let worst = pop() {
                slot -= 1
                buffer.initializeElement(at: slot, to: worst)
            }
            initialized = kept
        }
    }

    @inlinable
    mutating func replaceTop(with entry: Entry) {
        entries.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            var parent = 0
            while true {
                var child = 2 &* parent &+ 1
                guard child < count else { break }
                if child &+ 1 < count && heap[child].ranksBefore(heap[child &+ 1]) { child &+= 1 }
                guard entry.ranksBefore(heap[child]) else { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = entry
        }
    }
}
