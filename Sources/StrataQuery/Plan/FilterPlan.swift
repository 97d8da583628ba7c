import StrataCore
import StrataTable

/// A WHERE condition split for execution (spec/sql.md, "Planning"): the conjuncts the
/// table answers itself — comparisons of a column with a constant, through a scalar index
/// or the zone maps — and the residual, evaluated a batch at a time on the rows they let
/// through. In-memory rows, which have neither index nor zone maps, are checked against
/// the whole condition.
package struct FilterPlan: Sendable, CustomStringConvertible {
    /// The whole condition.
    package let condition: BoundExpression
    /// The conjuncts pushed down to the table (nil: none).
    package let pushdown: Predicate?
    /// The conjuncts evaluated on batches (nil: none).
    package let residual: BoundExpression?

    /// Splits `condition`; with `pushdown` false (the rule switched off) nothing is pushed.
    package init(_ condition: BoundExpression, schema: Schema, pushdown enabled: Bool) {
        self.condition = condition
        var pushed: [Predicate.Comparison] = [], rest: [BoundExpression] = []
        for conjunct in Self.conjuncts(condition) {
            if enabled, let comparison = Self.comparison(conjunct, schema: schema) { pushed.append(comparison) } else { rest.append(conjunct) }
        }
        pushdown = pushed.isEmpty ? nil : Predicate(comparisons: pushed)
        residual = rest.isEmpty ? nil : rest.count == 1 ? rest[0] : .and(rest)
    }

    /// The columns the condition reads.
    package var columns: [String] { condition.columns.sorted() }

    /// The plan's text: `pushdown [...] residual ...`.
    package var description: String {
        var parts: [String] = []
        if let pushdown { parts.append("pushed down: \(Self.text(pushdown))") }
        if let residual { parts.append("evaluated: \(residual)") }
        return parts.joined(separator: "; ")
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
        if let pushdown {
            let addresses = try await snapshot.matchingAddresses(pushdown)
            if let residual {
                let columns = residual.columns.sorted()
                for start in stride(from: 0, to: addresses.count, by: 8_192) {
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
        if let pushdown, let counted = try await snapshot.indexedMatchEstimate(pushdown) {
            let indexed = min(1, Double(counted) / Double(total))
            let others = pushdown.comparisons.count > 1 || residual != nil
            if !others { return (indexed, "counted by index") }
            let sampled = try await sampleRate(snapshot)
            return (min(indexed, sampled), "counted by index, rest sampled")
        }
        return (try await sampleRate(snapshot), "sampled")
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
