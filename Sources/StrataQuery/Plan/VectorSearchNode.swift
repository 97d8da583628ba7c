import StrataCore
import StrataIndex
import StrataKernels
import StrataTable

/// How a vector search meets its filter (spec/sql.md, "Planning").
package enum VectorStrategy: Sendable, Equatable, CustomStringConvertible {
    /// Exact distances: over every row without a filter; with one, over the matching rows
    /// only (found with the filter's columns alone), whose vectors are then read.
    case exact
    /// The vector index, unfiltered.
    case index
    /// Filter first: the matching rows' keys, then the index restricted to them.
    case indexFilterFirst
    /// Search first: the index asked for `k` rows, then filtered; asked again for four times
    /// as many while fewer than k pass and more could, then filter-first.
    case indexSearchFirst(k: Int)

    package var description: String {
        switch self {
        case .exact: return "exact"
        case .index: return "index"
        case .indexFilterFirst: return "index, filter first"
        case let .indexSearchFirst(k): return "index, search first (k=\(k), widened until full)"
        }
    }
}

/// The k rows nearest to a query vector that pass a filter, nearest first, ties by row
/// key, with a `_distance` column (pgvector's values: Euclidean for `<->`, cosine distance
/// for `<=>`, negative inner product for `<#>`). Never returns fewer than k rows while more
/// match.
package final class VectorSearchNode: PlanNode, @unchecked Sendable {
    let snapshot: TableSnapshot
    package let column: String
    package let query: [Float]
    package let op: BinaryOperator
    package var k: Int
    package var columns: [String]
    package var filter: FilterPlan?
    package var strategy: VectorStrategy
    package let parameters: VectorSearchParameters
    /// The planner's estimate, for EXPLAIN.
    package var estimate: String?
    private var done = false

    /// The pseudo-column holding each row's distance.
    package static let distanceColumn = "_distance"

    package init(snapshot: TableSnapshot, column: String, query: [Float], op: BinaryOperator, k: Int, columns: [String], filter: FilterPlan?,
                 strategy: VectorStrategy, parameters: VectorSearchParameters) {
        self.snapshot = snapshot
        self.column = column
        self.query = query
        self.op = op
        self.k = k
        self.columns = columns
        self.filter = filter
        self.strategy = strategy
        self.parameters = parameters
    }

    package var metric: VectorMetric { op == .l2Distance ? .l2 : op == .cosineDistance ? .cosine : .dot }

    package override var title: String { "VectorSearch \(ExpressionPrinter.quoted(column)) \(op.rawValue) query k=\(k) (\(strategy))" }

    package override var details: [String] {
        var lines: [String] = []
        if let estimate { lines.append(estimate) }
        if let filter { lines.append("filter: \(filter)") }
        return lines
    }

    package override func produce() async throws(StrataError) -> KeyedBatch? {
        guard !done else { return nil }
        done = true
        let found: [(distance: Float, key: UInt64)]
        switch strategy {
        case .exact: found = try await exact()
        case .index: found = try await indexed(k: k, allowed: nil)
        case .indexFilterFirst: found = try await filterFirst(k: k)
        case let .indexSearchFirst(initial): found = try await searchFirst(initial)
        }
        let rows = try await stage("read \(found.count) result rows") { () throws(StrataError) in
            try await snapshot.rows(keys: found.map(\.key), columns: columns)
        }
        var builder = ColumnBuilder(type: .float32, capacity: found.count)
        for hit in found { try builder.append(.float32(metric == .l2 ? hit.distance.squareRoot() : hit.distance)) }
        return KeyedBatch(batch: try appending(rows, name: Self.distanceColumn, column: builder.finish()), keys: found.map(\.key))
    }

    /// Exact distances over every row, or over the filter's rows.
    private func exact() async throws(StrataError) -> [(distance: Float, key: UInt64)] {
        var best = DistanceHeap<UInt64>(capacity: k + 1)
        func consider(_ batch: RecordBatch, _ keys: [UInt64]) {
            guard let vectors = batch.column(named: column) else { return }
            ColumnDistances.forEach(vectors, query: query, metric: metric) { row, distance in
                if distance.isFinite { best.insert(distance, keys[row], keepingBest: k) }
            }
        }
        if let filter {
            let keys = try await filter.matchingKeys(snapshot)
            note("exact over \(keys.count) matching rows")
            for start in stride(from: 0, to: keys.count, by: ScanNode.batchRows) {
                let chunk = Array(keys[start..<min(keys.count, start + ScanNode.batchRows)])
                consider(try await snapshot.rows(keys: chunk, columns: [column]), chunk)
            }
        } else {
            let scan = ScanNode(snapshot: snapshot, table: "", columns: [column], filter: nil)
            while let next = try await scan.next() { consider(next.batch, next.keys) }
        }
        return best.sortedBestFirst().map { ($0.distance, $0.id) }
    }

    /// Filter first: comparisons alone are the table's own filter, applied inside its
    /// search; anything else is evaluated first and the search restricted to the keys.
    private func filterFirst(k: Int) async throws(StrataError) -> [(distance: Float, key: UInt64)] {
        guard let filter else { return try await indexed(k: k, allowed: nil) }
        let (predicate, allowed) = try await filterFirstRestriction(filter, snapshot: snapshot)
        return try await stage(predicate == nil ? "index search" : "filtered index search") { () throws(StrataError) in
            try await indexed(k: k, allowed: allowed, predicate: predicate)
        }
    }

    /// The table's search (its index where one covers the column), restricted to `allowed`
    /// and to the rows `predicate` matches.
    private func indexed(k: Int, allowed: RowKeySet?, predicate: Predicate? = nil) async throws(StrataError) -> [(distance: Float, key: UInt64)] {
        var request = VectorSearchRequest(column: column, vector: query, k: k, filter: predicate, parameters: parameters, metric: metric, columns: [column])
        request.allowedKeys = allowed
        let result = try await snapshot.search(request)
        return zip(result.distances, result.keys).map { ($0, $1) }
    }

    /// Search, filter, widen; filter-first once widening cannot pay.
    private func searchFirst(_ initial: Int) async throws(StrataError) -> [(distance: Float, key: UInt64)] {
        guard let filter else { return try await indexed(k: k, allowed: nil) }
        let found = try await searchFirst(k: k, initial: initial, filter: filter, snapshot: snapshot,
                                          search: { (asked) throws(StrataError) in try await indexed(k: asked, allowed: nil).map { ($0.distance, $0.key) } },
                                          filterFirst: { () throws(StrataError) in try await filterFirst(k: k).map { ($0.distance, $0.key) } })
        return found.map { ($0.hit, $0.key) }
    }
}
