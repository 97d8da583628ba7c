import StrataCore

/// A SELECT over one table as parsed, before planning: what SQL's SELECT and the query
/// builder both produce, so both get the same plans.
public struct SelectQuery: Sendable, Hashable {
    /// One entry of the SELECT list.
    public enum Item: Sendable, Hashable {
        /// `*`: every column (and, after a search, its `_distance` or `_score`).
        case all
        /// An expression, with its `AS` name.
        case expression(SQLExpression, alias: String?)
    }

    /// One ORDER BY key.
    public struct Order: Sendable, Hashable {
        /// The key.
        public var expression: SQLExpression
        /// DESC.
        public var descending: Bool

        /// A key; see each property.
        public init(_ expression: SQLExpression, descending: Bool = false) {
            self.expression = expression
            self.descending = descending
        }
    }

    /// The SELECT list.
    public var items: [Item]
    /// WHERE (with at most one `MATCH(column, 'query')` among its AND-ed conditions).
    public var filter: SQLExpression?
    /// GROUP BY keys (the SQL layer plans a grouped query as two queries; the planner
    /// itself takes none).
    public var groupBy: [SQLExpression] = []
    /// HAVING: the condition on groups.
    public var having: SQLExpression?
    /// ORDER BY: expressions, a distance (`embedding <-> $1`) for a vector search, or
    /// `rrf(…)` / `fuse_linear(…)` for a hybrid search.
    public var orderBy: [Order]
    /// LIMIT (nil: no limit).
    public var limit: Int?
    /// OFFSET.
    public var offset: Int

    /// A query; see each property.
    public init(items: [Item] = [.all], filter: SQLExpression? = nil, orderBy: [Order] = [], limit: Int? = nil, offset: Int = 0) {
        self.items = items
        self.filter = filter
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
    }
}
