import StrataCore
import StrataKernels

/// What a delete, update or upsert changed.
public struct WriteResult: Sendable, Hashable {
    /// The committed version (unchanged when nothing matched).
    public var version: UInt64
    /// Rows deleted (for an update or upsert: rows replaced).
    public var rowsDeleted: Int
    /// Rows added (for an update: rows rewritten; for an upsert: all input rows).
    public var rowsAdded: Int
}

extension Table {
    /// How many times an operation that reads before it writes is run again after a
    /// concurrent commit changed what it read.
    package static var maxReruns: Int { 16 }

    /// Deletes the rows at `addresses` (rows already deleted are ignored).
    /// - Throws: `.invalidInput` for an address naming no row of the latest version;
    ///   `.commitConflict` when a concurrent commit rewrote or removed one of their fragments.
    @discardableResult
    public func delete(_ addresses: [RowAddress]) async throws(StrataError) -> WriteResult {
        try await flushSmallWrites()
        let snapshot = try await self.snapshot()
        for address in addresses {
            guard let fragment = snapshot.manifest.fragment(address.fragment), Int(address.offset) < fragment.physicalRows else {
                throw .invalidInput(what: "row address \(address)", why: "no such row in version \(snapshot.version)")
            }
        }
        let change = try await prepareChange(snapshot, deleting: addresses, adding: [], operation: .delete, canRerun: false)
        guard let change else { return WriteResult(version: snapshot.version, rowsDeleted: 0, rowsAdded: 0) }
        let manifest = remember(try await coordinator.commitOnce(change, base: snapshot.manifest))
        return WriteResult(version: manifest.version, rowsDeleted: manifest.transaction.rowsDeleted, rowsAdded: 0)
    }

    /// Deletes every row matching `predicate`, in one commit. Re-evaluated on a fresh
    /// snapshot when a concurrent commit changed the fragments it matched in.
    @discardableResult
    public func delete(where predicate: Predicate) async throws(StrataError) -> WriteResult {
        try await flushSmallWrites()
        return try await rerunning { (snapshot) throws(StrataError) -> (PendingCommit?, Int) in
            let matches = try await Self.matching(predicate, in: snapshot)
            return (try await self.prepareChange(snapshot, deleting: matches, adding: [], operation: .delete, canRerun: true), 0)
        }
    }

    /// Sets `values` (column name → value) on every row matching `predicate`: the rows are
    /// deleted and appended rewritten, in one commit.
    @discardableResult
    public func update(where predicate: Predicate, set values: [String: Value]) async throws(StrataError) -> WriteResult {
        try await flushSmallWrites()
        return try await rerunning { (snapshot) throws(StrataError) -> (PendingCommit?, Int) in
            let schema = snapshot.schema
            for name in values.keys where schema[name] == nil {
                throw .invalidInput(what: "column '\(name)'", why: "no such column")
            }
            let matches = try await Self.matching(predicate, in: snapshot)
            guard !matches.isEmpty else { return (nil, 0) }
            let rows = try await snapshot.take(matches)
            var columns = rows.columns
            for (name, value) in values {
                let index = schema.index(of: name)!
                var builder = ColumnBuilder(type: schema.fields[index].type, capacity: rows.rowCount)
                for _ in 0..<rows.rowCount { try builder.append(value) }
                columns[index] = builder.finish()
            }
            let rewritten = try RecordBatch(schema: schema, columns: columns)
            let added = try await FragmentWriter(location: self.location, options: self.options).write([rewritten], schema: schema)
            return (try await self.prepareChange(snapshot, deleting: matches, adding: added, operation: .update, canRerun: true), rows.rowCount)
        }
    }

    /// Upserts `batch` by the key column `key`: each input row replaces the table rows with
    /// the same key (update when matched) or is added (insert when not), in one commit.
    /// - Throws: `.invalidInput` when `key` is not a column, an input key is null, or a key
    ///   appears twice in the input.
    @discardableResult
    public func mergeInsert(key: String, _ batch: RecordBatch) async throws(StrataError) -> WriteResult {
        try await flushSmallWrites()
        let base = try await latestManifest()
        let aligned = try Self.align(batch, to: base.schema)
        guard let keyColumn = aligned.column(named: key) else {
            throw .invalidInput(what: "key column '\(key)'", why: "the table has no such column")
        }
        var keys = Set<Value>()
        for row in 0..<aligned.rowCount {
            let value = keyColumn.value(at: row)
            guard !value.isNull else { throw .invalidInput(what: "input row \(row + 1)", why: "its key '\(key)' is null") }
            guard keys.insert(value).inserted else {
                throw .invalidInput(what: "input row \(row + 1)", why: "key \(JSONRows.text(value)) appears twice in the input")
            }
        }
        guard aligned.rowCount > 0 else { return WriteResult(version: base.version, rowsDeleted: 0, rowsAdded: 0) }
        // The new rows do not depend on the table, so they are written once, whatever reruns.
        let added = try await FragmentWriter(location: location, options: options).write([aligned], schema: base.schema)
        return try await rerunning { (snapshot) throws(StrataError) -> (PendingCommit?, Int) in
            var matches: [RowAddress] = []
            let scanner = try snapshot.scanner(columns: [key], withAddresses: true)
            while let next = try await scanner.next() {
                let column = next.batch.columns[0]
                for row in 0..<next.batch.rowCount where keys.contains(column.value(at: row)) {
                    matches.append(next.addresses![row])
                }
            }
            var change = try await self.prepareChange(snapshot, deleting: matches, adding: added, operation: .update, canRerun: true)
            change?.readsNewRows = true  // a key inserted concurrently must be matched, not inserted twice
            return (change, aligned.rowCount)
        }
    }

