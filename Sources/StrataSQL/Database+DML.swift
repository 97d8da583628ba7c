import Foundation
import StrataCore
import StrataQuery
import StrataTable

extension Database {
    /// INSERT (key nil) or upsert by `key`: the source's rows, by position onto `columns`
    /// (nil: every column in order); columns left out are NULL.
    func insert(_ name: TableName, columns: [(name: String, offset: Int)]?, _ source: InsertSource, key: String?, parameters: [Value],
                options: QueryOptions) async throws(StrataError) -> StatementResult {
        let table = try await writableTable(name)
        let schema = try await table.latestManifest().schema
        let targets = try (columns ?? schema.fields.map { (name: $0.name, offset: name.offset) }).map { (c) throws(StrataError) in try Self.columnName(c.name, in: schema, at: c.offset) }
        guard Set(targets).count == targets.count else { throw .invalidQuery(message: "a column is named twice in the INSERT list", offset: name.offset) }
        var rows: [[Value]] = []
        switch source {
        case let .values(valueRows):
            let binder = Binder(BindingScope(columns: [], parameters: parameters, now: options.now ?? Timestamp.now()))
            for (r, row) in valueRows.enumerated() {
                guard row.count == targets.count else {
                    throw .invalidQuery(message: "row \(r + 1) has \(row.count) values for \(targets.count) columns", offset: row.first?.offset)
                }
                var values: [Value] = []
                for e in row {
                    guard case let .constant(value, _) = try binder.bind(try await folded(e, parameters: parameters)) else {
                        throw .invalidQuery(message: "VALUES holds constants and parameters", offset: e.offset)
                    }
                    values.append(value)
                }
                rows.append(values)
            }
        case let .select(select):
            let result = try await prepare(select, parameters: parameters, options: options).run().rows
            guard result.schema.fields.count == targets.count else {
                throw .invalidQuery(message: "the SELECT returns \(result.schema.fields.count) column\(result.schema.fields.count == 1 ? "" : "s") for \(targets.count)", offset: name.offset)
            }
            rows = (0..<result.rowCount).map(result.row)
        }
        return try await insertRows(rows, columns: targets, into: table, schema: schema, key: key, name: name)
    }

    /// Writes `rows` (values by position onto `targets`, columns of `schema`) into `table`
    /// in one commit, each value coerced to its column's type; an upsert by `key` when given.
    func insertRows(_ rows: [[Value]], columns targets: [String], into table: Table, schema: Schema, key: String?,
                    name: TableName) async throws(StrataError) -> StatementResult {
        let positions = targets.map { target in schema.fields.firstIndex { $0.name == target }! }
        var full: [[Value]] = []
        full.reserveCapacity(rows.count)
        for (r, row) in rows.enumerated() {
            if r % 4_096 == 4_095 { try StrataError.checkCancellation() }
            var values = [Value](repeating: .null, count: schema.fields.count)
            for (i, position) in positions.enumerated() {
                do {
                    values[position] = try ColumnValues.coerce(row[i], to: schema.fields[position])
                } catch let .invalidQuery(message, _) {
                    throw .invalidQuery(message: "row \(r + 1): \(message)", offset: name.offset)
                }
            }
            for (c, field) in schema.fields.enumerated() where values[c].isNull && !field.nullable {
                throw .invalidQuery(message: "row \(r + 1): column '\(field.name)' is NOT NULL and has no value", offset: name.offset)
            }
            full.append(values)
        }
        let batch = try RecordBatch(schema: schema, rows: full)
        // The last point where a cancelled INSERT stops with nothing written.
        try StrataError.checkCancellation()
        if let key {
            let keyColumn = try Self.columnName(key, in: schema, at: name.offset)
            do {
                let result = try await table.mergeInsert(key: keyColumn, batch)
                return StatementResult(status: "UPSERT \(batch.rowCount) (\(result.rowsDeleted) replaced)", rowsAffected: batch.rowCount)
            } catch let .invalidInput(what, why) {
                throw .invalidQuery(message: "\(what) \(why)", offset: name.offset)
            }
        }
        if batch.rowCount > 0 { _ = try await table.append(batch) }
        return StatementResult(status: "INSERT \(batch.rowCount)", rowsAffected: batch.rowCount)
    }

