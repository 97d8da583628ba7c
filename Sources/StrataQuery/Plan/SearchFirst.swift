import StrataCore
import StrataTable

extension PlanNode {
    /// Search first (spec/sql.md §7.2): asks `search` for `initial` ranked hits (at least
    /// k), keeps those whose rows pass `filter`, and asks for four times as many while fewer
    /// than k pass and the search returned all it was asked; past a quarter of the table it
    /// gives up and returns `filterFirst()`. Never returns fewer than k hits while more pass.
    func searchFirst<Hit>(k: Int, initial: Int, filter: FilterPlan, snapshot: TableSnapshot,
                          search: (Int) async throws(StrataError) -> [(hit: Hit, key: UInt64)],
                          filterFirst: () async throws(StrataError) -> [(hit: Hit, key: UInt64)]) async throws(StrataError) -> [(hit: Hit, key: UInt64)] {
        var asked = max(initial, k)
        if try await filter.filtersNothing(snapshot) {
            note("search first: the filter holds for every row (by its indexes), so it is not applied")
            return Array(try await search(k).prefix(k))
        }
        while true {
            let candidates = try await search(asked)
            let rows = try await snapshot.rows(keys: candidates.map(\.key), columns: filter.columns)
            let passed = try Evaluator(rows).matchingRows(filter.condition).map { candidates[$0] }
            if passed.count >= k || candidates.count < asked {
                note("search first: asked \(asked), \(passed.count) passed the filter")
                return Array(passed.prefix(k))
            }
            note("search first: asked \(asked), only \(passed.count) passed the filter")
            asked *= 4
            if asked > max(4 * k, snapshot.rowCount / 4) {
                note("switched to filter first")
                return try await filterFirst()
            }
        }
    }

    /// Filter first (spec/sql.md §7.2): what a search is restricted to — the table's own
    /// predicate when the filter is comparisons alone (applied inside the search), else the
    /// keys of the rows the filter evaluates to (timed and counted for EXPLAIN ANALYZE).
    func filterFirstRestriction(_ filter: FilterPlan, snapshot: TableSnapshot) async throws(StrataError) -> (predicate: Predicate?, allowed: RowKeySet?) {
        if try await filter.filtersNothing(snapshot) {
            note("the filter holds for every row (by its indexes), so it is not applied")
            return (nil, nil)
        }
        if filter.isPredicateOnly { return (filter.pushdown, nil) }
        let allowed = try await stage("filter") { () throws(StrataError) in RowKeySet(try await filter.matchingKeys(snapshot)) }
        note("\(allowed.count) rows pass the filter")
        return (nil, allowed)
    }
}
