import StrataCore
import StrataTable

/// How a full-text search meets its filter.
package enum TextStrategy: Sendable, Equatable, CustomStringConvertible {
    /// No filter.
    case plain
    /// Filter first: the matching rows (by the table's filter for pushed-down comparisons,
    /// by evaluation for the rest), then the search restricted to them.
    case filterFirst
    /// Search first for `k` rows, filter, widen by four while short, then filter-first.
    case searchFirst(k: Int)

    package var description: String {
        switch self {
        case .plain: return "index"
        case .filterFirst: return "filter first"
        case let .searchFirst(k): return "search first (k=\(k), widened until full)"
        }
    }
}

/// The k rows scoring highest by BM25 for a query on a string column, best first, ties by
/// row key, with a `_score` column; only rows passing the filter, never fewer than k while
/// more match.
package final class TextSearchNode: PlanNode, @unchecked Sendable {
    let snapshot: TableSnapshot
    package let column: String
    package let query: String
    package var k: Int
    package var columns: [String]
    package var filter: FilterPlan?
    package var strategy: TextStrategy
    package var estimate: String?
    private var done = false

    /// The pseudo-column holding each row's score.
    package static let scoreColumn = "_score"

    package init(snapshot: TableSnapshot, column: String, query: String, k: Int, columns: [String], filter: FilterPlan?, strategy: TextStrategy) {
        self.snapshot = snapshot
        self.column = column
        self.query = query
        self.k = k
        self.columns = columns
        self.filter = filter
        self.strategy = strategy
    }

    package override var title: String {
        "TextSearch MATCH(\(ExpressionPrinter.quoted(column)), \(ExpressionPrinter.literal(.string(query)))) k=\(k) (\(strategy))"
    }

    package override var details: [String] {
        var lines: [String] = []
        if let estimate { lines.append(estimate) }
        if let filter { lines.append("filter: \(filter)") }
        return lines
    }

    package override func produce() async throws(StrataError) -> KeyedBatch? {
        guard !done else { return nil }
        done = true
        let found: (scores: [Double], keys: [UInt64])
        switch strategy {
        case .plain: found = try await search(k: k, allowed: nil, predicate: nil)
        case .filterFirst: found = try await filterFirst()
        case let .searchFirst(initial): found = try await searchFirst(initial)
        }
        let rows = try await stage("read \(found.keys.count) result rows") { () throws(StrataError) in
            try await snapshot.rows(keys: found.keys, columns: columns)
        }
        return KeyedBatch(batch: try appending(rows, name: Self.scoreColumn, column: try ColumnBuilder.column(.float64, found.scores.map(Value.float64))),
                          keys: found.keys)
    }

    private func search(k: Int, allowed: RowKeySet?, predicate: Predicate?) async throws(StrataError) -> (scores: [Double], keys: [UInt64]) {
        var request = TextSearchRequest(column: column, query: query, k: k, filter: predicate, columns: [column])
        request.allowedKeys = allowed
        let result = try await snapshot.search(request)
        return (result.scores, result.keys)
    }

    /// The table filters pushed-down comparisons itself; a residual needs the keys.
    private func filterFirst() async throws(StrataError) -> (scores: [Double], keys: [UInt64]) {
        guard let filter else { return try await search(k: k, allowed: nil, predicate: nil) }
        let (predicate, allowed) = try await filterFirstRestriction(filter, snapshot: snapshot)
        return try await search(k: k, allowed: allowed, predicate: predicate)
    }

    /// Search, filter, widen; filter-first once widening cannot pay.
    private func searchFirst(_ initial: Int) async throws(StrataError) -> (scores: [Double], keys: [UInt64]) {
        guard let filter else { return try await search(k: k, allowed: nil, predicate: nil) }
        func pairs(_ found: (scores: [Double], keys: [UInt64])) -> [(hit: Double, key: UInt64)] { Array(zip(found.scores, found.keys)) }
        let found = try await searchFirst(k: k, initial: initial, filter: filter, snapshot: snapshot,
                                          search: { (asked) throws(StrataError) in pairs(try await search(k: asked, allowed: nil, predicate: nil)) },
                                          filterFirst: { () throws(StrataError) in pairs(try await filterFirst()) })
        return (found.map(\.hit), found.map(\.key))
    }
}
