import StrataCore
import StrataQuery
import StrataStorage
import StrataTable

extension Database {
    /// Runs one SQL statement (spec/sql.md). `$1`, `$2`, … take `parameters`; a vector
    /// parameter is a `.vector` value.
    /// - Throws: `.invalidQuery` for a statement that does not parse, bind or type-check
    ///   (with the offending position); storage, corruption and commit errors.
    @discardableResult
    public func execute(_ sql: String, parameters: [Value] = [], options: QueryOptions = QueryOptions()) async throws(StrataError) -> StatementResult {
        try await execute(try Statement(parsing: sql), parameters: parameters, options: options)
    }

    /// Runs a parsed statement.
    @discardableResult
    public func execute(_ statement: Statement, parameters: [Value] = [], options: QueryOptions = QueryOptions()) async throws(StrataError) -> StatementResult {
        switch statement {
        case let .select(select):
            let result = try await prepare(select, parameters: parameters, options: options).run()
            return StatementResult(rows: result.rows, status: "SELECT \(result.rows.rowCount)")
        case let .explain(inner, analyze):
            guard case let .select(select) = inner else {
                throw .invalidQuery(message: "EXPLAIN shows the plan of a SELECT", offset: nil)
            }
            let text: String
            let constant = try await folded(select, parameters: parameters)
            if let aggregate = try AggregateQuery(constant.query) {
                // The grouping over the plan of the rows it groups.
                let rows = try await prepare(SelectStatement(source: constant.source, query: aggregate.inner), parameters: parameters, options: options)
                let plan = analyze ? try await rows.analyze() : rows.plan
                text = (["Aggregate " + aggregate.summary] + plan.split(separator: "\n").enumerated().map { ($0 == 0 ? "└─ " : "   ") + $1 })
                    .joined(separator: "\n")
            } else {
                let prepared = try await prepare(select, parameters: parameters, options: options)
                text = analyze ? try await prepared.analyze() : prepared.plan
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Value.string(String($0)) }
            let schema = try Schema(fields: [Field(id: 0, name: "plan", type: .string, nullable: false)])
            return StatementResult(rows: try RecordBatch(schema: schema, columns: [try ColumnBuilder.column(.string, lines)]), status: "EXPLAIN")
        case let .createTable(name, columns, ifNotExists): return try await createTable(name, columns, ifNotExists: ifNotExists)
        case let .dropTable(name, ifExists): return try await dropTable(name, ifExists: ifExists)
        case let .addColumn(name, column): return try await alter(name, "ALTER TABLE") { (table) throws(StrataError) in
            try Self.validColumnName(column.name, at: column.offset)
            if (try? Self.columnName(column.name, in: try await table.latestManifest().schema, at: 0)) != nil {
                throw .invalidQuery(message: "column '\(column.name)' already exists", offset: column.offset)
            }
            let field = Field(id: 0, name: column.name, type: column.type, nullable: column.nullable)
            var defaultJSON: String?
            if let value = column.defaultValue {
                do throws(StrataError) {
                    defaultJSON = JSONRows.text(try ColumnValues.coerce(value, to: field), type: column.type)
                } catch let .invalidQuery(message, _) {
                    throw .invalidQuery(message: "DEFAULT: \(message)", offset: column.offset)
                }
            }
            do throws(StrataError) {
                _ = try await table.addColumn(name: column.name, type: column.type, nullable: column.nullable, defaultJSON: defaultJSON)
            } catch let .invalidInput(what, why) {
                throw .invalidQuery(message: "\(what): \(why)", offset: column.offset)
            }
        }
        case let .dropColumn(name, column, offset): return try await alter(name, "ALTER TABLE") { (table) throws(StrataError) in
            _ = try await table.dropColumn(try Self.columnName(column, in: try await table.latestManifest().schema, at: offset))
        }
        case let .renameColumn(name, from, to, offset): return try await alter(name, "ALTER TABLE") { (table) throws(StrataError) in
            try Self.validColumnName(to, at: offset)
            let schema = try await table.latestManifest().schema
            let current = try Self.columnName(from, in: schema, at: offset)
            if schema.fields.contains(where: { $0.name != current && $0.name.lowercased() == to.lowercased() }) {
                throw .invalidQuery(message: "column '\(to)' already exists", offset: offset)
            }
            _ = try await table.renameColumn(current, to: to)
        }
        case let .insert(name, columns, source): return try await insert(name, columns: columns, source, key: nil, parameters: parameters, options: options)
        case let .upsert(name, columns, source, key): return try await insert(name, columns: columns, source, key: key, parameters: parameters, options: options)
        case let .update(name, assignments, filter): return try await update(name, assignments, filter, parameters: parameters, options: options)
        case let .delete(name, filter): return try await delete(name, filter, parameters: parameters, options: options)
        case let .createIndex(index, name, column, offset, kind, settings):
            return try await createIndex(index, on: name, column: column, at: offset, kind: kind, settings)
        case let .dropIndex(index, name):
            let table = try await writableTable(name)
            do {
                try await table.dropIndex(index)
            } catch .notFound {
                let names = try await table.latestManifest().indexes.map(\.name)
                throw .invalidQuery(message: "table '\(name)' has no index '\(index)'\(Suggestions.hint(for: index, among: names))", offset: name.offset)
            }
            return StatementResult(status: "DROP INDEX")
        case let .showTables(namespace, offset): return try await showTables(namespace, at: offset)
        case let .showIndexes(name): return try await showIndexes(name)
        case let .showVersions(name): return try await showVersions(name)
        case let .describe(name): return try await describe(name)
        case let .restore(name, version):
            let manifest: Manifest
            do {
                manifest = try await writableTable(name).restore(version: version)
            } catch .notFound {
                throw .invalidQuery(message: "table '\(name)' has no version \(version)", offset: name.offset)
            }
            return StatementResult(status: "RESTORE version \(version) as version \(manifest.version)")
        case let .createTag(name, tag, version):
            let made: Tag
            do {
                made = try await table(name).createTag(tag, version: version)
            } catch .alreadyExists {
                throw .invalidQuery(message: "table '\(name)' already has a tag '\(tag)'", offset: name.offset)
            } catch .notFound {
                throw .invalidQuery(message: "table '\(name)' has no version \(version.map(String.init) ?? "")", offset: name.offset)
            }
            return StatementResult(status: "CREATE TAG '\(tag)' on version \(made.version)")
        case let .compact(name):
            let result = try await writableTable(name).compact()
            return StatementResult(status: "COMPACT \(result.fragmentsRemoved.count) fragments into \(result.fragmentsAdded.count)")
        case let .optimize(name):
            let manifest = try await writableTable(name).optimizeIndexes()
            return StatementResult(status: "OPTIMIZE version \(manifest.version)")
        case let .createNamespace(namespace, ifNotExists):
            try Self.validName(namespace, what: "namespace name", at: 0)
            if namespaces().contains(where: { $0.lowercased() == namespace.lowercased() }) {
                guard ifNotExists else { throw .invalidQuery(message: "namespace '\(namespace)' already exists", offset: nil) }
                return StatementResult(status: "CREATE NAMESPACE (exists)")
            }
            try makeDirectory(directory + "/" + namespace)
            return StatementResult(status: "CREATE NAMESPACE")
        }
    }

