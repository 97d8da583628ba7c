import StrataCore
import StrataTable

/// One ORDER BY key.
package struct SortKey: Sendable, CustomStringConvertible {
    package var expression: BoundExpression
    package var descending: Bool

    package var description: String { expression.description + (descending ? " DESC" : "") }
}

/// Orders its input by the keys (NULLs last ascending, first descending, as PostgreSQL;
/// NaN above every number), ties by row key. With a limit it keeps only the best `limit`
/// rows as it goes (top-N), so memory is bounded by the limit, not the input.
package final class SortNode: PlanNode, @unchecked Sendable {
    package let keys: [SortKey]
    /// Rows kept (limit + offset); nil: all.
    package var limit: Int?
    private var done = false

    package init(input: PlanNode, keys: [SortKey], limit: Int?) {
        self.keys = keys
        self.limit = limit
        super.init(children: [input])
    }

    package override var title: String {
        "Sort \(keys.map(\.description).joined(separator: ", "))" + (limit.map { " (top \($0))" } ?? "")
    }

    package override func produce() async throws(StrataError) -> KeyedBatch? {
        guard !done else { return nil }
        done = true
        var kept: KeyedBatch?
        var values: [[Value]] = []
        while let next = try await children[0].next() {
            let evaluator = Evaluator(next.batch)
            var columns: [EvalVector] = []
            for key in keys { columns.append(try evaluator.evaluate(key.expression)) }
            let batchValues = (0..<next.batch.rowCount).map { row in keys.indices.map { columns[$0].value(row, type: keys[$0].expression.type) } }
            if let current = kept {
                kept = concatenate([current, next], schema: current.batch.schema)
                values += batchValues
            } else {
                kept = next
                values = batchValues
            }
            if let limit, let current = kept, values.count > max(2 * limit, 1_024) { kept = prune(current, &values, to: limit) }
        }
        guard let result = kept else { return nil }
        return prune(result, &values, to: limit ?? values.count)
    }

    /// The rows sorted, the first `count` kept (their sort values with them).
    private func prune(_ current: KeyedBatch, _ values: inout [[Value]], to count: Int) -> KeyedBatch {
        let order = values.indices.sorted { a, b in
            for (i, key) in keys.enumerated() {
                let c = Self.compare(values[a][i], values[b][i], descending: key.descending)
                if c != 0 { return c < 0 }
            }
            return current.keys[a] < current.keys[b]
        }.prefix(count)
        let picks = Array(order)
        values = picks.map { values[$0] }
        return KeyedBatch(batch: RecordBatch(checked: current.batch.schema, columns: current.batch.columns.map { $0.gather(picks) }),
                          keys: picks.map { current.keys[$0] })
    }

    /// Ordering of two sort values: negative when `a` comes first. NULLs go last (first when
    /// descending); NaN sorts above every number. Aggregates' min and max order by it too.
    package static func compare(_ a: Value, _ b: Value, descending: Bool) -> Int {
        switch (a.isNull, b.isNull) {
        case (true, true): return 0
        case (true, false): return descending ? -1 : 1
        case (false, true): return descending ? 1 : -1
        default: break
        }
        let order = ValueOrder.compare(a, b) ?? nanOrder(a, b)
        return descending ? -order : order
    }

    /// NaN sorts above every number and equal to itself.
    private static func nanOrder(_ a: Value, _ b: Value) -> Int {
        func isNaN(_ v: Value) -> Bool {
            if case let .float64(x) = v { return x.isNaN }
            if case let .float32(x) = v { return x.isNaN }
            return false
        }
        return isNaN(a) == isNaN(b) ? 0 : (isNaN(a) ? 1 : -1)
    }
}

/// Skips `offset` rows, then passes at most `limit` (nil: all).
package final class LimitNode: PlanNode, @unchecked Sendable {
    package let limit: Int?
    package let offset: Int
    private var skipped = 0, passed = 0

    package init(input: PlanNode, limit: Int?, offset: Int) {
        self.limit = limit
        self.offset = offset
        super.init(children: [input])
    }

    package override var title: String {
        "Limit" + (limit.map { " \($0)" } ?? " all") + (offset > 0 ? " offset \(offset)" : "")
    }

    package override func produce() async throws(StrataError) -> KeyedBatch? {
        while true {
            if let limit, passed >= limit { return nil }
            guard let next = try await children[0].next() else { return nil }
            let start = min(next.batch.rowCount, offset - skipped)
            skipped += start
            let end = limit.map { min(next.batch.rowCount, start + $0 - passed) } ?? next.batch.rowCount
            guard start < end else { continue }
            passed += end - start
            if start == 0 && end == next.batch.rowCount { return next }
            return KeyedBatch(batch: RecordBatch(checked: next.batch.schema, columns: next.batch.columns.map { $0.slice(start..<end) }),
                              keys: Array(next.keys[start..<end]))
        }
    }
}

/// One output column of a SELECT.
package struct ProjectionItem: Sendable, CustomStringConvertible {
    /// The output name.
    package var name: String
    package var expression: BoundExpression

    package var description: String {
        if case let .column(column, _) = expression, column == name { return ExpressionPrinter.quoted(name) }
        return "\(expression) AS \(ExpressionPrinter.quoted(name))"
    }
}

/// Computes the SELECT list for each batch: columns pass through with their own type,
/// other expressions are evaluated over the batch.
package final class ProjectNode: PlanNode, @unchecked Sendable {
    package let items: [ProjectionItem]

    package init(input: PlanNode, items: [ProjectionItem]) {
        self.items = items
        super.init(children: [input])
    }

    package override var title: String { "Project \(items.map(\.description).joined(separator: ", "))" }

    package override func produce() async throws(StrataError) -> KeyedBatch? {
        guard let next = try await children[0].next() else { return nil }
        let evaluator = Evaluator(next.batch)
        var fields: [Field] = [], columns: [ColumnBuffer] = []
        for (i, item) in items.enumerated() {
            let column: ColumnBuffer
            if case let .column(name, _) = item.expression, let existing = next.batch.column(named: name) {
                column = existing
            } else {
                column = try evaluator.evaluate(item.expression).column(type: item.expression.type)
            }
            fields.append(Field(id: UInt32(i), name: item.name, type: column.type, nullable: true))
            columns.append(column)
        }
        return KeyedBatch(batch: RecordBatch(checked: try Schema(fields: fields), columns: columns), keys: next.keys)
    }
}
