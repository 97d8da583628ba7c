import Foundation
import StrataCore
import StrataIndex
import StrataKernels
import StrataTable

/// What a query searches by, found in its WHERE and ORDER BY.
enum SearchSpec {
    case vector(VectorInput)
    case text(TextInput)
    case hybrid([SearchInput], Fusion, fetch: Int?)
}

/// `column <op> query`.
struct VectorInput {
    var column: String
    var query: [Float]
    var op: BinaryOperator
}

/// `MATCH(column, 'query')`.
struct TextInput {
    var column: String
    var query: String
}

/// One input of a hybrid search.
enum SearchInput {
    case vector(VectorInput)
    case text(TextInput)
}

/// Turns a `SelectQuery` into a plan over one table snapshot: first a correct, naive plan
/// (full scans, filters evaluated on every row, searches filter-first), then the rules of
/// `OptimizerRule`, each followed by `PlanChecker`.
package struct Planner {
    let snapshot: TableSnapshot
    let table: String
    let qualifiers: [String]
    let parameters: [Value]
    let options: QueryOptions
    let now: Int64

    package init(snapshot: TableSnapshot, table: String, alias: String?, parameters: [Value], options: QueryOptions) {
        self.snapshot = snapshot
        self.table = table
        qualifiers = [table] + (alias.map { [$0] } ?? [])
        self.parameters = parameters
        self.options = options
        now = options.now ?? Timestamp.now()
    }

    /// The binder for the table's columns, plus `pseudo` columns.
    func binder(pseudo: [(String, DataType)] = []) -> Binder {
        Binder(BindingScope(columns: snapshot.schema.fields.map { ($0.name, $0.type) } + pseudo, qualifiers: qualifiers, parameters: parameters, now: now))
    }

    /// The optimized plan of `query`.
    /// - Throws: `.invalidQuery` pointing at what cannot be planned.
    package func plan(_ query: SelectQuery) async throws(StrataError) -> PlanNode {
        guard query.groupBy.isEmpty, query.having == nil else {
            throw .invalidQuery(message: "GROUP BY and HAVING are planned by the SQL layer (Database.execute), not by QueryEngine", offset: nil)
        }
        guard query.limit.map({ $0 >= 0 }) ?? true, query.offset >= 0 else {
            throw .invalidQuery(message: "LIMIT and OFFSET must not be negative", offset: nil)
        }
        // WHERE: MATCH conditions apart from the rest.
        var matches: [(input: TextInput, offset: Int)] = []
        var conditions: [SQLExpression] = []
        for conjunct in Self.conjuncts(query.filter) {
            if case let .call("match", arguments, named) = conjunct.node {
                matches.append((try matchInput(arguments, named, at: conjunct.offset), conjunct.offset))
            } else {
                conditions.append(conjunct)
            }
        }
        guard matches.count <= 1 else {
            throw .invalidQuery(message: "one MATCH per query: put every word in one query string", offset: matches[1].offset)
        }
        // An ORDER BY key naming a SELECT alias stands for the aliased expression, so
        // `SELECT emb <-> $1 AS d … ORDER BY d` is a vector search too.
        var orderBy = query.orderBy.map { order in
            guard case let .column(nil, name) = order.expression.node else { return order }
            for case let .expression(e, alias) in query.items where alias == name {
                return SelectQuery.Order(e, descending: order.descending)
            }
            return order
        }
        // No query returns more rows than the snapshot holds: LIMIT and OFFSET beyond that
        // change nothing, and capped they cannot overflow the sums below.
        let limit = query.limit.map { min($0, snapshot.rowCount) }, offset = min(query.offset, snapshot.rowCount)
        let need = limit.map { $0 + offset }
        let search = try searchSpec(&orderBy, match: matches.first?.input, need: need)
        let pseudo: [(String, DataType)]
        switch search {
        case .vector: pseudo = [(VectorSearchNode.distanceColumn, .float32)]
        case .text, .hybrid: pseudo = [(TextSearchNode.scoreColumn, .float64)]
        case nil: pseudo = []
        }
        let binder = binder(pseudo: pseudo)
        // The WHERE runs before (or inside) the search, so it cannot read the search's scores.
        var whereScope = self.binder().scope
        for (name, _) in pseudo {
            whereScope.unavailable[name] = "WHERE filters the rows a search ranks, so it cannot read \(name) (a distance can be compared as an expression: embedding <-> $1 < 0.5)"
        }
        let whereBinder = Binder(whereScope)
        let condition = try Self.conjunction(conditions).map { (e) throws(StrataError) in try whereBinder.condition(e) }
        let filter = condition.map { FilterPlan($0, schema: snapshot.schema, pushdown: false) }
        let items = try projection(query.items, binder: binder, pseudo: pseudo)
        let sortKeys = try orderBy.map { (order) throws(StrataError) in
            SortKey(expression: try sortExpression(order.expression, items: items, binder: binder), descending: order.descending)
        }
        let all = snapshot.schema.fields.map(\.name)

        var root: PlanNode
        switch search {
        case let .vector(input):
            root = vectorNode(input, k: max(1, need ?? 1), filter: filter, columns: all)
        case let .text(input):
            // Ordered by something else than the score, the sort needs every match.
            let k = sortKeys.isEmpty ? need ?? snapshot.rowCount : snapshot.rowCount
            root = textNode(input, k: max(1, k), filter: filter, columns: all)
        case let .hybrid(inputs, fusion, fetch):
            let k = max(1, need ?? 1)
            let nodes: [PlanNode] = inputs.map { input in
                switch input {
                case let .vector(v): return vectorNode(v, k: max(k, fetch ?? k), filter: filter, columns: all)
                case let .text(t): return textNode(t, k: max(k, fetch ?? k), filter: filter, columns: all)
                }
            }
            root = FuseNode(inputs: nodes, fusion: fusion, limit: k, columns: all)
        case nil:
            root = ScanNode(snapshot: snapshot, table: table, columns: all, filter: filter)
        }
        if !sortKeys.isEmpty { root = SortNode(input: root, keys: sortKeys, limit: nil) }
        if limit != nil || offset > 0 { root = LimitNode(input: root, limit: limit, offset: offset) }
        root = ProjectNode(input: root, items: items)

        let needed = Set(items.flatMap(\.expression.columns) + sortKeys.flatMap(\.expression.columns)).subtracting(pseudo.map(\.0))
        let context = RuleContext(schema: snapshot.schema, needed: all.filter { needed.contains($0) })
        try PlanChecker.check(root)
        for rule in OptimizerRule.allCases where !options.disabledRules.contains(rule) {
            try await apply(rule, to: root, context)
            try PlanChecker.check(root)
        }
        return root
    }

    private func vectorNode(_ input: VectorInput, k: Int, filter: FilterPlan?, columns: [String]) -> VectorSearchNode {
        let indexed = snapshot.hasVectorIndex(on: input.column, metric: Self.metric(input.op))
        let strategy: VectorStrategy = !indexed ? .exact : filter == nil ? .index : .indexFilterFirst
        return VectorSearchNode(snapshot: snapshot, column: input.column, query: input.query, op: input.op, k: k, columns: columns,
                                filter: filter, strategy: strategy, parameters: options.vectorParameters)
    }

    private func textNode(_ input: TextInput, k: Int, filter: FilterPlan?, columns: [String]) -> TextSearchNode {
        TextSearchNode(snapshot: snapshot, column: input.column, query: input.query, k: k, columns: columns, filter: filter,
                       strategy: filter == nil ? .plain : .filterFirst)
    }

    static func metric(_ op: BinaryOperator) -> VectorMetric { op == .l2Distance ? .l2 : op == .cosineDistance ? .cosine : .dot }

    /// The top-level AND-ed parts of `e`.
    static func conjuncts(_ e: SQLExpression?) -> [SQLExpression] {
        guard let e else { return [] }
        if case let .binary(.and, l, r) = e.node { return conjuncts(l) + conjuncts(r) }
        return [e]
    }

    package static func conjunction(_ parts: [SQLExpression]) -> SQLExpression? {
        guard var result = parts.first else { return nil }
        for part in parts.dropFirst() { result = SQLExpression(.binary(.and, result, part), at: part.offset) }
        return result
    }

    /// `MATCH(column, 'query')`.
    private func matchInput(_ arguments: [SQLExpression], _ named: [SQLExpression.NamedArgument], at offset: Int) throws(StrataError) -> TextInput {
        guard arguments.count == 2, named.isEmpty else {
            throw .invalidQuery(message: "MATCH takes a column and a query: MATCH(column, 'words')", offset: offset)
        }
        let binder = binder()
        guard case let .column(column, type) = try binder.bind(arguments[0]) else {
            throw .invalidQuery(message: "MATCH's first argument is a string column", offset: arguments[0].offset)
        }
        guard type == .string else { throw .invalidQuery(message: "MATCH searches a string column; '\(column)' is \(type)", offset: arguments[0].offset) }
        guard case let .constant(.string(text), _) = try binder.bind(arguments[1]) else {
            throw .invalidQuery(message: "MATCH's query is a constant string (or a parameter)", offset: arguments[1].offset)
        }
        return TextInput(column: column, query: text)
    }

    /// `column <-> query` (either way round), or nil when `e` is not such a distance.
    private func vectorInput(_ e: SQLExpression) throws(StrataError) -> VectorInput? {
        guard case let .binary(op, _, _) = e.node, op.isDistance else { return nil }
        switch try binder().bind(e) {
        case let .distance(op, .column(name, _), .constant(.vector(q), _)), let .distance(op, .constant(.vector(q), _), .column(name, _)):
            return VectorInput(column: name, query: q, op: op)
        default:
            return nil
        }
    }

    /// The search the query asks for, taking its key out of `orderBy`.
    private func searchSpec(_ orderBy: inout [SelectQuery.Order], match: TextInput?, need: Int?) throws(StrataError) -> SearchSpec? {
        guard let first = orderBy.first else { return match.map(SearchSpec.text) }
        if case let .call(name, arguments, named) = first.expression.node, name == "rrf" || name == "fuse_linear" {
            guard need != nil else { throw .invalidQuery(message: "\(name)(…) ranks the best rows: add LIMIT", offset: first.expression.offset) }
            guard orderBy.count == 1 else { throw .invalidQuery(message: "\(name)(…) is the only ORDER BY key of a hybrid search", offset: orderBy[1].expression.offset) }
            guard match == nil else { throw .invalidQuery(message: "put MATCH inside \(name)(…), not in WHERE", offset: first.expression.offset) }
            orderBy = []
            return try hybrid(name, arguments, named, at: first.expression.offset)
        }
        if let vector = try vectorInput(first.expression), !first.descending, need != nil {
            guard orderBy.count == 1 else { throw .invalidQuery(message: "a vector search orders by its distance alone", offset: orderBy[1].expression.offset) }
            guard match == nil else {
                throw .invalidQuery(message: "to rank by both MATCH and distance, ORDER BY rrf(\(first.expression), MATCH(…))", offset: first.expression.offset)
            }
            orderBy = []
            return .vector(vector)
        }
        if let match {
            if orderBy.count == 1, case let .column(nil, name) = first.expression.node, name == TextSearchNode.scoreColumn, first.descending {
                orderBy = []
            }
            return .text(match)
        }
        return nil
    }

    /// `rrf(input, input, …, k => 60, weights => [..], fetch_k => n)` or `fuse_linear(…)`.
    private func hybrid(_ name: String, _ arguments: [SQLExpression], _ named: [SQLExpression.NamedArgument], at offset: Int) throws(StrataError) -> SearchSpec {
        var inputs: [SearchInput] = []
        for argument in arguments {
            if case let .call("match", args, named) = argument.node {
                inputs.append(.text(try matchInput(args, named, at: argument.offset)))
            } else if let vector = try vectorInput(argument) {
                inputs.append(.vector(vector))
            } else {
                throw .invalidQuery(message: "\(name)(…) fuses searches: a distance such as embedding <-> $1, or MATCH(column, 'words')", offset: argument.offset)
            }
        }
        guard inputs.count >= 2 else { throw .invalidQuery(message: "\(name)(…) fuses at least two searches", offset: offset) }
        var k = 60.0, weights = [Double](repeating: 1, count: inputs.count), fetch: Int?
        let binder = binder()
        for option in named {
            let value = try binder.bind(option.value)
            switch (option.name, value) {
            case let ("k", .constant(v, _)) where name == "rrf":
                guard let x = Binder.double(v), x >= 0, x.isFinite else { throw .invalidQuery(message: "rrf's k is a number ≥ 0", offset: option.value.offset) }
                k = x
            case let ("weights", .constant(.vector(w), _)):
                guard w.count == inputs.count, w.allSatisfy({ $0 >= 0 }) else {
                    throw .invalidQuery(message: "weights => [...] gives one weight ≥ 0 per search (\(inputs.count))", offset: option.value.offset)
                }
                weights = w.map(Double.init)
            case let ("fetch_k", .constant(.int(n), _)):
                guard n >= 1, n <= 100_000 else { throw .invalidQuery(message: "fetch_k is 1…100000", offset: option.value.offset) }
                fetch = Int(n)
            default:
                let known = name == "rrf" ? "k, weights, fetch_k" : "weights, fetch_k"
                throw .invalidQuery(message: "\(name)(…) takes \(known); '\(option.name)' is not one or has the wrong type", offset: option.value.offset)
            }
        }
        return .hybrid(inputs, name == "rrf" ? .rrf(k: k, weights: weights) : .linear(weights: weights), fetch: fetch)
    }

    /// The SELECT list bound: `*` expands to every column, then the search's pseudo-columns.
    private func projection(_ items: [SelectQuery.Item], binder: Binder, pseudo: [(String, DataType)]) throws(StrataError) -> [ProjectionItem] {
        var out: [ProjectionItem] = []
        for item in items {
            switch item {
            case .all:
                for field in snapshot.schema.fields { out.append(ProjectionItem(name: field.name, expression: .column(name: field.name, type: field.type))) }
                for (name, type) in pseudo { out.append(ProjectionItem(name: name, expression: .column(name: name, type: type))) }
            case let .expression(e, alias):
                let bound = try binder.bind(e)
                let name: String
                if let alias { name = alias } else if case let .column(column, _) = bound { name = column } else if case let .call(f, _, _) = e.node { name = f } else { name = e.description }
                out.append(ProjectionItem(name: name, expression: bound))
            }
        }
        // Output names are unique: a repeated one gets a suffix.
        var seen: [String: Int] = [:]
        for i in out.indices {
            let count = seen[out[i].name, default: 0]
            seen[out[i].name] = count + 1
            if count > 0 { out[i].name += "_\(count + 1)" }
        }
        return out
    }

    /// An ORDER BY key: a SELECT-list name or position stands for that item's expression.
    private func sortExpression(_ e: SQLExpression, items: [ProjectionItem], binder: Binder) throws(StrataError) -> BoundExpression {
        if case let .literal(.int(position)) = e.node {
            guard position >= 1, position <= items.count else {
                throw .invalidQuery(message: "ORDER BY position \(position) is not in the SELECT list (1…\(items.count))", offset: e.offset)
            }
            return items[Int(position) - 1].expression
        }
        // A SELECT-list name wins over a table column of that name, as in PostgreSQL.
        if case let .column(nil, name) = e.node, let item = items.first(where: { $0.name == name }) {
            return item.expression
        }
        return try binder.bind(e)
    }
}
