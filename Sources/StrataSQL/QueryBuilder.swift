import StrataCore
import StrataKernels
import StrataQuery

/// Builds a SELECT in Swift instead of SQL text. It produces the same `SelectStatement`
/// the SQL parser does, so both get the same plans (spec/sql.md, "Swift API"):
///
/// ```swift
/// let rows = try await db.query("docs")
///     .select("id", "title")
///     .where("tenant = $1 AND created_at > now() - INTERVAL '7 days'", .string("t42"))
///     .nearest(to: embedding, column: "embedding")
///     .limit(10)
///     .run()
/// ```
public struct QueryBuilder: Sendable {
    private let database: Database
    private var table: TableName
    private var version: VersionSelector = .latest
    private var query = SelectQuery()
    private var parameters: [Value] = []
    private var conditions: [SQLExpression] = []
    private var search: SQLExpression?
    private var error: StrataError?

    init(database: Database, table: String) {
        self.database = database
        var parser: Parser? = try? Parser(table)
        let name = try? parser?.tableName()
        self.table = name ?? TableName(namespace: nil, name: table, offset: 0)
        if name == nil || parser?.atEnd != true { error = .invalidQuery(message: "'\(table)' is not a table name", offset: nil) }
    }

    /// The columns or expressions to return (default `*`), each SQL text such as `id`,
    /// `lower(title) AS t` or `_distance`.
    public func select(_ items: String...) -> QueryBuilder {
        var next = self
        next.query.items = []
        for item in items {
            do throws(StrataError) {
                var parser = try Parser(item)
                let e = try parser.expression()
                var alias: String?
                if parser.accept("AS") { alias = try parser.name("an alias").name }
                guard parser.atEnd else { throw parser.unexpected(expected: "the end of the item") }
                next.query.items.append(.expression(next.renumbered(e, by: 0), alias: alias))
            } catch {
                next.error = next.error ?? error
            }
        }
        return next
    }

    /// Adds a condition in SQL (AND-ed with the others). Its `$1`, `$2`, … are `values`.
    public func `where`(_ condition: String, _ values: Value...) -> QueryBuilder {
        var next = self
        do throws(StrataError) {
            let e = try SQLExpression(parsing: condition)
            next.conditions.append(next.renumbered(e, by: next.parameters.count))
            next.parameters += values
        } catch {
            next.error = next.error ?? error
        }
        return next
    }

    /// Orders by distance to `vector` in `column` (a vector search): `<->` for l2, `<=>`
    /// for cosine, `<#>` for dot (negative inner product).
    public func nearest(to vector: [Float], column: String, metric: VectorMetric = .l2) -> QueryBuilder {
        var next = self
        next.search = next.distance(vector, column: column, metric: metric)
        return next
    }

    /// Keeps the rows matching a full-text query on `column`, best first by BM25 unless
    /// another order is given.
    public func match(_ text: String, column: String) -> QueryBuilder {
        var next = self
        next.conditions.append(next.matchCall(text, column: column))
        return next
    }

    /// A hybrid search: the vector search and the full-text search fused by reciprocal rank
    /// fusion with constant `k` (or, `linear`, by a weighted sum of normalised scores).
    public func hybrid(vector: [Float], vectorColumn: String, metric: VectorMetric = .l2, text: String, textColumn: String,
                       k: Double = 60, weights: [Float] = [1, 1], linear: Bool = false) -> QueryBuilder {
        var next = self
        let inputs = [next.distance(vector, column: vectorColumn, metric: metric), next.matchCall(text, column: textColumn)]
        var named = [SQLExpression.NamedArgument(name: "weights", value: SQLExpression(.literal(.vector(weights)), at: 0))]
        if !linear { named.append(.init(name: "k", value: SQLExpression(.literal(.float64(k)), at: 0))) }
        next.search = SQLExpression(.call(name: linear ? "fuse_linear" : "rrf", arguments: inputs, named: named), at: 0)
        return next
    }

    /// Orders by an SQL expression.
    public func orderBy(_ expression: String, descending: Bool = false) -> QueryBuilder {
        var next = self
        do throws(StrataError) {
            next.query.orderBy.append(SelectQuery.Order(next.renumbered(try SQLExpression(parsing: expression), by: 0), descending: descending))
        } catch {
            next.error = next.error ?? error
        }
        return next
    }

    /// At most `count` rows.
    public func limit(_ count: Int) -> QueryBuilder {
        var next = self
        next.query.limit = count
        return next
    }

    /// Skips the first `count` rows.
    public func offset(_ count: Int) -> QueryBuilder {
        var next = self
        next.query.offset = count
        return next
    }

    /// Reads version `version` of the table.
    public func version(_ version: UInt64) -> QueryBuilder {
        var next = self
        next.version = .version(version)
        return next
    }

    /// Reads the version tagged `tag`.
    public func tag(_ tag: String) -> QueryBuilder {
        var next = self
        next.version = .tag(tag)
        return next
    }

    /// The statement built, and its parameters.
    public func statement() throws(StrataError) -> (SelectStatement, [Value]) {
        if let error { throw error }
        var query = self.query
        query.filter = Planner.conjunction(conditions)
        if let search { query.orderBy.insert(SelectQuery.Order(search), at: 0) }
        return (SelectStatement(source: .table(table, version: version, alias: nil), query: query), parameters)
    }

    /// Runs the query.
    public func run(options: QueryOptions = QueryOptions()) async throws(StrataError) -> StatementResult {
        let (statement, parameters) = try statement()
        return try await database.execute(.select(statement), parameters: parameters, options: options)
    }

    /// The query's plan (EXPLAIN; with `analyze`, run and measured).
    public func explain(analyze: Bool = false, options: QueryOptions = QueryOptions()) async throws(StrataError) -> String {
        let (statement, parameters) = try statement()
        let result = try await database.execute(.explain(.select(statement), analyze: analyze), parameters: parameters, options: options)
        return result.typedRows.compactMap { $0.string("plan") }.joined(separator: "\n")
    }

    // MARK: Building blocks

    private mutating func parameter(_ value: Value) -> SQLExpression {
        parameters.append(value)
        return SQLExpression(.parameter(parameters.count), at: 0)
    }

    private mutating func distance(_ vector: [Float], column: String, metric: VectorMetric) -> SQLExpression {
        let op: BinaryOperator = metric == .l2 ? .l2Distance : metric == .cosine ? .cosineDistance : .negativeInnerProduct
        return SQLExpression(.binary(op, SQLExpression(.column(qualifier: nil, name: column), at: 0), parameter(.vector(vector))), at: 0)
    }

    private mutating func matchCall(_ text: String, column: String) -> SQLExpression {
        SQLExpression(.call(name: "match", arguments: [SQLExpression(.column(qualifier: nil, name: column), at: 0), parameter(.string(text))], named: []), at: 0)
    }

    /// `e` with `$n` renumbered to `$(n + shift)`.
    private func renumbered(_ e: SQLExpression, by shift: Int) -> SQLExpression {
        guard shift > 0 else { return e }
        return e.mapParameters { $0 + shift }
    }
}

extension Database {
    /// A query builder over the table named `table` (`name` or `namespace.name`).
    public func query(_ table: String) -> QueryBuilder { QueryBuilder(database: self, table: table) }
}
