import StrataCore
import StrataQuery
import StrataTable

extension Database {
    /// Rows of `names`/`types` from `rows` of values.
    static func resultRows(_ columns: [(String, DataType)], _ rows: [[Value]]) throws(StrataError) -> RecordBatch {
        let schema = try Schema(fields: columns.enumerated().map { i, c in Field(id: UInt32(i), name: c.0, type: c.1, nullable: true) })
        return try RecordBatch(schema: schema, rows: rows)
    }

    func showTables(_ namespace: String?, at offset: Int) async throws(StrataError) -> StatementResult {
        let chosen = try namespace.map { (n) throws(StrataError) in [try resolveNamespace(n, at: offset)] } ?? namespaces()
        var rows: [[Value]] = []
        for ns in chosen {
            for name in tables(in: ns) {
                let manifest = try await table(ns, name).latestManifest()
                rows.append([.string(ns), .string(name), .int(Int64(manifest.rowCount)), .int(Int64(manifest.version))])
            }
        }
        let batch = try Self.resultRows([("namespace", .string), ("table_name", .string), ("rows", .int64), ("version", .int64)], rows)
        return StatementResult(rows: batch, status: "SHOW TABLES")
    }

    func describe(_ name: TableName) async throws(StrataError) -> StatementResult {
        let manifest = try await table(name).latestManifest()
        let rows: [[Value]] = manifest.schema.fields.map { field in
            let indexes = manifest.indexes.filter { $0.fieldIds.contains(field.id) }.map { "\($0.name) (\($0.kind))" }
            return [.string(field.name), .string(field.type.description), .bool(field.nullable),
                    indexes.isEmpty ? .null : .string(indexes.joined(separator: ", "))]
        }
        let batch = try Self.resultRows([("column_name", .string), ("data_type", .string), ("nullable", .bool), ("indexes", .string)], rows)
        return StatementResult(rows: batch, status: "DESCRIBE")
    }

    func showIndexes(_ name: TableName) async throws(StrataError) -> StatementResult {
        let manifest = try await table(name).latestManifest()
        let live = Set(manifest.fragments.map(\.id))
        let rows: [[Value]] = manifest.indexes.map { index in
            let column = manifest.schema.fields.first { index.fieldIds.contains($0.id) }?.name ?? "?"
            let covered = Set(index.fragmentIds).union(index.segments.flatMap(\.fragmentIds)).intersection(live)
            return [.string(index.name), .string(column), .string(index.kind), index.metric.isEmpty ? .null : .string(index.metric),
                    .int(Int64(covered.count)), .int(Int64(live.subtracting(covered).count))]
        }
        let batch = try Self.resultRows([("index_name", .string), ("column_name", .string), ("kind", .string), ("metric", .string),
                                         ("fragments_indexed", .int64), ("fragments_unindexed", .int64)], rows)
        return StatementResult(rows: batch, status: "SHOW INDEXES")
    }

    func showVersions(_ name: TableName) async throws(StrataError) -> StatementResult {
        let versions = try await table(name).versions()
        let rows: [[Value]] = versions.map { m in
            [.int(Int64(m.version)), .timestamp(m.timestampMicros), .string(m.transaction.operation.rawValue), .int(Int64(m.rowCount)),
             .int(Int64(m.transaction.rowsAdded)), .int(Int64(m.transaction.rowsDeleted))]
        }
        let batch = try Self.resultRows([("version", .int64), ("committed_at", .timestamp), ("operation", .string), ("rows", .int64),
                                         ("rows_added", .int64), ("rows_deleted", .int64)], rows)
        return StatementResult(rows: batch, status: "SHOW VERSIONS")
    }
}
