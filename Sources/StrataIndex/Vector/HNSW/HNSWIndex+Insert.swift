import Foundation
import StrataKernels

extension HNSWIndex {
    /// Draws a level with P(level ≥ l) = M^−l, as in the paper (mL = 1 / ln M).
    mutating func randomLevel() -> Int {
        let uniform = Double(levelGenerator.next() >> 11 | 1) * 0x1p-53  // (0, 1]
        return min(Int(-log(uniform) / log(Double(graph.m))), 30)
    }

    /// Links the stored vector `id` into the graph.
    mutating func insert(_ id: UInt32) {
        let level = randomLevel()
        let node = graph.appendNode(level: level)
        precondition(node == id, "graph and vector store out of step")
        inDegree.append(0)
        guard graph.maxLevel >= 0 else {
            graph.entryPoint = node
            graph.maxLevel = level
            return
        }
        let topLevel = graph.maxLevel, entryPoint = graph.entryPoint
        let efConstruction = parameters.efConstruction, m = graph.m
        scratchPool.withScratch { scratch in
            var inDegree = self.inDegree
            self.inDegree = []
            withMutableView { view in
                let query = view.vector(node)
                var (entry, entryDistance) = Self.descend(view, query: query, from: entryPoint, fromLevel: topLevel, toLevel: level + 1)
                for layer in stride(from: min(level, topLevel), through: 0, by: -1) {
                    scratch.begin(nodeCount: Int(node) + 1)
                    Self.searchLayer(view, query: query, entry: entry, entryDistance: entryDistance, level: layer,
                                     ef: efConstruction, allowed: nil, scratch: scratch)
                    let found = scratch.results.sortedBestFirst()
                    (entry, entryDistance) = (found[0].id, found[0].distance)
                    let chosen = Self.selectNeighbours(view, candidates: found, limit: m)
                    Self.connect(view, node: node, to: chosen, level: layer, inDegree: &inDegree)
                }
            }
            self.inDegree = inDegree
        }
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
