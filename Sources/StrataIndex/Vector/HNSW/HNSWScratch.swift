import StrataCore
import StrataKernels
import Synchronization

/// Per-search working memory: a visited mark per node (a generation counter, so a new search
/// clears it by incrementing instead of rewriting the array) and the two heaps. Searches
/// borrow one from `HNSWScratchPool`, so a warm index allocates nothing per query.
final class HNSWScratch: @unchecked Sendable {  // used by one search at a time (taken from the pool)
    var visited: [UInt16] = []
    var generation: UInt16 = 0
    /// Nearest-first queue of nodes to expand, as negated distances in a max-heap.
    var candidates = DistanceHeap<UInt32>(capacity: 256)
    /// The best nodes found so far, worst on top.
    var results = DistanceHeap<UInt32>(capacity: 256)
    /// The unvisited neighbours of the node being expanded (room for the longest list).
    var fresh: [UInt32] = []

    /// Starts a search over `nodeCount` nodes: nothing visited, heaps empty.
    func begin(nodeCount: Int, longestList: Int) {
        if fresh.count < longestList { fresh = [UInt32](repeating: 0, count: longestList) }
        if visited.count < nodeCount {
            visited = [UInt16](repeating: 0, count: max(nodeCount, visited.count * 2))
            generation = 0
        }
        generation &+= 1
        if generation == 0 {  // wrapped: old marks could collide with the new generation
            for i in visited.indices { visited[i] = 0 }
            generation = 1
        }
        candidates.removeAll()
        results.removeAll()
    }
}

/// A pool of scratch objects shared by all searches on one index (and its copies).
final class HNSWScratchPool: Sendable {
    /// Guards the idle scratch objects; held only to push or pop one.
    private let idle = Mutex<[HNSWScratch]>([])

    func withScratch<R, E: Error>(_ body: (HNSWScratch) throws(E) -> R) throws(E) -> R {
        let scratch = idle.withLock { $0.popLast() } ?? HNSWScratch()
        defer { idle.withLock { if $0.count < 64 { $0.append(scratch) } } }
        return try body(scratch)
    }
}
