import Foundation
import StrataCore
import StrataTable

/// The live information schema: `ctx_meta.meta_tables` (one row per table) and
/// `ctx_meta.meta_columns` (one row per column), spec/sql.md "Information schema".
extension Database {
    static let metaTables = "meta_tables"
    static let metaColumns = "meta_columns"

    /// The information schema's tables (`ctx_meta.meta_tables`, `ctx_meta.meta_columns`):
    /// kept by DDL statements, never created or written by them.
    public static let informationSchemaTables = ["\(metaNamespace).\(metaTables)", "\(metaNamespace).\(metaColumns)"]

    static let metaTablesSchema = try! Schema(fields: [
        Field(id: 0, name: "namespace", type: .string, nullable: false),
        Field(id: 1, name: "table_name", type: .string, nullable: false),
        Field(id: 2, name: "column_count", type: .int32, nullable: false),
        Field(id: 3, name: "created_at", type: .timestamp, nullable: false),
    ])

    static let metaColumnsSchema = try! Schema(fields: [
        Field(id: 0, name: "namespace", type: .string, nullable: false),
        Field(id: 1, name: "table_name", type: .string, nullable: false),
        Field(id: 2, name: "column_name", type: .string, nullable: false),
        Field(id: 3, name: "ordinal", type: .int32, nullable: false),
        Field(id: 4, name: "data_type", type: .string, nullable: false),
        Field(id: 5, name: "nullable", type: .bool, nullable: false),
    ])

    /// Creates the information schema's tables when missing, then makes their rows match
    /// the directories.
    func prepareInformationSchema() async throws(StrataError) {
        for (name, schema) in [(Self.metaTables, Self.metaTablesSchema), (Self.metaColumns, Self.metaColumnsSchema)]
        where !Self.isTable(path(Self.metaNamespace, name)) {
            try Self.removeDirectory(path(Self.metaNamespace, name))
            try makeDirectory(directory + "/" + Self.metaNamespace)
            _ = try await Table.create(directory: path(Self.metaNamespace, name), schema: schema)
        }
        try await reconcileInformationSchema()
    }

    /// Rewrites the information schema when its rows differ from the catalog. Only the
    /// names and columns are compared; the creation times (one listing of a table's
    /// versions each) are read only when the rows are rewritten.
    func reconcileInformationSchema() async throws(StrataError) {
        var present: [(namespace: String, name: String, table: Table, schema: Schema)] = []
        for namespace in namespaces() {
            for name in tables(in: namespace) {
                let table = try await self.table(namespace, name)
                present.append((namespace, name, table, try await table.latestManifest().schema))
            }
        }
        let metaTables = try await table(Self.metaNamespace, Self.metaTables)
        let metaColumns = try await table(Self.metaNamespace, Self.metaColumns)
        let currentTables = try await metaTables.snapshot().readAll(columns: ["namespace", "table_name", "column_count"])
        let currentColumns = try await metaColumns.snapshot().readAll()
        func sorted(_ rows: [[Value]]) -> [String] { rows.map { $0.map { JSONRows.text($0) }.joined(separator: "\u{1}") }.sorted() }
        let expectedTables = present.map { Array(Self.tableRow($0.namespace, $0.name, $0.schema, created: 0).prefix(3)) }
        if sorted((0..<currentTables.rowCount).map(currentTables.row)) != sorted(expectedTables) {
            var rows: [[Value]] = []
            for entry in present {
                let created = try await entry.table.versions().first?.timestampMicros ?? 0
                rows.append(Self.tableRow(entry.namespace, entry.name, entry.schema, created: created))
            }
            try await replaceRows(metaTables, Self.metaTablesSchema, rows)
        }
        let columnRows = present.flatMap { Self.columnRows($0.namespace, $0.name, $0.schema) }
        if sorted((0..<currentColumns.rowCount).map(currentColumns.row)) != sorted(columnRows) {
            try await replaceRows(metaColumns, Self.metaColumnsSchema, columnRows)
        }
    }

    /// Records a new or changed table: its rows replace those it had.
    func recordTable(_ namespace: String, _ name: String) async throws(StrataError) {
        let table = try await self.table(namespace, name)
        let manifest = try await table.latestManifest()
        let created = try await table.versions().first?.timestampMicros ?? manifest.timestampMicros
        try await forgetTable(namespace, name)
        _ = try await self.table(Self.metaNamespace, Self.metaTables).append(try RecordBatch(schema: Self.metaTablesSchema, rows: [Self.tableRow(namespace, name, manifest.schema, created: created)]))
        _ = try await self.table(Self.metaNamespace, Self.metaColumns).append(try RecordBatch(schema: Self.metaColumnsSchema, rows: Self.columnRows(namespace, name, manifest.schema)))
    }

    /// Removes a table's rows from the information schema.
    func forgetTable(_ namespace: String, _ name: String) async throws(StrataError) {
        let predicate = Predicate(comparisons: [
            .init(column: "namespace", op: .equal, literal: .string(namespace)),
            .init(column: "table_name", op: .equal, literal: .string(name)),
        ])
        for meta in [Self.metaTables, Self.metaColumns] {
            try await self.table(Self.metaNamespace, meta).delete(where: predicate)
        }
    }

    private func replaceRows(_ table: Table, _ schema: Schema, _ rows: [[Value]]) async throws(StrataError) {
        let all = try await table.snapshot().readAll(columns: ["namespace"])
        if all.rowCount > 0 { try await table.delete(where: Predicate(comparisons: [.init(column: "namespace", op: .isNotNull, literal: .null)])) }
        if !rows.isEmpty { _ = try await table.append(try RecordBatch(schema: schema, rows: rows)) }
    }

    private static func tableRow(_ namespace: String, _ name: String, _ schema: Schema, created: Int64) -> [Value] {
        [.string(namespace), .string(name), .int(Int64(schema.fields.count)), .timestamp(created)]
    }

    private static func columnRows(_ namespace: String, _ name: String, _ schema: Schema) -> [[Value]] {
        schema.fields.enumerated().map { i, field in
            [.string(namespace), .string(name), .string(field.name), .int(Int64(i + 1)), .string(field.type.description), .bool(field.nullable)]
        }
    }

    func makeDirectory(_ path: String) throws(StrataError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .io(path: path, operation: "mkdir", code: 0, message: "\(error)")
        }
    }

    static func removeDirectory(_ path: String) throws(StrataError) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw .io(path: path, operation: "remove", code: 0, message: "\(error)")
        }
    }
}
