import StrataCore
import StrataTable

/// A WHERE condition split for execution (spec/sql.md, "Planning"): the conjuncts the
/// table answers itself — comparisons of a column with a constant, through a scalar index
/// or the zone maps, and one `IN` list on an indexed column, answered as the union of its
/// equalities — and the residual, evaluated a batch at a time on the rows they let
/// through. In-memory rows, which have neither index nor zone maps, are checked against
/// the whole condition.
package struct FilterPlan: Sendable, CustomStringConvertible {
    /// The whole condition.
    package let condition: BoundExpression
    /// The comparisons pushed down to the table (nil: none).
    package let pushdown: Predicate?
    /// An `IN` list pushed down: rows whose `column` equals one of `values` (each value a
    /// lookup of the column's scalar index, AND-ed with `pushdown`).
    package let anyOf: (column: String, values: [Value])?
    /// The conjuncts evaluated on batches (nil: none).
    package let residual: BoundExpression?

    /// The most values of an `IN` list answered by index lookups.
    static let maxIndexedList = 64

    /// Splits `condition`; with `pushdown` false (the rule switched off) nothing is pushed.
    /// `indexed` says which columns have a scalar index (IN lists are pushed only there).
    package init(_ condition: BoundExpression, schema: Schema, pushdown enabled: Bool, indexed: (String) -> Bool = { _ in false }) {
        self.condition = condition
        var pushed: [Predicate.Comparison] = [], rest: [BoundExpression] = []
        var list: (column: String, values: [Value])?
        for conjunct in Self.conjuncts(condition) {
            if enabled, let comparison = Self.comparison(conjunct, schema: schema) {
                pushed.append(comparison)
            } else if enabled, list == nil, let candidate = Self.inList(conjunct, schema: schema), indexed(candidate.column) {
                list = candidate
            } else {
                rest.append(conjunct)
            }
        }
        pushdown = pushed.isEmpty ? nil : Predicate(comparisons: pushed)
        anyOf = list
        residual = rest.isEmpty ? nil : rest.count == 1 ? rest[0] : .and(rest)
    }

    /// Whether the table's own predicate filter answers the whole condition.
    package var isPredicateOnly: Bool { residual == nil && anyOf == nil }

    /// Whether the filter is comparisons alone that scalar indexes show true for every row
    /// of `snapshot` (one tenant in the whole table): applying it would change nothing.
    package func filtersNothing(_ snapshot: TableSnapshot) async throws(StrataError) -> Bool {
        guard isPredicateOnly, let pushdown else { return false }
        return try await snapshot.holdsForEveryRow(pushdown)
    }

    /// How many conjuncts the plan's parts hold (for the plan checker).
    package var partCount: Int {
        (pushdown?.comparisons.count ?? 0) + (anyOf == nil ? 0 : 1) + (residual.map { Self.conjuncts($0).count } ?? 0)
    }

    /// `column IN (constants)` (not negated, at most `maxIndexedList` non-null values) as a
    /// column and the values the table's filters expect.
    static func inList(_ e: BoundExpression, schema: Schema) -> (column: String, values: [Value])? {
        guard case let .inList(.column(name, type), values, false) = e else { return nil }
        let present = values.filter { !$0.isNull }
        guard !present.isEmpty, present.count <= maxIndexedList else { return nil }
        var converted: [Value] = []
        for value in present {
            guard let v = literal(value, for: type) else { return nil }
            converted.append(v)
        }
        return (name, converted)
    }

    /// Addresses of the committed rows the pushed-down parts match, ascending.
    /// - Precondition: something is pushed down.
    package func matchingAddresses(_ snapshot: TableSnapshot) async throws(StrataError) -> [RowAddress] {
        guard let anyOf else {
            guard let pushdown else { preconditionFailure("nothing is pushed down") }
            return try await snapshot.matchingAddresses(pushdown)
        }
        var union: [RowAddress] = []
        for value in anyOf.values {
            let equality = Predicate.Comparison(column: anyOf.column, op: .equal, literal: value)
            union += try await snapshot.matchingAddresses(Predicate(comparisons: [equality] + (pushdown?.comparisons ?? [])))
        }
        // The values differ, so no row is found twice.
        return union.sorted { $0.rawValue < $1.rawValue }
    }

    /// The columns the condition reads.
    package var columns: [String] { condition.columns.sorted() }

    /// The plan's text: `pushdown [...] residual ...`.
    package var description: String {
        var parts: [String] = []
        if let pushed = pushedText { parts.append("pushed down: \(pushed)") }
        if let residual { parts.append("evaluated: \(residual)") }
        return parts.joined(separator: "; ")
    }

    /// The pushed-down parts in SQL syntax (nil: none).
    package var pushedText: String? {
        var parts: [String] = []
        if let anyOf {
            parts.append("\(ExpressionPrinter.quoted(anyOf.column)) IN (\(anyOf.values.map(ExpressionPrinter.literal).joined(separator: ", ")))")
        }
        if let pushdown { parts.append(Self.text(pushdown)) }
        return parts.isEmpty ? nil : parts.joined(separator: " AND ")
    }

    /// Pushed-down comparisons in SQL syntax.
    package static func text(_ predicate: Predicate) -> String {
        predicate.comparisons.map { c in
            let column = ExpressionPrinter.quoted(c.column)
            switch c.op {
            case .isNull, .isNotNull: return "\(column) \(c.op.rawValue)"
            case .notEqual: return "\(column) <> \(ExpressionPrinter.literal(c.literal))"
            default: return "\(column) \(c.op.rawValue) \(ExpressionPrinter.literal(c.literal))"
            }
        }.joined(separator: " AND ")
    }

    /// The top-level conjuncts of `e` (nested ANDs flattened).
    package static func conjuncts(_ e: BoundExpression) -> [BoundExpression] {
        if case let .and(items) = e { return items.flatMap(conjuncts) }
        return [e]
    }

    /// `e` as a comparison the table evaluates with exactly the same answers, or nil.
    static func comparison(_ e: BoundExpression, schema: Schema) -> Predicate.Comparison? {
        switch e {
        case let .isNull(.column(name, _), negated):
            return .init(column: name, op: negated ? .isNotNull : .isNull, literal: .null)
        case let .compare(op, .column(name, type), .constant(value, _)):
            return literal(value, for: type).flatMap { v in operatorFor(op).map { .init(column: name, op: $0, literal: v) } }
        case let .compare(op, .constant(value, _), .column(name, type)):
            return literal(value, for: type).flatMap { v in operatorFor(op.swapped).map { .init(column: name, op: $0, literal: v) } }
        default:
            return nil
        }
    }

    private static func operatorFor(_ op: BinaryOperator) -> Predicate.Operator? {
        switch op {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessOrEqual: return .lessOrEqual
        case .greater: return .greater
        case .greaterOrEqual: return .greaterOrEqual
        default: return nil
        }
    }

    /// A constant as the table's filters expect it for a column of `type`, when that
    /// changes no answer (a float that float32 cannot hold exactly is left to evaluation).
    private static func literal(_ value: Value, for type: DataType) -> Value? {
        switch (type, value) {
        case (.int8, .int), (.int16, .int), (.int32, .int), (.int64, .int): return value
        case let (.uint8, .int(v)), let (.uint16, .int(v)), let (.uint32, .int(v)), let (.uint64, .int(v)): return v >= 0 ? .uint(UInt64(v)) : nil
        case (.float64, .float64): return value
        case let (.float32, .float64(v)): return Double(Float(v)) == v ? .float32(Float(v)) : nil
        case (.timestamp, .timestamp), (.string, .string), (.bool, .bool): return value
        default: return nil
        }
    }

    /// The keys of the visible rows matching the condition: committed rows ascending, then
    /// in-memory rows.
    package func matchingKeys(_ snapshot: TableSnapshot) async throws(StrataError) -> [UInt64] {
        var keys: [UInt64] = []
        if pushdown != nil || anyOf != nil {
            let addresses = try await matchingAddresses(snapshot)
            if let residual {
                // A residual that reads no column (TRUE) still needs rows to count: read the first.
                let columns = residual.columns.isEmpty ? [snapshot.schema.fields[0].name] : residual.columns.sorted()
                for start in stride(from: 0, to: addresses.count, by: 8_192) {
                    try StrataError.checkCancellation()
                    let chunk = Array(addresses[start..<min(addresses.count, start + 8_192)])
                    let rows = try await snapshot.take(chunk, columns: columns)
                    keys += try Evaluator(rows).matchingRows(residual).map { chunk[$0].rawValue }
                }
            } else {
                keys = addresses.map(\.rawValue)
            }
        } else {
            // A condition that reads no column still needs rows to count: read the first.
            let scanner = try snapshot.scanner(columns: columns.isEmpty ? [snapshot.schema.fields[0].name] : columns, withAddresses: true)
            while let next = try await scanner.next() {
                try StrataError.checkCancellation()
                keys += try Evaluator(next.batch).matchingRows(condition).map { next.addresses![$0].rawValue }
            }
        }
        if !snapshot.pendingRows.isEmpty {
            var ordinal = 0
            let scanner = try snapshot.inMemoryOnly().scanner(columns: columns.isEmpty ? [snapshot.schema.fields[0].name] : columns)
            while let next = try await scanner.next() {
                keys += try Evaluator(next.batch).matchingRows(condition).map { TableSnapshot.pendingKey(ordinal + $0) }
                ordinal += next.batch.rowCount
            }
        }
        return keys
    }

    /// The fraction of visible rows expected to match, and how it was found: counted by a
    /// scalar index when one answers a pushed-down comparison (times the residual's rate on
    /// a sample), else measured on a sample of rows spread over the table.
    package func estimateSelectivity(_ snapshot: TableSnapshot) async throws(StrataError) -> (fraction: Double, method: String) {
        let total = max(1, snapshot.rowCount)
        if residual == nil, let smallest = try await smallestIndexedPart(snapshot) {
            return (min(1, Double(smallest) / Double(total)), "counted by index")
        }
        if let counted = try await indexedCount(snapshot) {
            let indexed = min(1, Double(counted) / Double(total))
            let others = partCount > 1
            if !others { return (indexed, "counted by index") }
            let sampled = try await sampleRate(snapshot)
            return (min(indexed, sampled), "counted by index, rest sampled")
        }
        return (try await sampleRate(snapshot), "sampled")
    }

    /// The rows a scalar index counts for the pushed-down parts: the IN list's values
    /// summed, else the comparisons; nil when no index answers.
    private func indexedCount(_ snapshot: TableSnapshot) async throws(StrataError) -> Int? {
        if let anyOf {
            var sum = 0
            for value in anyOf.values {
                let equality = Predicate.Comparison(column: anyOf.column, op: .equal, literal: value)
                guard let n = try await snapshot.indexedMatchEstimate(Predicate(comparisons: [equality])) else { return nil }
                sum += n
            }
            return sum
        }
        guard let pushdown else { return nil }
        return try await snapshot.indexedMatchEstimate(pushdown)
    }

    /// The smallest count of the pushed-down parts — the IN list, and the comparisons on
    /// each column — when a scalar index counts every one of them; nil otherwise. The
    /// conjunction matches no more rows than its smallest part, and exactly as many when
    /// that part's rows meet the others (a session's rows all belong to its tenant, a
    /// tenant that owns the whole table), which is how context tables are filtered; it
    /// spares reading a sample of rows on every statement.
    private func smallestIndexedPart(_ snapshot: TableSnapshot) async throws(StrataError) -> Int? {
        var smallest = Int.max
        if anyOf != nil {
            guard let listed = try await indexedCount(snapshot) else { return nil }
            smallest = listed
        }
        let comparisons = pushdown?.comparisons ?? []
        var columns: [String] = []
        for comparison in comparisons where !columns.contains(comparison.column) { columns.append(comparison.column) }
        for column in columns {
            // Operators an index does not answer (<>, IS NOT NULL) only narrow the count.
            guard let n = try await snapshot.indexedMatchEstimate(Predicate(comparisons: comparisons.filter { $0.column == column })) else { return nil }
            smallest = min(smallest, n)
        }
        return smallest == Int.max ? nil : smallest
    }

    /// The rate at which the condition holds on up to 2,048 committed rows taken at even
    /// steps through the table (1 when the table is empty).
    private func sampleRate(_ snapshot: TableSnapshot) async throws(StrataError) -> Double {
        let fragments = snapshot.manifest.fragments.filter { $0.liveRows > 0 }
        let physical = fragments.reduce(0) { $0 + $1.physicalRows }
        guard physical > 0 else { return 1 }
        let step = max(1, physical / 2_048)
        var addresses: [RowAddress] = [], position = 0
        for fragment in fragments {
            var offset = (step - position % step) % step
            while offset < fragment.physicalRows {
                addresses.append(RowAddress(fragment: fragment.id, offset: UInt32(offset)))
                offset += step
            }
            position += fragment.physicalRows
        }
        let live = try await snapshot.liveAddresses(addresses)
        guard !live.isEmpty else { return 1 }
        let rows = try await snapshot.take(live, columns: columns.isEmpty ? [snapshot.schema.fields[0].name] : columns)
        return Double(try Evaluator(rows).matchingRows(condition).count) / Double(live.count)
    }
}
