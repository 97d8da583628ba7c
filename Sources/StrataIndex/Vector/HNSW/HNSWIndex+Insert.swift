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
    /// then `link` adds them. The result depends only on the vectors and the seed, never on
    /// thread timing or the number of cores.
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
        link(ids, levels: levels, chosen: chosen)
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

    /// A link from a new node that its neighbour must take into its own list.
    private struct BackLink: Comparable {
        var level: Int
        var target: UInt32
        var node: UInt32

        static func < (a: BackLink, b: BackLink) -> Bool { (a.level, a.target, a.node) < (b.level, b.target, b.node) }
    }

    /// What taking its back-links did to one list: nothing to record when they all fitted;
    /// after a pruning, the new nodes it kept and the old ones it dropped.
    private struct ListChange {
        var pruned = false
        var kept: [UInt32] = []
        var dropped: [UInt32] = []
    }

    /// Adds the batch's nodes to the graph with their `chosen` neighbours (per member, per
    /// layer), in three steps that give the same graph on any number of cores:
    /// 1. in id order, each node gets its own lists (on the layers up to the top level as it
    ///    stood when the node came: a node above it becomes the entry point);
    /// 2. in parallel, each neighbour list takes its new nodes in id order, pruned by the
    ///    heuristic when it overflows (each list is written by one worker only);
    /// 3. in order, the in-degrees are updated, and a node left without any incoming level-0
    ///    link is put back into a list that dropped it, or that it failed to enter, where
    ///    there is room — so pruning never strands a node while a list can take it.
    mutating func link(_ ids: Range<Int>, levels: [Int], chosen: [[[VectorNeighbor]]]) {
        var backLinks: [BackLink] = []
        for (i, id) in ids.enumerated() {
            let node = graph.appendNode(level: levels[i])
            precondition(Int(node) == id, "graph and vector store out of step")
            inDegree.append(0)
        }
        var inDegree = self.inDegree
        self.inDegree = []
        defer { self.inDegree = inDegree }
        let m = graph.m
        var top = graph.maxLevel, entry = graph.entryPoint
        withMutableView { view in
            for (i, id) in ids.enumerated() {
                let node = UInt32(id), level = levels[i]
                if top >= 0 {
                    for layer in stride(from: min(level, top), through: 0, by: -1) where !chosen[i][layer].isEmpty {
                        let own = view.links(node, level: layer)
                        own[0] = UInt32(chosen[i][layer].count)
                        for (slot, neighbour) in chosen[i][layer].enumerated() {
                            own[slot + 1] = neighbour.id
                            if layer == 0 { inDegree[Int(neighbour.id)] += 1 }
                            backLinks.append(BackLink(level: layer, target: neighbour.id, node: node))
                        }
                    }
                }
                if level > top { (top, entry) = (level, node) }
            }
        }
        graph.maxLevel = top
        graph.entryPoint = entry
        let links = backLinks.sorted(), groups = Self.lists(of: links)
        let heads = groups.map { links[$0.lowerBound] }
        var changes = [ListChange](repeating: ListChange(), count: groups.count)
        let workers = min(groups.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        withMutableView { view in
            changes.withUnsafeMutableBufferPointer { out in
                let slots = DisjointSlots(base: out.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    // Each worker writes only the lists of its own groups, and their slots.
                    for g in stride(from: worker, to: heads.count, by: workers) {
                        slots.base[g] = Self.takeBackLinks(view, target: heads[g].target, level: heads[g].level,
                                                           capacity: heads[g].level == 0 ? view.m0 : m, newcomers: links[groups[g]])
                    }
                }
            }
        }
        // Step 3, on level 0 only (it alone keeps every node reachable).
        var orphans: Set<UInt32> = []
        for (g, head) in heads.enumerated() where head.level == 0 {
            guard changes[g].pruned else {
                for link in links[groups[g]] { inDegree[Int(link.node)] += 1 }
                continue
            }
            for node in changes[g].kept { inDegree[Int(node)] += 1 }
            for node in changes[g].dropped {
                inDegree[Int(node)] -= 1
                if inDegree[Int(node)] == 0 { orphans.insert(node) }
            }
        }
        for id in ids where inDegree[id] == 0 { orphans.insert(UInt32(id)) }
        orphans.remove(graph.entryPoint)  // reached by definition
        guard !orphans.isEmpty else { return }
        withMutableView { view in
            for orphan in orphans.sorted() where inDegree[Int(orphan)] == 0 {
                // The first level-0 list, in group order, that dropped or refused it and has room.
                for (g, head) in heads.enumerated() where head.level == 0 && changes[g].pruned
                    && (changes[g].dropped.contains(orphan) || links[groups[g]].contains { $0.node == orphan }) {
                    let list = view.links(head.target, level: 0)
                    let count = Int(list[0])
                    guard count < view.m0 else { continue }
                    list[count + 1] = orphan
                    list[0] += 1
                    inDegree[Int(orphan)] += 1
                    break
                }
            }
        }
    }

    /// The runs of sorted `links` that go into one list (same level and target).
    private static func lists(of links: [BackLink]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start = 0
        for end in links.indices.dropFirst() where links[end].target != links[start].target || links[end].level != links[start].level {
            runs.append(start..<end)
            start = end
        }
        if !links.isEmpty { runs.append(start..<links.count) }
        return runs
    }

    /// One list taking the batch's links into it, in id order: appended while there is
    /// room, otherwise the old and new entries are re-chosen by the heuristic.
    private static func takeBackLinks(_ view: HNSWView, target: UInt32, level: Int, capacity: Int, newcomers: ArraySlice<BackLink>) -> ListChange {
        let list = view.links(target, level: level)
        guard Int(list[0]) + newcomers.count > capacity else {
            for link in newcomers {
                list[Int(list[0]) + 1] = link.node
                list[0] += 1
            }
            return ListChange()
        }
        let before = (0..<Int(list[0])).map { list[$0 + 1] }
        for link in newcomers {
            let node = link.node, linkCount = Int(list[0])
            if linkCount < capacity {
                list[linkCount + 1] = node
                list[0] += 1
                continue
            }
            // The list's entries are about to be re-ranked from its node: start their loads.
            for slot in 1...linkCount { view.prefetch(list[slot]) }
            let base = view.vector(target)
            var candidates = [VectorNeighbor(distance: view.distance(base, node), id: node)]
            candidates.reserveCapacity(linkCount + 1)
            for slot in 1...linkCount {
                candidates.append(VectorNeighbor(distance: view.distance(base, list[slot]), id: list[slot]))
            }
            candidates.sort { $0.ranksBefore($1) }
            let kept = selectNeighbours(view, candidates: candidates, limit: capacity)
            list[0] = UInt32(kept.count)
            for (slot, entry) in kept.enumerated() { list[slot + 1] = entry.id }
        }
        let now = Set((0..<Int(list[0])).map { list[$0 + 1] })
        return ListChange(pruned: true, kept: newcomers.map(\.node).filter(now.contains), dropped: before.filter { !now.contains($0) })
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
}
