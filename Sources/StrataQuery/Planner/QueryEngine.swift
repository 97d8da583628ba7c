import StrataCore
import StrataTable

/// The rows a query returned.
public struct QueryResult: Sendable {
    /// The rows, with the SELECT list's names and types.
    public var rows: RecordBatch
    /// Each row's key in the snapshot (`TableSnapshot.rowKey`).
    public var keys: [UInt64]
}

/// A planned query over one snapshot: run it once, or explain it.
public final class PreparedQuery: Sendable {
    private let root: PlanNode

    init(root: PlanNode) { self.root = root }

    /// The plan as an indented tree (EXPLAIN).
    public var plan: String { root.explain(analyze: false) }

    /// Runs the plan and returns every row. A prepared query runs once.
    /// - Throws: evaluation errors (`.invalidQuery`), corruption and I/O errors.
    public func run() async throws(StrataError) -> QueryResult {
        let batches = try await root.collect()
        guard let schema = batches.first?.batch.schema else {
            let schema = try Schema(fields: (root as? ProjectNode)?.items.enumerated().map { i, item in
                Field(id: UInt32(i), name: item.name, type: item.expression.type.dataType, nullable: true)
            } ?? [])
            return QueryResult(rows: RecordBatch(checked: schema, columns: try schema.fields.map { (field) throws(StrataError) in
                try ColumnBuilder.column(field.type, [])
            }), keys: [])
        }
        let all = concatenate(batches, schema: schema)
        return QueryResult(rows: all.batch, keys: all.keys)
    }

    /// Runs the plan and returns the tree with each node's rows and time (EXPLAIN ANALYZE).
    public func analyze() async throws(StrataError) -> String {
        _ = try await run()
        return root.explain(analyze: true)
    }
}

/// Plans and runs SELECT queries on a table snapshot (spec/sql.md, "Planning").
public enum QueryEngine {
    /// Plans `query` over `snapshot`; `table` (and `alias`) may qualify column names.
    /// - Throws: `.invalidQuery` pointing at what cannot be planned.
    public static func prepare(_ query: SelectQuery, on snapshot: TableSnapshot, table: String, alias: String? = nil,
                               parameters: [Value] = [], options: QueryOptions = QueryOptions()) async throws(StrataError) -> PreparedQuery {
        let planner = Planner(snapshot: snapshot, table: table, alias: alias, parameters: parameters, options: options)
        return PreparedQuery(root: try await planner.plan(query))
    }

    /// Plans and runs `query`.
    public static func run(_ query: SelectQuery, on snapshot: TableSnapshot, table: String, alias: String? = nil,
                           parameters: [Value] = [], options: QueryOptions = QueryOptions()) async throws(StrataError) -> QueryResult {
        try await prepare(query, on: snapshot, table: table, alias: alias, parameters: parameters, options: options).run()
    }
}
