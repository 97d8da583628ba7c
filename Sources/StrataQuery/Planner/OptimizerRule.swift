import StrataIndex

/// The optimizer's rules, applied in this order to the plan the planner first builds (which
/// is correct on its own, only slow). Each can be switched off by name; the plan is checked
/// after each one (spec/sql.md, "Planning").
public enum OptimizerRule: String, Sendable, CaseIterable {
    /// Split each filter into the comparisons the table answers through a scalar index or
    /// its zone maps, and the residual evaluated on batches.
    case pushdownFilter = "pushdown-filter"
    /// Read only the columns the query uses.
    case pruneColumns = "prune-columns"
    /// Choose how each filtered search meets its filter — exact over the matching rows,
    /// filter-first through the index, or search-first with a wider k — from the filter's
    /// estimated selectivity.
    case searchStrategy = "search-strategy"
    /// Keep only the best LIMIT + OFFSET rows while sorting, instead of sorting everything.
    case topN = "top-n"
}

/// How a query is planned and run.
public struct QueryOptions: Sendable {
    /// Rules not to apply.
    public var disabledRules: Set<OptimizerRule>
    /// ef, nprobes and refine for vector indexes (nil fields: the index's defaults).
    public var vectorParameters: VectorSearchParameters
    /// The statement's time (`now()`); nil: the clock's, read once when planning.
    public var now: Int64?

    /// Options; see each property.
    public init(disabledRules: Set<OptimizerRule> = [], vectorParameters: VectorSearchParameters = .init(), now: Int64? = nil) {
        self.disabledRules = disabledRules
        self.vectorParameters = vectorParameters
        self.now = now
    }
}
