import StrataCore
import StrataTable

/// Reads the visible rows of a snapshot that match a filter, a batch at a time, in table
/// order, with only the columns asked for. With pushed-down comparisons the table finds the
/// committed rows through a scalar index or its zone maps and only those are read; the
/// residual is evaluated on each batch. Memory stays bounded by the batch size (plus 8
/// bytes per matching address when an index answers).
package final class ScanNode: PlanNode, @unchecked Sendable {
    let snapshot: TableSnapshot
    let table: String
    /// The columns produced.
    package var columns: [String]
    /// The filter (nil: every row).
    package var filter: FilterPlan?
    private var state: State = .start

    private enum State {
        case start
        case addresses([RowAddress], next: Int)
        case scanning(TableScanner)
        case pending(TableScanner, ordinal: Int)
        case done
    }

    /// Rows read per batch.
    static let batchRows = 8_192

    package init(snapshot: TableSnapshot, table: String, columns: [String], filter: FilterPlan?) {
        self.snapshot = snapshot
        self.table = table
        self.columns = columns
        self.filter = filter
    }

    package override var title: String { "Scan \(table) [\(columns.joined(separator: ", "))]" }

    package override var details: [String] {
        guard let filter else { return [] }
        var lines: [String] = []
        if let pushed = filter.pushedText {
            let indexed = filter.anyOf != nil || (filter.pushdown?.comparisons.contains { snapshot.hasScalarIndex(on: $0.column) } ?? false)
            lines.append("pushed down (\(indexed ? "scalar index, zone maps" : "zone maps")): \(pushed)")
        }
        if let residual = filter.residual { lines.append("filter: \(residual)") }
        return lines
    }

    package override func produce() async throws(StrataError) -> KeyedBatch? {
        while true {
            switch state {
            case .start:
                if let filter, filter.pushdown != nil || filter.anyOf != nil {
                    state = .addresses(try await filter.matchingAddresses(snapshot), next: 0)
                } else {
                    state = .scanning(try snapshot.scanner(columns: readColumns, batchRows: Self.batchRows, withAddresses: true))
                }
            case let .addresses(addresses, next):
                guard next < addresses.count else { try startPending(); continue }
                let chunk = Array(addresses[next..<min(addresses.count, next + Self.batchRows)])
                state = .addresses(addresses, next: next + chunk.count)
                let rows = try await snapshot.take(chunk, columns: readColumns)
                if let batch = try keep(rows, keys: chunk.map(\.rawValue), condition: filter?.residual) { return batch }
            case let .scanning(scanner):
                guard let next = try await scanner.next() else { try startPending(); continue }
                if let batch = try keep(next.batch, keys: next.addresses!.map(\.rawValue), condition: filter?.condition) { return batch }
            case let .pending(scanner, ordinal):
                guard let next = try await scanner.next() else { state = .done; continue }
                state = .pending(scanner, ordinal: ordinal + next.batch.rowCount)
                let keys = (0..<next.batch.rowCount).map { TableSnapshot.pendingKey(ordinal + $0) }
                if let batch = try keep(next.batch, keys: keys, condition: filter?.condition) { return batch }
            case .done:
                return nil
            }
        }
    }

    /// The columns read: those produced and those the filter needs (at least one: a batch
    /// without columns has no rows).
    private var readColumns: [String] {
        var all = columns.isEmpty ? [snapshot.schema.fields[0].name] : columns
        for column in filter?.columns ?? [] where !all.contains(column) { all.append(column) }
        return all
    }

    private func startPending() throws(StrataError) {
        state = snapshot.pendingRows.isEmpty ? .done : .pending(try snapshot.inMemoryOnly().scanner(columns: readColumns, batchRows: Self.batchRows), ordinal: 0)
    }

    /// The rows of `batch` satisfying `condition`, projected to `columns`; nil when none.
    private func keep(_ batch: RecordBatch, keys: [UInt64], condition: BoundExpression?) throws(StrataError) -> KeyedBatch? {
        var batch = batch, keys = keys
        if let condition {
            let rows = try Evaluator(batch).matchingRows(condition)
            guard !rows.isEmpty else { return nil }
            if rows.count < batch.rowCount {
                batch = RecordBatch(checked: batch.schema, columns: batch.columns.map { $0.gather(rows) })
                keys = rows.map { keys[$0] }
            }
        }
        guard batch.rowCount > 0 else { return nil }
        // Without columns a batch has no rows: keep one when none is asked for.
        return KeyedBatch(batch: try project(batch, columns.isEmpty ? Array(readColumns.prefix(1)) : columns), keys: keys)
    }
}

/// `batch` reduced to `columns`, in that order.
package func project(_ batch: RecordBatch, _ columns: [String]) throws(StrataError) -> RecordBatch {
    if batch.schema.fields.map(\.name) == columns { return batch }
    let indices = try batch.schema.indices(of: columns)
    return RecordBatch(checked: try Schema(fields: indices.map { batch.schema.fields[$0] }), columns: indices.map { batch.columns[$0] })
}
