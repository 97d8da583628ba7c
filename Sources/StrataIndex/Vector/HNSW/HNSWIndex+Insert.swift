import Foundation
import StrataKernels

extension HNSWIndex {
    /// Draws a level with P(level ≥ l) = M^−l, as in the paper (mL = 1 / ln M).
    mutating func randomLevel() -> Int {
        let uniform = Double(levelGenerator.next() >> 11 | 1) * 0x1p-53  // (0, 1]
        return min(Int(-log(uniform) / log(Double(graph.m))), 30)
    }

    /// Links the stored vectors with ids in `ids` into the graph, as one batch. On every
    /// core, each member searches the graph as it was before the batch and picks its
    /// neighbours (by the heuristic) among what it found and the batch members before it;
    /// then, one by one in id order, the members are linked and their neighbours' lists
    /// pruned. The result depends only on the vectors and the seed, never on thread timing.
    mutating func insertBatch(_ ids: Range<Int>) {
        let levels = ids.map { _ in randomLevel() }
        let frozenTop = graph.maxLevel, frozenEntry = graph.entryPoint, frozenCount = graph.nodeCount
        var chosen = [[[VectorNeighbor]]](repeating: [], count: ids.count)
        let efConstruction = parameters.efConstruction, m = graph.m, pool = scratchPool
        let workers = min(ids.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        chosen.withUnsafeMutableBufferPointer { buffer in
            let out = DisjointSlots(base: buffer.baseAddress!)
            withView { view in
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    pool.withScratch { scratch in
                        // Each worker writes only its own slots of `out`.
                        for i in stride(from: worker, to: ids.count, by: workers) {
                            let node = UInt32(ids.lowerBound + i)
                            var found = frozenTop < 0 ? [] : Self.candidates(view, node: node, level: levels[i], entry: frozenEntry,
                                                                             top: frozenTop, ef: efConstruction, nodeCount: frozenCount, scratch: scratch)
                            found += repeatElement([], count: max(0, levels[i] + 1 - found.count))
                            let query = view.vector(node)
                            out.base[i] = (0...levels[i]).map { layer in
                                var pool = found[layer]
                                let before = pool.count
                                for peer in 0..<i where levels[peer] >= layer {
                                    let id = UInt32(ids.lowerBound + peer)
                                    pool.append(VectorNeighbor(distance: view.distance(query, id), id: id))
                                }
                                if pool.count > before { pool.sort { $0.ranksBefore($1) } }
                                return Self.selectNeighbours(view, candidates: pool, limit: m)
                            }
                        }
                    }
                }
            }
        }
        for (i, id) in ids.enumerated() { link(UInt32(id), level: levels[i], chosen: chosen[i]) }
    }

    /// The candidates of one new node per layer (index = layer, nearest first): greedy
    /// descent to its top level, then a beam search of width `ef` on each layer below.
    static func candidates(_ view: HNSWView, node: UInt32, level: Int, entry: UInt32, top: Int, ef: Int, nodeCount: Int,
                           scratch: HNSWScratch) -> [[VectorNeighbor]] {
        let query = view.vector(node)
        var (entry, entryDistance) = descend(view, query: query, from: entry, fromLevel: top, toLevel: level + 1)
        var perLayer = [[VectorNeighbor]](repeating: [], count: min(level, top) + 1)
        for layer in stride(from: min(level, top), through: 0, by: -1) {
            scratch.begin(nodeCount: nodeCount, longestList: view.m0)
            searchLayer(view, query: query, entry: entry, entryDistance: entryDistance, level: layer, ef: ef, allowed: nil, scratch: scratch)
            let found = scratch.results.drainBestFirst(keeping: ef)
            (entry, entryDistance) = (found[0].id, found[0].distance)
            perLayer[layer] = found
        }
        return perLayer
    }

