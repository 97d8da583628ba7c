import StrataCore

extension Table {
    /// Adds a column. Existing rows read `defaultJSON` (a JSON literal in the JSONL
    /// conventions), or null without one: with a default, each existing fragment gets a small
    /// new data file holding the column; no existing file is rewritten.
    /// - Throws: `.invalidInput` for a taken name, a non-nullable column without a default,
    ///   or a default that does not fit the type.
    @discardableResult
    public func addColumn(name: String, type: DataType, nullable: Bool = true, defaultJSON: String? = nil) async throws(StrataError) -> Manifest {
        try await flushSmallWrites()
        return try await commitRerunning { (snapshot) throws(StrataError) -> PendingCommit? in
            let base = snapshot.manifest
            guard base.schema[name] == nil else { throw .invalidInput(what: "column '\(name)'", why: "the table already has it") }
            var field = Field(id: base.nextFieldId, name: name, type: type, nullable: nullable)
            if let defaultJSON { field.metadata[FieldDefaults.metadataKey] = defaultJSON }
            let value = try FieldDefaults.value(of: field)
            guard nullable || !value.isNull else {
                throw .invalidInput(what: "column '\(name)'", why: "is not nullable, so it needs a default for the existing rows")
            }
            _ = try Schema(fields: base.schema.fields + [field], metadata: base.schema.metadata)
            let columnSchema = try Schema(fields: [field])
            var files: [UInt32: DataFile] = [:]
            if !value.isNull {
                for fragment in base.fragments {
                    let column = try FieldDefaults.constantColumn(field, count: fragment.physicalRows)
                    var oneFile = options
                    oneFile.maxRowsPerFragment = max(1, fragment.physicalRows)  // one file per fragment, however large
                    let written = try await FragmentWriter(location: location, options: oneFile)
                        .write([try RecordBatch(schema: columnSchema, columns: [column])], schema: columnSchema)
                    if let file = written.first?.files.first { files[fragment.id] = file }
                }
            }
            var transaction = Transaction(readVersion: base.version, operation: .addColumns)
            transaction.detail = "add column \(name)"
            let (record, added, newFiles) = (transaction, field, files)
            return PendingCommit(transaction: transaction, canRerun: true) { (current) throws(StrataError) -> Manifest in
                var next = current
                next.transaction = record
                next.schema = try Schema(fields: current.schema.fields + [added], metadata: current.schema.metadata)
                next.nextFieldId = max(current.nextFieldId, added.id + 1)
                for index in next.fragments.indices {
                    if let file = newFiles[next.fragments[index].id] { next.fragments[index].files.append(file) }
                }
                return next
            }
        }.manifest
    }

    /// Drops a column from the schema. Its data stays in existing files (unread) until
    /// compaction rewrites them; its field id is never reused.
    @discardableResult
    public func dropColumn(_ name: String) async throws(StrataError) -> Manifest {
        try await changeSchema(.dropColumns, detail: "drop column \(name)") { (schema) throws(StrataError) -> Schema in
            guard schema[name] != nil else { throw .invalidInput(what: "column '\(name)'", why: "no such column") }
            return try Schema(fields: schema.fields.filter { $0.name != name }, metadata: schema.metadata)
        }
    }

    /// Renames a column; data files are untouched, since they refer to columns by id.
    @discardableResult
    public func renameColumn(_ name: String, to newName: String) async throws(StrataError) -> Manifest {
        try await changeSchema(.renameColumn, detail: "rename column \(name) to \(newName)") { (schema) throws(StrataError) -> Schema in
            guard schema[name] != nil else { throw .invalidInput(what: "column '\(name)'", why: "no such column") }
            guard schema[newName] == nil else { throw .invalidInput(what: "column '\(newName)'", why: "the table already has it") }
            return try Schema(fields: schema.fields.map { field in
                var renamed = field
                if field.name == name { renamed.name = newName }
                return renamed
            }, metadata: schema.metadata)
        }
    }

    /// Commits a change of the schema alone, re-running it over concurrent schema changes.
    private func changeSchema(_ operation: TableOperation, detail: String,
                              _ transform: @escaping @Sendable (Schema) throws(StrataError) -> Schema) async throws(StrataError) -> Manifest {
        try await flushSmallWrites()
        return try await commitRerunning { (snapshot) throws(StrataError) -> PendingCommit? in
            _ = try transform(snapshot.schema)
            var transaction = Transaction(readVersion: snapshot.version, operation: operation)
            transaction.detail = detail
            let record = transaction
            return PendingCommit(transaction: transaction, canRerun: true) { (current) throws(StrataError) -> Manifest in
                var next = current
                next.transaction = record
                next.schema = try transform(current.schema)
                // An index over a dropped column goes with it.
                let remaining = Set(next.schema.fields.map(\.id))
                next.indexes.removeAll { !$0.fieldIds.allSatisfy(remaining.contains) }
                return next
            }
        }.manifest
    }
}
