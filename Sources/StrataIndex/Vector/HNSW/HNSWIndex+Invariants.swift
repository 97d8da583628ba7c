extension HNSWIndex {
    /// Checks the graph's structure and returns the problems found (empty when sound): every
    /// link names an existing node on a level it has, no node links to itself, no list
    /// holds a node twice or more than its capacity, the entry point sits on the top level,
    /// and every node is reachable from the entry point on level 0.
    /// - Complexity: O(count × M).
    public func checkInvariants() -> [String] {
        var problems: [String] = []
        let n = graph.nodeCount
        guard n == store.count else { return ["graph has \(n) nodes for \(store.count) vectors"] }
        guard n > 0 else { return graph.maxLevel == -1 ? [] : ["empty graph with top level \(graph.maxLevel)"] }
        if Int(graph.entryPoint) >= n || Int(graph.levels[Int(graph.entryPoint)]) != graph.maxLevel {
            problems.append("entry point \(graph.entryPoint) is not on the top level \(graph.maxLevel)")
        }
        for node in 0..<n {
            let top = Int(graph.levels[node])
            if top > graph.maxLevel { problems.append("node \(node) has level \(top) above the top level") }
            for level in 0...top {
                let list = graph.neighbours(of: UInt32(node), level: level)
                if list.count > (level == 0 ? graph.m0 : graph.m) {
                    problems.append("node \(node) level \(level): \(list.count) links")
                }
                if Set(list).count != list.count { problems.append("node \(node) level \(level): duplicate link") }
                for neighbour in list {
                    if Int(neighbour) == node { problems.append("node \(node) level \(level): links to itself") }
                    if Int(neighbour) >= n || Int(graph.levels[Int(neighbour)]) < level {
                        problems.append("node \(node) level \(level): link to \(neighbour), which is not on that level")
                    }
                }
            }
            if problems.count > 20 { return problems }
        }
        var reached = [Bool](repeating: false, count: n)
        var queue = [Int(graph.entryPoint)]
        reached[Int(graph.entryPoint)] = true
        while let node = queue.popLast() {
            for neighbour in graph.neighbours(of: UInt32(node), level: 0) where Int(neighbour) < n && !reached[Int(neighbour)] {
                reached[Int(neighbour)] = true
                queue.append(Int(neighbour))
            }
        }
        let unreachable = reached.indices.filter { !reached[$0] }
        if !unreachable.isEmpty {
            problems.append("\(unreachable.count) nodes unreachable on level 0, e.g. \(unreachable.prefix(5).map(String.init).joined(separator: ", "))")
        }
        return problems
    }
}