    /// Runs `prepare` (a delete, update or upsert) through `commitRerunning` and reports it.
    func rerunning(_ prepare: (TableSnapshot) async throws(StrataError) -> (PendingCommit?, Int)) async throws(StrataError) -> WriteResult {
        var added = 0
        let (manifest, committed) = try await commitRerunning { (snapshot) throws(StrataError) -> PendingCommit? in
            let (change, rows) = try await prepare(snapshot)
            added = rows
            return change
        }
        guard committed else { return WriteResult(version: manifest.version, rowsDeleted: 0, rowsAdded: 0) }
        return WriteResult(version: manifest.version, rowsDeleted: manifest.transaction.rowsDeleted, rowsAdded: added)
    }

    /// Runs `prepare` on the latest snapshot and commits the change it returns, again on a
    /// fresh snapshot whenever a concurrent commit changed what it read, at most
    /// `maxReruns` times.
    /// - Returns: the committed manifest, or, when `prepare` found nothing to change, the
    ///   manifest of the snapshot it looked at (`committed` false).
    /// - Throws: `.retriesExhausted` after `maxReruns` runs; whatever `prepare` or the commit throws.
    package func commitRerunning(_ prepare: (TableSnapshot) async throws(StrataError) -> PendingCommit?) async throws(StrataError) -> (manifest: Manifest, committed: Bool) {
        var snapshot = TableSnapshot(manifest: try await latestManifest(), pendingRows: [], location: location, cache: cache, loadedIndexes: loadedIndexes)
        for _ in 0..<Self.maxReruns {
            guard let change = try await prepare(snapshot) else { return (snapshot.manifest, false) }
            switch try await coordinator.commit(change, base: snapshot.manifest) {
            case let .committed(manifest):
                remember(manifest)
                return (manifest, true)
            case let .rerun(_, latest):
                snapshot = TableSnapshot(manifest: remember(latest), pendingRows: [], location: location, cache: cache, loadedIndexes: loadedIndexes)
            }
        }
        throw .retriesExhausted(table: location.displayName, version: snapshot.version, attempts: Self.maxReruns)
    }

    /// The addresses of the visible rows of `snapshot` that match `predicate`.
    package static func matching(_ predicate: Predicate, in snapshot: TableSnapshot) async throws(StrataError) -> [RowAddress] {
        try await snapshot.matchingAddresses(predicate)
    }

    /// Writes the deletion vectors for deleting `addresses` from `snapshot` and describes the
    /// commit that installs them together with the fragments `adding`; nil when there is
    /// nothing to change.
    package func prepareChange(_ snapshot: TableSnapshot, deleting addresses: [RowAddress], adding: [NewFragment],
                               operation: TableOperation, canRerun: Bool) async throws(StrataError) -> PendingCommit? {
        var byFragment: [UInt32: [UInt32]] = [:]
        for address in addresses { byFragment[address.fragment, default: []].append(address.offset) }
        var replaced: [UInt32: DeletionFile?] = [:]  // fragment → new deletion file (nil: remove the fragment)
        var rowsDeleted = 0
        for (id, offsets) in byFragment.sorted(by: { $0.key < $1.key }) {
            let fragment = snapshot.manifest.fragment(id)!
            let reader = try await snapshot.reader(for: fragment)
            let previous = reader.deleted ?? RoaringBitmap()
            let combined = previous.union(RoaringBitmap(offsets))
            let newlyDeleted = combined.count - previous.count
            guard newlyDeleted > 0 else { continue }
            rowsDeleted += newlyDeleted
            if combined.count == fragment.physicalRows {
                replaced[id] = .some(nil)
                continue
            }
            let path = TablePaths.newDeletionFile(fragment: id, version: snapshot.version + 1)
            let bytes = DeletionVector.encode(combined)
            // Put-if-absent: a name collision can never overwrite another writer's vector.
            try await location.store.putIfAbsent(location.object(path), bytes: bytes)
            replaced[id] = DeletionFile(path: path, deletedRows: combined.count, sizeBytes: UInt64(bytes.count))
        }
        guard !replaced.isEmpty || !adding.isEmpty else { return nil }
        var transaction = Transaction(readVersion: snapshot.version, operation: operation)
        transaction.modifiedFragments = replaced.filter { $0.value != nil }.keys.sorted()
        transaction.removedFragments = replaced.filter { $0.value == nil }.keys.sorted()
        transaction.rowsDeleted = rowsDeleted
        transaction.rowsAdded = adding.reduce(0) { $0 + $1.rows }
        let table = location.displayName
        let (record, changes) = (transaction, replaced)
        return PendingCommit(transaction: transaction, canRerun: canRerun) { (current) throws(StrataError) -> Manifest in
            var next = current
            next.transaction = record
            for (id, deletion) in changes {
                guard let index = next.fragments.firstIndex(where: { $0.id == id }) else {
                    throw .commitConflict(table: table, version: current.version, detail: "fragment \(id) no longer exists")
                }
                if let deletion { next.fragments[index].deletion = deletion } else { next.fragments.remove(at: index) }
            }
            next.addFragments(adding)
            return next
        }
    }
}
