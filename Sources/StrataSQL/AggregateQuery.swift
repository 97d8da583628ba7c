import StrataCore
import StrataQuery

/// A SELECT with aggregates — `count(*)`, `count(x)`, `sum`, `avg`, `min`, `max` — and
/// optionally GROUP BY and HAVING (spec/sql.md §5.4a), split into two queries the engine
/// already plans: an inner one over the source that computes the group keys and the
/// aggregates' arguments (so its WHERE gets every filter strategy), and an outer one over
/// the groups (HAVING as its filter, then ORDER BY, LIMIT, the SELECT list), with each
/// aggregate and group key replaced by a column of the groups (`_k0…`, `_a0…`).
struct AggregateQuery {
    enum Function: String, CaseIterable {
        case count, sum, avg, min, max
    }

    struct Aggregate {
        let function: Function
        /// nil for `count(*)`.
        let argument: SQLExpression?
        var key: String { function.rawValue + "(" + (argument?.description ?? "*") + ")" }
    }

    let keys: [SQLExpression]
    private(set) var aggregates: [Aggregate] = []
    /// The query computing the keys (`_k…`) and the arguments (`_v…`) row by row.
    private(set) var inner: SelectQuery
    /// The query over the groups.
    private(set) var outer: SelectQuery
    /// The query as written (for EXPLAIN).
    private let written: SelectQuery

    /// The split of `query`, or nil when it has neither an aggregate nor GROUP BY.
    /// - Throws: `.invalidQuery` for a column outside GROUP BY and outside every aggregate,
    ///   an aggregate inside another, a bad argument count, or `*` with GROUP BY's items.
    init?(_ query: SelectQuery) throws(StrataError) {
        let expressions = query.items.compactMap { item -> SQLExpression? in
            if case let .expression(e, _) = item { return e }
            return nil
        } + (query.having.map { [$0] } ?? []) + query.orderBy.map(\.expression)
        guard !query.groupBy.isEmpty || query.having != nil || expressions.contains(where: Self.containsAggregate) else { return nil }
        keys = query.groupBy
        written = query
        inner = SelectQuery(items: [], filter: query.filter)
        outer = SelectQuery(items: [], limit: query.limit, offset: query.offset)
        var items: [SelectQuery.Item] = []
        for item in query.items {
            guard case let .expression(e, alias) = item else {
                throw .invalidQuery(message: "SELECT * cannot be grouped: name the columns (GROUP BY keys and aggregates)", offset: nil)
            }
            items.append(.expression(try rewrite(e), alias: alias ?? Self.name(of: e)))
        }
        let aliases = Set(items.compactMap { item -> String? in
            if case let .expression(_, alias) = item { return alias }
            return nil
        })
        outer.items = items
        outer.filter = try query.having.map { (e) throws(StrataError) in try rewrite(e) }
        for order in query.orderBy {
            // An output name sorts by that output (as without GROUP BY).
            if case let .column(nil, name) = order.expression.node, aliases.contains(name), !keys.contains(where: { $0.description == order.expression.description }) {
                outer.orderBy.append(order)
            } else {
                outer.orderBy.append(SelectQuery.Order(try rewrite(order.expression), descending: order.descending))
            }
        }
        inner.items = keys.enumerated().map { .expression($1, alias: "_k\($0)") }
            + aggregates.enumerated().compactMap { i, a in a.argument.map { .expression($0, alias: "_v\(i)") } }
        if inner.items.isEmpty { inner.items = [.expression(SQLExpression(.literal(.int(1)), at: 0), alias: "_one")] }
    }

    /// EXPLAIN's line for the grouping: its keys and aggregates, and what follows on the groups.
    var summary: String {
        var text = (keys.isEmpty ? "" : "group by " + keys.map(\.description).joined(separator: ", ") + ": ")
            + aggregates.map(\.key).joined(separator: ", ")
        if let having = written.having { text += "; having \(having)" }
        if !written.orderBy.isEmpty { text += "; order by " + written.orderBy.map { $0.expression.description + ($0.descending ? " DESC" : "") }.joined(separator: ", ") }
        if let limit = written.limit { text += "; limit \(limit)" + (written.offset > 0 ? " offset \(written.offset)" : "") }
        return text
    }

    /// The name of an output column, as the planner names one without an alias.
    static func name(of e: SQLExpression) -> String {
        switch e.node {
        case let .column(_, name): return name
        case let .call(name, _, _): return name
        default: return e.description
        }
    }

    static func containsAggregate(_ e: SQLExpression) -> Bool {
        var found = false
        visit(e) { node in if case let .call(name, _, _) = node, Function(rawValue: name) != nil { found = true } }
        return found
    }