    /// Plans a SELECT: its source's snapshot (at the version asked for), then the query.
    func prepare(_ select: SelectStatement, parameters: [Value], options: QueryOptions) async throws(StrataError) -> PreparedQuery {
        let select = try await folded(select, parameters: parameters)
        if let aggregate = try AggregateQuery(select.query) {
            // The rows to group are read now; the plan is the one over the groups.
            let rows = try await prepare(SelectStatement(source: select.source, query: aggregate.inner), parameters: parameters, options: options).run().rows
            let groups = try aggregate.groups(rows)
            return try await QueryEngine.prepare(aggregate.outer, on: try await Self.memorySnapshot(groups), table: "", parameters: parameters, options: options)
        }
        switch select.source {
        case let .table(name, version, alias):
            let (namespace, table) = try resolve(name)
            let handle = try await self.table(namespace, table)
            let snapshot: TableSnapshot
            do {
                switch version {
                case .latest: snapshot = try await handle.snapshot()
                case let .version(v): snapshot = try await handle.snapshot(version: v)
                case let .tag(tag): snapshot = try await handle.snapshot(tag: tag)
                case let .timestamp(micros): snapshot = try await handle.snapshot(asOf: micros)
                }
            } catch .notFound {
                let which: String
                switch version {
                case .latest: which = "latest version"
                case let .version(v): which = "version \(v)"
                case let .tag(tag): which = "tag '\(tag)'"
                case let .timestamp(micros): which = "version at or before \(Timestamp.format(micros) ?? String(micros))"
                }
                throw .invalidQuery(message: "table '\(name)' has no \(which)", offset: name.offset)
            }
            return try await QueryEngine.prepare(select.query, on: snapshot, table: table, alias: alias, parameters: parameters, options: options)
        case let .function(function, arguments, named, alias, offset):
            let batch = try await tableFunctionRows(function, arguments, named, parameters: parameters, at: offset)
            let snapshot = try await Self.memorySnapshot(batch)
            return try await QueryEngine.prepare(select.query, on: snapshot, table: function, alias: alias, parameters: parameters, options: options)
        case .none:
            let schema = try Schema(fields: [Field(id: 0, name: "_", type: .bool, nullable: true)])
            let snapshot = try await Self.memorySnapshot(try RecordBatch(schema: schema, columns: [try ColumnBuilder.column(.bool, [.null])]))
            guard !select.query.items.contains(.all) else { throw .invalidQuery(message: "SELECT * needs FROM", offset: nil) }
            return try await QueryEngine.prepare(select.query, on: snapshot, table: "", parameters: parameters, options: options)
        }
    }

    /// A snapshot of an in-memory table holding `batch`, for table functions.
    static func memorySnapshot(_ batch: RecordBatch) async throws(StrataError) -> TableSnapshot {
        let table = try await Table.create(store: MemoryObjectStore(), schema: batch.schema)
        if batch.rowCount > 0 { _ = try await table.append(batch) }
        return try await table.snapshot()
    }

    /// The table `name` names, refusing the information schema (which DDL keeps current).
    func writableTable(_ name: TableName) async throws(StrataError) -> Table {
        let (namespace, table) = try resolve(name)
        guard namespace != Self.metaNamespace || !(table == Self.metaTables || table == Self.metaColumns) else {
            throw .invalidQuery(message: "\(namespace).\(table) is the information schema: DDL statements keep it current", offset: name.offset)
        }
        return try await self.table(namespace, table)
    }

    /// The column of `schema` a name refers to (exact, else the one match ignoring case).
    static func columnName(_ name: String, in schema: Schema, at offset: Int) throws(StrataError) -> String {
        let scope = BindingScope(schema: schema, now: 0)
        return try scope.resolve(name, at: offset).name
    }

    /// Runs a schema change and records it in the information schema.
    private func alter(_ name: TableName, _ status: String, _ change: (Table) async throws(StrataError) -> Void) async throws(StrataError) -> StatementResult {
        let (namespace, table) = try resolve(name)
        try await change(try await writableTable(name))
        try await recordTable(namespace, table)
        return StatementResult(status: status)
    }
}
