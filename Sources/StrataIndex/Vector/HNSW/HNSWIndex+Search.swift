import StrataKernels

extension HNSWIndex {
    /// Greedy descent to level 1, then a beam search of width `ef` on level 0. Leaves the
    /// best `ef` allowed nodes in `scratch.results`.
    func searchGraph(_ view: HNSWView, query: [Float], ef: Int, allowed: IDBitset?, scratch: HNSWScratch) {
        guard graph.maxLevel >= 0 else { return }
        query.withUnsafeBufferPointer { q in
            let (entry, entryDistance) = Self.descend(view, query: q.baseAddress!, from: graph.entryPoint,
                                                      fromLevel: graph.maxLevel, toLevel: 1)
            scratch.begin(nodeCount: count, longestList: view.m0)
            Self.searchLayer(view, query: q.baseAddress!, entry: entry, entryDistance: entryDistance, level: 0,
                             ef: ef, allowed: allowed, scratch: scratch)
        }
    }

    /// Walks from `entry` on each level from `fromLevel` down to `toLevel` (inclusive),
    /// moving to a nearer neighbour while there is one. Returns the last node and its distance.
    @inline(__always)
    static func descend(_ view: HNSWView, query: UnsafePointer<Float>, from entry: UInt32, fromLevel: Int, toLevel: Int) -> (UInt32, Float) {
        var current = entry
        var currentDistance = view.distance(query, current)
        var level = fromLevel
        while level >= toLevel {
            var changed = true
            while changed {
                changed = false
                let list = view.links(current, level: level)
                let linkCount = Int(list[0])
                var slot = 1
                while slot <= linkCount {
                    let neighbour = list[slot]
                    slot &+= 1
                    let d = view.distance(query, neighbour)
                    if d < currentDistance {
                        currentDistance = d
                        current = neighbour
                        changed = true
                    }
                }
            }
            level -= 1
        }
        return (current, currentDistance)
    }

    /// The beam search of one level: expands the nearest unexpanded candidate until the
    /// nearest remaining one is farther than the worst of `ef` results. Every node is a
    /// stepping stone; only nodes in `allowed` (all when nil) become results, so a filter
    /// shapes the answer, not the walk. `scratch` must have been begun for this search.
    static func searchLayer(
        _ view: HNSWView, query: UnsafePointer<Float>, entry: UInt32, entryDistance: Float, level: Int,
        ef: Int, allowed: IDBitset?, scratch: HNSWScratch
    ) {
        let generation = scratch.generation
        // Work on local copies of the heaps (moved out, moved back): a class's stored
        // properties pay a dynamic exclusivity check on every access, locals do not.
        var candidates = scratch.candidates, results = scratch.results
        scratch.candidates = DistanceHeap()
        scratch.results = DistanceHeap()
        defer {
            scratch.candidates = candidates
            scratch.results = results
        }
        var freshBuffer = scratch.fresh
        scratch.fresh = []
        defer { scratch.fresh = freshBuffer }
        freshBuffer.withUnsafeMutableBufferPointer { fresh in scratch.visited.withUnsafeMutableBufferPointer { visited in
            visited[Int(entry)] = generation
            candidates.push(-entryDistance, entry)
            var bound = Float.infinity
            if allowed?.contains(entry) ?? true {
                results.push(entryDistance, entry)
                bound = entryDistance
            }
            while let nearest = candidates.top {
                let nearestDistance = -nearest.distance
                if nearestDistance > bound && results.count >= ef { break }
                candidates.pop()
                // The next node to expand is likely the nearest left now: load its list early.
                if let following = candidates.top { view.prefetchLinks(following.id, level: level) }
                let list = view.links(nearest.id, level: level)
                let linkCount = Int(list[0])
                // First the unvisited neighbours, each vector's load started at once, then
                // their distances: the cache misses overlap instead of queueing up.
                var freshCount = 0
                var slot = 1
                while slot <= linkCount {
                    let neighbour = list[slot]
                    slot &+= 1
                    if visited[Int(neighbour)] == generation { continue }
                    visited[Int(neighbour)] = generation
                    view.prefetch(neighbour)
                    fresh[freshCount] = neighbour
                    freshCount &+= 1
                }
                var next = 0
                while next < freshCount {
                    let neighbour = fresh[next]
                    next &+= 1
                    let d = view.distance(query, neighbour)
                    guard results.count < ef || d < bound else { continue }
                    candidates.push(-d, neighbour)
                    if allowed?.contains(neighbour) ?? true {
                        results.push(d, neighbour)
                        if results.count > ef { results.pop() }
                        bound = results.top!.distance
                    }
                }
            }
        } }
    }
}