    /// `e` over the groups: a GROUP BY key or an aggregate becomes the groups' column.
    private mutating func rewrite(_ e: SQLExpression) throws(StrataError) -> SQLExpression {
        if let k = keys.firstIndex(where: { $0.description == e.description }) { return SQLExpression(.column(qualifier: nil, name: "_k\(k)"), at: e.offset) }
        func node(_ n: SQLExpression.Node) -> SQLExpression { SQLExpression(n, at: e.offset) }
        switch e.node {
        case .literal, .interval, .parameter: return e
        case let .column(_, name):
            throw .invalidQuery(message: "column '\(name)' is neither in GROUP BY nor inside an aggregate (count, sum, avg, min, max)", offset: e.offset)
        case let .call(name, arguments, named):
            guard let function = Function(rawValue: name) else {
                var out: [SQLExpression] = []
                for argument in arguments { out.append(try rewrite(argument)) }
                var outNamed: [SQLExpression.NamedArgument] = []
                for argument in named { outNamed.append(.init(name: argument.name, value: try rewrite(argument.value))) }
                return node(.call(name: name, arguments: out, named: outNamed))
            }
            guard named.isEmpty, arguments.count == 1 || (function == .count && arguments.isEmpty) else {
                throw .invalidQuery(message: "\(name) takes one argument\(function == .count ? " (or *)" : "")", offset: e.offset)
            }
            if let argument = arguments.first, Self.containsAggregate(argument) {
                throw .invalidQuery(message: "an aggregate cannot hold another", offset: argument.offset)
            }
            let aggregate = Aggregate(function: function, argument: arguments.first)
            let index = aggregates.firstIndex { $0.key == aggregate.key } ?? {
                aggregates.append(aggregate)
                return aggregates.count - 1
            }()
            return node(.column(qualifier: nil, name: "_a\(index)"))
        case let .vector(items):
            var out: [SQLExpression] = []
            for item in items { out.append(try rewrite(item)) }
            return node(.vector(out))
        case let .unary(op, x): return node(.unary(op, try rewrite(x)))
        case let .binary(op, l, r): return node(.binary(op, try rewrite(l), try rewrite(r)))
        case let .isNull(x, negated): return node(.isNull(try rewrite(x), negated: negated))
        case let .inList(x, items, negated):
            var out: [SQLExpression] = []
            for item in items { out.append(try rewrite(item)) }
            return node(.inList(try rewrite(x), out, negated: negated))
        case let .between(x, low, high, negated): return node(.between(try rewrite(x), low: try rewrite(low), high: try rewrite(high), negated: negated))
        case let .like(x, pattern, negated, ci): return node(.like(try rewrite(x), pattern: try rewrite(pattern), negated: negated, caseInsensitive: ci))
        case let .jsonField(x, key, asText): return node(.jsonField(try rewrite(x), key: try rewrite(key), asText: asText))
        case let .cast(x, type): return node(.cast(try rewrite(x), typeName: type))
        case let .caseWhen(clauses, otherwise):
            var out: [SQLExpression.WhenClause] = []
            for clause in clauses { out.append(.init(condition: try rewrite(clause.condition), result: try rewrite(clause.result))) }
            var rewrittenOtherwise: SQLExpression?
            if let otherwise { rewrittenOtherwise = try rewrite(otherwise) }
            return node(.caseWhen(out, otherwise: rewrittenOtherwise))
        }
    }

    /// Calls `body` on every node of `e`.
    static func visit(_ e: SQLExpression, _ body: (SQLExpression.Node) -> Void) {
        body(e.node)
        switch e.node {
        case .literal, .interval, .column, .parameter: break
        case let .vector(items): items.forEach { visit($0, body) }
        case let .unary(_, x), let .isNull(x, _), let .cast(x, _): visit(x, body)
        case let .binary(_, l, r), let .jsonField(l, r, _), let .like(l, r, _, _): visit(l, body); visit(r, body)
        case let .inList(x, items, _): visit(x, body); items.forEach { visit($0, body) }
        case let .between(x, low, high, _): visit(x, body); visit(low, body); visit(high, body)
        case let .call(_, arguments, named): arguments.forEach { visit($0, body) }; named.forEach { visit($0.value, body) }
        case let .caseWhen(clauses, otherwise):
            for clause in clauses { visit(clause.condition, body); visit(clause.result, body) }
            if let otherwise { visit(otherwise, body) }
        }
    }

