import CStrataSIMD
import StrataKernels

/// The HNSW graph in flat arrays (no per-node objects): level 0 is one array of fixed-size
/// neighbour lists, `M0 + 1` slots per node (a count, then the ids); the upper levels of the
/// few nodes that have them are blocks of `M + 1` slots in a second array, found through
/// `upperOffsets`. A search walks raw pointers into these arrays (`HNSWView`).
struct HNSWGraph: Sendable, Equatable {
    /// Neighbours per node on the upper levels.
    let m: Int
    /// Neighbours per node on level 0 (2M, as in the paper).
    var m0: Int { 2 * m }

    /// Each node's top level.
    var levels: [UInt8] = []
    /// count × (M0 + 1) slots.
    var level0: [UInt32] = []
    /// Per node: the index in `upperLinks` of its level-1 list (unused for level-0 nodes).
    var upperOffsets: [UInt32] = []
    /// Level ≥ 1 lists, (M + 1) slots each, a node's levels back to back.
    var upperLinks: [UInt32] = []
    /// Where every search starts: a node on the top level.
    var entryPoint: UInt32 = 0
    /// The top level, −1 while the graph is empty.
    var maxLevel: Int = -1

    init(m: Int) { self.m = m }

    var nodeCount: Int { levels.count }

    /// Makes room for a new node of `level` with empty lists; returns its id.
    mutating func appendNode(level: Int) -> UInt32 {
        let id = UInt32(levels.count)
        levels.append(UInt8(level))
        level0.append(contentsOf: repeatElement(0, count: m0 + 1))
        upperOffsets.append(level > 0 ? UInt32(upperLinks.count) : 0)
        if level > 0 { upperLinks.append(contentsOf: repeatElement(0, count: level * (m + 1))) }
        return id
    }

    /// The neighbours of `node` on `level`, for code off the hot path.
    func neighbours(of node: UInt32, level: Int) -> ArraySlice<UInt32> {
        if level == 0 {
            let start = Int(node) * (m0 + 1)
            return level0[(start + 1)..<(start + 1 + Int(level0[start]))]
        }
        let start = Int(upperOffsets[Int(node)]) + (level - 1) * (m + 1)
        return upperLinks[(start + 1)..<(start + 1 + Int(upperLinks[start]))]
    }
}

/// Raw pointers into a graph and its vectors for the duration of one operation: the hot
/// loops index these without bounds checks or copy-on-write checks. Valid only inside the
/// closure that made it (`HNSWIndex.withView`). Sendable so that the parallel phase of an
/// insertion batch can share it: during that phase every thread only reads through it.
struct HNSWView: @unchecked Sendable {
    let rows: VectorRows
    let dimension: Int
    let metric: VectorMetric
    let level0: UnsafeMutablePointer<UInt32>
    let upperOffsets: UnsafePointer<UInt32>
    let upperLinks: UnsafeMutablePointer<UInt32>
    let m: Int
    let m0: Int

    /// The list of `node` on `level`: slot 0 is the count, then the ids.
    @inline(__always)
    func links(_ node: UInt32, level: Int) -> UnsafeMutablePointer<UInt32> {
        level == 0
            ? level0 + Int(node) &* (m0 &+ 1)
            : upperLinks + (Int(upperOffsets[Int(node)]) &+ (level &- 1) &* (m &+ 1))
    }

    @inline(__always)
    func vector(_ node: UInt32) -> UnsafePointer<Float> { rows.row(Int(node)) }

    /// Starts loading the vector of `node` into the caches (a hint; see `strata_prefetch`).
    @inline(__always)
    func prefetch(_ node: UInt32) { strata_prefetch(vector(node), dimension &* 4) }

    /// Starts loading the list of `node` on `level` into the caches (a hint).
    @inline(__always)
    func prefetchLinks(_ node: UInt32, level: Int) { strata_prefetch(links(node, level: level), (level == 0 ? m0 : m) &* 4 &+ 4) }

    @inline(__always)
    func distance(_ query: UnsafePointer<Float>, _ node: UInt32) -> Float {
        VectorStore.distance(metric, query, vector(node), dimension: dimension)
    }
}