    /// UPDATE: the matching rows rewritten with the assignments evaluated on each of them.
    func update(_ name: TableName, _ assignments: [(column: String, offset: Int, value: SQLExpression)], _ filter: SQLExpression?, parameters: [Value],
                options: QueryOptions) async throws(StrataError) -> StatementResult {
        let table = try await writableTable(name)
        let now = options.now ?? Timestamp.now()
        let result = try await table.rewrite { (snapshot) throws(StrataError) -> (delete: [RowAddress], add: RecordBatch?) in
            let schema = snapshot.schema
            let binder = Binder(BindingScope(schema: schema, qualifiers: [name.name], parameters: parameters, now: now))
            var bound: [(position: Int, value: BoundExpression)] = []
            for assignment in assignments {
                let column = try Self.columnName(assignment.column, in: schema, at: assignment.offset)
                let position = schema.fields.firstIndex { $0.name == column }!
                guard !bound.contains(where: { $0.position == position }) else {
                    throw .invalidQuery(message: "column '\(column)' is set twice", offset: assignment.offset)
                }
                bound.append((position, try binder.bind(assignment.value)))
            }
            let keys = try await Self.matchingKeys(filter, binder: binder, snapshot: snapshot, disabled: options.disabledRules)
            let addresses = keys.map { RowAddress(rawValue: $0) }
            guard !addresses.isEmpty else { return ([], nil) }
            var columns: [ColumnBuffer] = []
            var rewritten: [RecordBatch] = []
            for start in stride(from: 0, to: addresses.count, by: 8_192) {
                try StrataError.checkCancellation()
                let rows = try await snapshot.take(Array(addresses[start..<min(addresses.count, start + 8_192)]))
                let evaluator = Evaluator(rows)
                columns = rows.columns
                for (position, value) in bound {
                    let computed = try evaluator.evaluate(value)
                    var builder = ColumnBuilder(type: schema.fields[position].type, capacity: rows.rowCount)
                    for row in 0..<rows.rowCount {
                        let coerced = try ColumnValues.coerce(computed.value(row, type: value.type), to: schema.fields[position])
                        try builder.append(coerced)
                    }
                    columns[position] = builder.finish()
                }
                rewritten.append(try RecordBatch(schema: schema, columns: columns))
            }
            return (addresses, RecordBatch.concatenate(rewritten, schema: schema))
        }
        return StatementResult(status: "UPDATE \(result.rowsAdded)", rowsAffected: result.rowsAdded)
    }

    /// DELETE: the matching rows, in one commit.
    func delete(_ name: TableName, _ filter: SQLExpression?, parameters: [Value], options: QueryOptions) async throws(StrataError) -> StatementResult {
        let table = try await writableTable(name)
        let now = options.now ?? Timestamp.now()
        let result = try await table.rewrite { (snapshot) throws(StrataError) -> (delete: [RowAddress], add: RecordBatch?) in
            let binder = Binder(BindingScope(schema: snapshot.schema, qualifiers: [name.name], parameters: parameters, now: now))
            let keys = try await Self.matchingKeys(filter, binder: binder, snapshot: snapshot, disabled: options.disabledRules)
            return (keys.map { RowAddress(rawValue: $0) }, nil)
        }
        return StatementResult(status: "DELETE \(result.rowsDeleted)", rowsAffected: result.rowsDeleted)
    }

    /// The keys of the rows of `snapshot` matching `filter` (every row without one).
    static func matchingKeys(_ filter: SQLExpression?, binder: Binder, snapshot: TableSnapshot, disabled: Set<OptimizerRule>) async throws(StrataError) -> [UInt64] {
        let condition = try filter.map { (e) throws(StrataError) in try binder.condition(e) } ?? .constant(.bool(true), .bool)
        let plan = FilterPlan(condition, schema: snapshot.schema, pushdown: !disabled.contains(.pushdownFilter))
        return try await plan.matchingKeys(snapshot)
    }
}
