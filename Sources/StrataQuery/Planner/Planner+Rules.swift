import StrataCore
import StrataTable

/// What the rules need to know about the query as a whole.
struct RuleContext {
    let schema: Schema
    /// The table columns the query's output and sort keys read, in schema order.
    let needed: [String]
}

extension Planner {
    /// Every node of the tree under `root`, parents before children.
    static func nodes(_ root: PlanNode) -> [PlanNode] { [root] + root.children.flatMap(nodes) }

    /// Applies `rule` to the plan in place.
    func apply(_ rule: OptimizerRule, to root: PlanNode, _ context: RuleContext) async throws(StrataError) {
        switch rule {
        case .pushdownFilter:
            func split(_ f: FilterPlan) -> FilterPlan {
                FilterPlan(f.condition, schema: context.schema, pushdown: true, indexed: { snapshot.hasScalarIndex(on: $0) })
            }
            for node in Self.nodes(root) {
                if let scan = node as? ScanNode, let f = scan.filter { scan.filter = split(f) }
                if let search = node as? VectorSearchNode, let f = search.filter { search.filter = split(f) }
                if let search = node as? TextSearchNode, let f = search.filter { search.filter = split(f) }
            }
        case .pruneColumns:
            for node in Self.nodes(root) {
                if let scan = node as? ScanNode { scan.columns = context.needed }
                if let search = node as? VectorSearchNode { search.columns = context.needed }
                if let search = node as? TextSearchNode { search.columns = context.needed }
                if let fuse = node as? FuseNode { fuse.columns = context.needed }
            }
        case .searchStrategy:
            for node in Self.nodes(root) {
                if let search = node as? VectorSearchNode { try await chooseStrategy(search) }
                if let search = node as? TextSearchNode { try await chooseStrategy(search) }
            }
        case .topN:
            for node in Self.nodes(root) {
                if let limit = node as? LimitNode, let sort = limit.children[0] as? SortNode, let n = limit.limit { sort.limit = n + limit.offset }
            }
        }
    }

    /// Search-first pays when the filter keeps at least this fraction of the rows.
    static let searchFirstSelectivity = 0.2

    /// Chooses between filter-first and search-first for a filtered search through a vector
    /// index. (Filter-first hands the matching rows to the index, which itself scores them
    /// exactly from its in-memory vectors when there are few, and walks its graph when not.)
    /// Without a usable index the search is exact over the filter's rows already.
    private func chooseStrategy(_ search: VectorSearchNode) async throws(StrataError) {
        guard let filter = search.filter, search.strategy != .exact else { return }
        let (fraction, method) = try await filter.estimateSelectivity(snapshot)
        let rows = snapshot.rowCount
        search.estimate = "estimated \(Self.percent(fraction)) of \(rows) rows match (\(method))"
        if fraction >= Self.searchFirstSelectivity && Self.widened(search.k, fraction) < rows / 4 {
            search.strategy = .indexSearchFirst(k: Self.widened(search.k, fraction))
        } else {
            search.strategy = .indexFilterFirst
        }
    }

    /// Chooses between filter-first and search-first for a filtered text search: search
    /// first when the filter keeps most rows (finding every matching row would cost more
    /// than asking the index for a few more results).
    private func chooseStrategy(_ search: TextSearchNode) async throws(StrataError) {
        guard let filter = search.filter else { return }
        let (fraction, method) = try await filter.estimateSelectivity(snapshot)
        search.estimate = "estimated \(Self.percent(fraction)) of \(snapshot.rowCount) rows match (\(method))"
        if fraction >= Self.searchFirstSelectivity && Self.widened(search.k, fraction) < snapshot.rowCount / 4 {
            search.strategy = .searchFirst(k: Self.widened(search.k, fraction))
        }
    }

    /// k asked of a search-first search: enough that k pass a filter of `fraction` with room.
    static func widened(_ k: Int, _ fraction: Double) -> Int {
        Int((Double(k) / max(fraction, 0.01) * 1.5).rounded(.up)) + 10
    }

    static func percent(_ fraction: Double) -> String {
        let tenths = (fraction * 1_000).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)%"
    }
}

/// Checks a plan's invariants after every rule: each node's expressions read only columns
/// its input produces; a sort's top-N and a search's k cover the LIMIT above them; a
/// filter's pushed-down and residual parts together are its whole condition. A violation
/// is a bug in a rule, reported as an error rather than a wrong answer.
enum PlanChecker {
    static func check(_ root: PlanNode) throws(StrataError) {
        _ = try output(of: root, need: nil)
    }

    /// The columns `node` produces; `need` is the rows its parent takes (LIMIT + OFFSET).
    private static func output(of node: PlanNode, need: Int?) throws(StrataError) -> Set<String> {
        func fail(_ why: String) -> StrataError { .invalidQuery(message: "internal planner error in \(node.title): \(why)", offset: nil) }
        func checkFilter(_ filter: FilterPlan?) throws(StrataError) {
            guard let filter else { return }
            guard filter.partCount == FilterPlan.conjuncts(filter.condition).count else { throw fail("filter parts do not add up to its condition") }
        }
        func covers(_ k: Int) throws(StrataError) {
            if let need, k < need { throw fail("k=\(k) is below the \(need) rows asked for") }
        }
        switch node {
        case let scan as ScanNode:
            try checkFilter(scan.filter)
            return Set(scan.columns)
        case let search as VectorSearchNode:
            try checkFilter(search.filter)
            try covers(search.k)
            return Set(search.columns + [VectorSearchNode.distanceColumn])
        case let search as TextSearchNode:
            try checkFilter(search.filter)
            try covers(search.k)
            return Set(search.columns + [TextSearchNode.scoreColumn])
        case let fuse as FuseNode:
            try covers(fuse.limit)
            for child in fuse.children {
                let produced = try output(of: child, need: fuse.limit)
                guard produced.isSuperset(of: fuse.columns) else { throw fail("an input lacks \(Set(fuse.columns).subtracting(produced).sorted())") }
            }
            return Set(fuse.columns + [TextSearchNode.scoreColumn])
        case let sort as SortNode:
            if let limit = sort.limit { try covers(limit) }
            let input = try output(of: sort.children[0], need: nil)
            let read = Set(sort.keys.flatMap(\.expression.columns))
            guard input.isSuperset(of: read) else { throw fail("reads \(read.subtracting(input).sorted()), which its input lacks") }
            return input
        case let limit as LimitNode:
            return try output(of: limit.children[0], need: limit.limit.map { $0 + limit.offset })
        case let project as ProjectNode:
            let input = try output(of: project.children[0], need: need)
            let read = Set(project.items.flatMap(\.expression.columns))
            guard input.isSuperset(of: read) else { throw fail("reads \(read.subtracting(input).sorted()), which its input lacks") }
            return Set(project.items.map(\.name))
        default:
            throw fail("unknown node")
        }
    }
}
