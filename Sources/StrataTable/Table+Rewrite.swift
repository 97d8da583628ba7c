import StrataCore

extension Table {
    /// Deletes the rows `change` names and adds the rows it computes, in one commit: the
    /// general form of UPDATE and DELETE. `change` reads a snapshot of the committed rows
    /// and returns the addresses to delete and the rows to add (of the snapshot's schema,
    /// or nil); it runs again on a fresh snapshot when a concurrent commit changed the
    /// fragments it read, so it must depend on nothing but the snapshot.
    @discardableResult
    public func rewrite(_ change: (TableSnapshot) async throws(StrataError) -> (delete: [RowAddress], add: RecordBatch?)) async throws(StrataError) -> WriteResult {
        try await flushSmallWrites()
        return try await rerunning { (snapshot) throws(StrataError) -> (PendingCommit?, Int) in
            let (matches, rows) = try await change(snapshot)
            let adding = rows.map { $0.rowCount > 0 } ?? false
            guard !matches.isEmpty || adding else { return (nil, 0) }
            var added: [NewFragment] = []
            if let rows, adding {
                added = try await FragmentWriter(location: self.location, options: self.options).write([try Self.align(rows, to: snapshot.schema)], schema: snapshot.schema)
            }
            // The last point at which a cancelled statement writes nothing (the new fragment,
            // unreferenced, goes at the next cleanup).
            try StrataError.checkCancellation()
            let commit = try await self.prepareChange(snapshot, deleting: matches, adding: added, operation: adding ? .update : .delete, canRerun: true)
            return (commit, rows?.rowCount ?? 0)
        }
    }

    /// Drops the index named `name`; its files go at the next cleanup.
    /// - Throws: `.notFound` when the table has no such index.
    @discardableResult
    public func dropIndex(_ name: String) async throws(StrataError) -> Manifest {
        let table = location.displayName
        let (manifest, _) = try await commitRerunning { (snapshot) throws(StrataError) -> PendingCommit? in
            guard snapshot.manifest.indexes.contains(where: { $0.name == name }) else {
                throw .notFound(path: "index '\(name)' of table \(table)")
            }
            var transaction = Transaction(readVersion: snapshot.version, operation: .index)
            transaction.detail = "drop index \(name)"
            let record = transaction
            return PendingCommit(transaction: transaction, canRerun: true) { (current) throws(StrataError) -> Manifest in
                var next = current
                next.transaction = record
                next.indexes.removeAll { $0.name == name }
                return next
            }
        }
        return manifest
    }
}
