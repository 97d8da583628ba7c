import Foundation
import StrataCore
import StrataIndex
import StrataKernels
import StrataQuery
import StrataTable

extension Database {
    func createTable(_ name: TableName, _ columns: [ColumnDefinition], ifNotExists: Bool) async throws(StrataError) -> StatementResult {
        try Self.validName(name.name, what: "table name", at: name.offset)
        // A table in a namespace that does not exist yet creates it.
        let namespace = (try? resolveNamespace(name.namespace, at: name.offset)) ?? name.namespace ?? defaultNamespace
        try Self.validName(namespace, what: "namespace name", at: name.offset)
        guard namespace != Self.metaNamespace || !(name.name == Self.metaTables || name.name == Self.metaColumns) else {
            throw .invalidQuery(message: "\(namespace).\(name.name) is the information schema", offset: name.offset)
        }
        if let existing = tables(in: namespace).first(where: { $0.lowercased() == name.name.lowercased() }) {
            guard ifNotExists else { throw .invalidQuery(message: "table '\(existing)' already exists", offset: name.offset) }
            return StatementResult(status: "CREATE TABLE (exists)")
        }
        var seen = Set<String>()
        for column in columns {
            try Self.validColumnName(column.name, at: column.offset)
            guard seen.insert(column.name.lowercased()).inserted else {
                throw .invalidQuery(message: "column '\(column.name)' appears twice", offset: column.offset)
            }
        }
        let schema = try Schema(fields: columns.enumerated().map { i, c in Field(id: UInt32(i), name: c.name, type: c.type, nullable: c.nullable) })
        let path = path(namespace, name.name)
        // A directory without a committed version is a create that never finished.
        try Self.removeDirectory(path)
        try makeDirectory(directory + "/" + namespace)
        _ = try await Table.create(directory: path, schema: schema)
        try await recordTable(namespace, name.name)
        return StatementResult(status: "CREATE TABLE")
    }

    func dropTable(_ name: TableName, ifExists: Bool) async throws(StrataError) -> StatementResult {
        let resolved: (namespace: String, table: String)
        do {
            resolved = try resolve(name)
        } catch {
            if ifExists { return StatementResult(status: "DROP TABLE (absent)") }
            throw error
        }
        _ = try await writableTable(name)
        // Renamed away first, so the table disappears at once and a crash leaves no half table.
        let path = path(resolved.namespace, resolved.table)
        let trash = directory + "/" + resolved.namespace + "/.dropped-" + UUID().uuidString.lowercased()
        do {
            try FileManager.default.moveItem(atPath: path, toPath: trash)
        } catch {
            throw .io(path: path, operation: "rename", code: 0, message: "\(error)")
        }
        close(resolved.namespace, resolved.table)
        try Self.removeDirectory(trash)
        try await forgetTable(resolved.namespace, resolved.table)
        return StatementResult(status: "DROP TABLE")
    }

    /// `CREATE INDEX [name] ON t (column) USING KIND WITH (…)`: for vector kinds `metric`
    /// (l2, cosine, dot) and the kind's settings; for FTS the analyzer settings.
    func createIndex(_ index: String?, on name: TableName, column: String, at offset: Int, kind: String,
                     _ settings: [(String, Value)]) async throws(StrataError) -> StatementResult {
        let table = try await writableTable(name)
        let schema = try await table.latestManifest().schema
        let resolvedColumn = try Self.columnName(column, in: schema, at: offset)
        if let index { try Self.validName(index, what: "index name", at: name.offset) }
        var parameters: [String: String] = [:]
        var metric = VectorMetric.l2
        for (key, value) in settings {
            let text: String
            switch value {
            case let .string(s): text = s
            default: text = JSONRows.text(value)
            }
            if key == "metric" {
                guard let m = VectorMetric(rawValue: text.lowercased()) else {
                    throw .invalidQuery(message: "metric is l2, cosine or dot, not '\(text)'", offset: name.offset)
                }
                metric = m
            } else {
                parameters[key] = text
            }
        }
        do throws(StrataError) {
            switch kind {
            case "IVF_PQ": try await table.createIndex(column: resolvedColumn, kind: .ivfPQ, metric: metric, parameters: parameters, name: index)
            case "HNSW": try await table.createIndex(column: resolvedColumn, kind: .hnsw, metric: metric, parameters: parameters, name: index)
            case "FLAT": try await table.createIndex(column: resolvedColumn, kind: .flat, metric: metric, parameters: parameters, name: index)
            case "FTS": try await table.createTextIndex(column: resolvedColumn, parameters: parameters, name: index)
            case "BTREE", "BITMAP":
                guard parameters.isEmpty else { throw StrataError.invalidQuery(message: "\(kind) indexes take no settings", offset: name.offset) }
                try await table.createScalarIndex(column: resolvedColumn, kind: kind == "BTREE" ? .btree : .bitmap, name: index)
            default: throw StrataError.invalidQuery(message: "unknown index kind \(kind)", offset: name.offset)
            }
        } catch let .invalidInput(what, why) {
            throw .invalidQuery(message: "cannot create the index: \(what): \(why)", offset: offset)
        }
        return StatementResult(status: "CREATE INDEX")
    }
}