    /// The groups of the inner query's rows: a row per group (one row with no GROUP BY,
    /// even over no rows), columns `_k…` then `_a…`.
    func groups(_ rows: RecordBatch) throws(StrataError) -> RecordBatch {
        let keyColumns = (0..<keys.count).map { rows.columns[$0] }
        var argumentColumns: [Int: ColumnBuffer] = [:]
        var next = keys.count
        for (i, aggregate) in aggregates.enumerated() where aggregate.argument != nil {
            argumentColumns[i] = rows.columns[next]
            next += 1
        }
        var index: [[Value]: Int] = [:]
        var keysOf: [[Value]] = []
        var states: [[Accumulator]] = []
        if keys.isEmpty {
            index[[]] = 0
            keysOf = [[]]
            states = [aggregates.map { Accumulator($0.function) }]
        }
        for row in 0..<rows.rowCount {
            let key = keyColumns.map { $0.value(at: row) }
            let group = index[key] ?? {
                index[key] = keysOf.count
                keysOf.append(key)
                states.append(aggregates.map { Accumulator($0.function) })
                return keysOf.count - 1
            }()
            for i in aggregates.indices {
                try states[group][i].add(argumentColumns[i].map { $0.value(at: row) } ?? .int(1), name: aggregates[i].key)
            }
        }
        var fields: [Field] = []
        for (k, column) in keyColumns.enumerated() { fields.append(Field(id: UInt32(fields.count), name: "_k\(k)", type: column.type, nullable: true)) }
        for (i, aggregate) in aggregates.enumerated() {
            let type = try Self.resultType(aggregate, argumentType: argumentColumns[i]?.type)
            fields.append(Field(id: UInt32(fields.count), name: "_a\(i)", type: type, nullable: true))
        }
        let schema = try Schema(fields: fields)
        let values: [[Value]] = keysOf.indices.map { group in
            keysOf[group] + states[group].enumerated().map { i, state in state.result(as: fields[keys.count + i].type) }
        }
        return try RecordBatch(schema: schema, rows: values)
    }

    static func resultType(_ aggregate: Aggregate, argumentType: DataType?) throws(StrataError) -> DataType {
        switch aggregate.function {
        case .count: return .int64
        case .avg: return .float64
        case .sum:
            switch argumentType {
            case .int8?, .int16?, .int32?, .int64?, .uint8?, .uint16?, .uint32?: return .int64
            case .uint64?, .float32?, .float64?, nil: return .float64
            default: throw .invalidQuery(message: "\(aggregate.key): sum adds numbers", offset: aggregate.argument?.offset)
            }
        case .min, .max:
            if case .vector? = argumentType { throw .invalidQuery(message: "\(aggregate.key): vectors have no order", offset: aggregate.argument?.offset) }
            return argumentType ?? .int64
        }
    }
}

/// One aggregate's running state over a group.
struct Accumulator {
    let function: AggregateQuery.Function
    var count: Int64 = 0
    var integerSum: Int64 = 0
    var floatSum: Double = 0
    var sawFloat = false
    var extreme: Value?

    init(_ function: AggregateQuery.Function) { self.function = function }

    mutating func add(_ value: Value, name: String) throws(StrataError) {
        guard !value.isNull else { return }
        count += 1
        switch function {
        case .count: break
        case .sum, .avg:
            switch value {
            case let .int(v):
                let (sum, overflow) = integerSum.addingReportingOverflow(v)
                guard !overflow || function == .avg else { throw .invalidQuery(message: "\(name) overflows int64", offset: nil) }
                integerSum = overflow ? integerSum : sum
                floatSum += Double(v)
            case let .uint(v) where v <= UInt64(Int64.max): try add(.int(Int64(v)), name: name); count -= 1
            case let .uint(v): floatSum += Double(v); sawFloat = true
            case let .float32(v): floatSum += Double(v); sawFloat = true
            case let .float64(v): floatSum += v; sawFloat = true
            default: throw .invalidQuery(message: "\(name) adds numbers", offset: nil)
            }
        case .min, .max:
            guard let current = extreme else { extreme = value; return }
            // In ORDER BY's order, NaN above every number (spec/sql.md §5.4a).
            let order = SortNode.compare(value, current, descending: false)
            if (function == .min && order < 0) || (function == .max && order > 0) { extreme = value }
        }
    }

    func result(as type: DataType) -> Value {
        switch function {
        case .count: return .int(count)
        case .sum:
            guard count > 0 else { return .null }
            return type == .int64 && !sawFloat ? .int(integerSum) : .float64(floatSum)
        case .avg: return count > 0 ? .float64(floatSum / Double(count)) : .null
        case .min, .max: return extreme ?? .null
        }
    }
}
