import Synchronization

/// A least-recently-used cache of byte blocks under a byte budget, shared by readers.
///
/// Keys name an object and a byte range, so any reader of the same object shares entries.
/// Only verified bytes should be inserted (readers insert after checking checksums), so a hit
/// can be used without checking again.
public final class BlockCache: Sendable {
    /// Identifies a cached block.
    public struct Key: Hashable, Sendable {
        /// The object's path (plus, for stores sharing one cache, anything that tells stores apart).
        public let object: String
        /// First byte of the block in the object.
        public let offset: UInt64
        /// Bytes the block holds.
        public let length: Int
        /// What the block holds (a raw range, a decoded page, …), so two views of one range differ.
        public let kind: UInt8
        /// A value that tells apart different contents at the same place (a checksum), so that
        /// a damaged file naming one range twice cannot make one page read as another.
        public let tag: UInt64

        /// Creates a key.
        public init(object: String, offset: UInt64, length: Int, kind: UInt8 = 0, tag: UInt64 = 0) {
            self.object = object
            self.offset = offset
            self.length = length
            self.kind = kind
            self.tag = tag
        }
    }

    /// Counters since creation.
    public struct Statistics: Sendable, Hashable {
        /// Lookups that found their block.
        public var hits = 0
        /// Lookups that did not.
        public var misses = 0
        /// Blocks dropped to stay under budget.
        public var evictions = 0
        /// Bytes currently held.
        public var bytes = 0
        /// Blocks currently held.
        public var entries = 0
    }

    /// The most bytes the cache holds.
    public let budget: Int

    /// Guards the LRU list, the index and the counters; every operation is O(1) under it.
    private let state: Mutex<LRUState>

    /// Creates a cache holding at most `budget` bytes.
    public init(budget: Int) {
        precondition(budget >= 0, "negative cache budget")
        self.budget = budget
        self.state = Mutex(LRUState())
    }

    /// The block for `key`, marking it most recently used.
    /// - Complexity: O(1).
    public func get(_ key: Key) -> [UInt8]? {
        state.withLock { $0.get(key) }
    }

    /// Inserts or replaces a block, evicting least recently used blocks to stay in budget.
    /// A block larger than the whole budget is not cached.
    /// - Complexity: O(1) amortized.
    public func insert(_ key: Key, _ bytes: [UInt8]) {
        guard bytes.count <= budget else { return }
        state.withLock { $0.insert(key, bytes, budget: budget) }
    }

    /// The current counters.
    public var statistics: Statistics { state.withLock { $0.statistics } }
}

/// The cache's state: an index into a doubly linked list kept in arrays (no per-node objects).
private struct LRUState {
    struct Node {
        var key: BlockCache.Key
        var bytes: [UInt8]
        var previous: Int
        var next: Int
    }

    var index: [BlockCache.Key: Int] = [:]
    var nodes: [Node] = []
    var free: [Int] = []
    var head = -1  // most recently used
    var tail = -1  // least recently used
    var statistics = BlockCache.Statistics()

    mutating func get(_ key: BlockCache.Key) -> [UInt8]? {
        guard let slot = index[key] else {
            statistics.misses += 1
            return nil
        }
        statistics.hits += 1
        moveToFront(slot)
        return nodes[slot].bytes
    }

    mutating func insert(_ key: BlockCache.Key, _ bytes: [UInt8], budget: Int) {
        if let slot = index[key] { remove(slot) }
        while statistics.bytes + bytes.count > budget, tail >= 0 {
            remove(tail)
            statistics.evictions += 1
        }
        let node = Node(key: key, bytes: bytes, previous: -1, next: head)
        let slot: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            slot = reused
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        if head >= 0 { nodes[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
        index[key] = slot
        statistics.bytes += bytes.count
        statistics.entries += 1
    }

    private mutating func unlink(_ slot: Int) {
        let (previous, next) = (nodes[slot].previous, nodes[slot].next)
        if previous >= 0 { nodes[previous].next = next } else { head = next }
        if next >= 0 { nodes[next].previous = previous } else { tail = previous }
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != head else { return }
        unlink(slot)
        nodes[slot].previous = -1
        nodes[slot].next = head
        if head >= 0 { nodes[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private mutating func remove(_ slot: Int) {
        unlink(slot)
        index[nodes[slot].key] = nil
        statistics.bytes -= nodes[slot].bytes.count
        statistics.entries -= 1
        nodes[slot].bytes = []
        free.append(slot)
    }
}