    /// Adds node `id` to the graph with its `chosen` neighbours per layer (index = layer),
    /// linking back from each and pruning their lists.
    mutating func link(_ id: UInt32, level: Int, chosen: [[VectorNeighbor]]) {
        let node = graph.appendNode(level: level)
        precondition(node == id, "graph and vector store out of step")
        inDegree.append(0)
        let topLevel = graph.maxLevel
        guard topLevel >= 0 else {
            graph.entryPoint = node
            graph.maxLevel = level
            return
        }
        var inDegree = self.inDegree
        self.inDegree = []
        withMutableView { view in
            for layer in stride(from: min(level, topLevel), through: 0, by: -1) where !chosen[layer].isEmpty {
                Self.connect(view, node: node, to: chosen[layer], level: layer, inDegree: &inDegree)
            }
        }
        self.inDegree = inDegree
        if level > topLevel {
            graph.entryPoint = node
            graph.maxLevel = level
        }
    }

    /// The paper's heuristic: walking candidates nearest first, keep one only if it is
    /// nearer to the base than to every one already kept, so that neighbours spread in
    /// different directions instead of clustering. `candidates` must be sorted nearest first.
    static func selectNeighbours(_ view: HNSWView, candidates: [VectorNeighbor], limit: Int) -> [VectorNeighbor] {
        guard candidates.count > limit else { return candidates }
        var chosen: [VectorNeighbor] = []
        chosen.reserveCapacity(limit)
        for candidate in candidates {
            if chosen.count >= limit { break }
            let vector = view.vector(candidate.id)
            var keep = true
            for other in chosen where view.distance(vector, other.id) < candidate.distance {
                keep = false
                break
            }
            if keep { chosen.append(candidate) }
        }
        return chosen
    }

    /// Sets `node`'s list on `level` to `chosen` and adds `node` to each chosen neighbour's
    /// list, pruning a full list with the heuristic. Pruning keeps a neighbour that would
    /// otherwise lose its last incoming level-0 link while the list has room for it.
    static func connect(_ view: HNSWView, node: UInt32, to chosen: [VectorNeighbor], level: Int, inDegree: inout [UInt32]) {
        let capacity = level == 0 ? view.m0 : view.m
        let own = view.links(node, level: level)
        own[0] = UInt32(chosen.count)
        for (slot, neighbour) in chosen.enumerated() {
            own[slot + 1] = neighbour.id
            if level == 0 { inDegree[Int(neighbour.id)] += 1 }
        }
        for neighbour in chosen {
            let list = view.links(neighbour.id, level: level)
            let linkCount = Int(list[0])
            if linkCount < capacity {
                list[linkCount + 1] = node
                list[0] += 1
                if level == 0 { inDegree[Int(node)] += 1 }
                continue
            }
            let base = view.vector(neighbour.id)
            var candidates = [VectorNeighbor(distance: view.distance(base, node), id: node)]
            for slot in 1...linkCount {
                candidates.append(VectorNeighbor(distance: view.distance(base, list[slot]), id: list[slot]))
            }
            candidates.sort { $0.ranksBefore($1) }
            var kept = selectNeighbours(view, candidates: candidates, limit: capacity)
            if level == 0 {
                let keptIDs = Set(kept.map(\.id))
                for candidate in candidates where !keptIDs.contains(candidate.id) && kept.count < capacity {
                    // The only link into `candidate` is this one (the new node has none yet).
                    let sole = candidate.id == node ? inDegree[Int(node)] == 0 : inDegree[Int(candidate.id)] <= 1
                    if sole { kept.append(candidate) }
                }
                let before = Set((1...linkCount).map { list[$0] })
                for dropped in before where !kept.contains(where: { $0.id == dropped }) { inDegree[Int(dropped)] -= 1 }
                if kept.contains(where: { $0.id == node }) { inDegree[Int(node)] += 1 }
            }
            list[0] = UInt32(kept.count)
            for (slot, entry) in kept.enumerated() { list[slot + 1] = entry.id }
        }
    }
}

/// Slots of a buffer that concurrent workers fill, each writing only the indices it owns;
/// the buffer outlives the workers (they run inside its `withUnsafeMutableBufferPointer`).
private struct DisjointSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}
