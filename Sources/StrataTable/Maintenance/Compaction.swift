import StrataCore

/// What compaction should rewrite.
public struct CompactionOptions: Sendable {
    /// Rows per fragment written, and the size below which a fragment counts as small.
    public var targetRowsPerFragment = 1 << 20
    /// A fragment with at least this share of its rows deleted is rewritten without them.
    public var maxDeletedFraction = 0.1

    /// The default settings.
    public init() {}
}

/// What a compaction did.
public struct CompactionResult: Sendable {
    /// The committed version (unchanged when there was nothing to do).
    public var version: UInt64
    /// Fragments removed and fragments written.
    public var fragmentsRemoved: [UInt32]
    public var fragmentsAdded: [UInt32]
    /// Deleted rows dropped from storage.
    public var deletedRowsDropped: Int
    /// Old address → new address of every row that moved. Indexes built on the old
    /// fragments remap their row addresses with it.
    public var addressMap: [RowAddress: RowAddress]
}

extension Table {
    /// Merges small fragments and rewrites fragments with many deleted rows, in one commit.
    /// Re-planned when a concurrent commit changes a fragment it rewrites.
    /// - Returns: the new version and the old-to-new row address mapping.
    @discardableResult
    public func compact(_ compaction: CompactionOptions = CompactionOptions()) async throws(StrataError) -> CompactionResult {
        try await flushSmallWrites()
        return try await compact(compaction, only: nil)
    }

    /// Keeps the fragment count bounded under a stream of small appends (spec/table.md §9.6).
    package func mergeSmallFragmentsIfNeeded() async throws(StrataError) {
        let manifest = try await latestManifest()
        let small = manifest.fragments.filter { $0.physicalRows < options.flushRows }
        guard small.count > options.maxSmallFragments else { return }
        var merge = CompactionOptions()
        merge.targetRowsPerFragment = options.maxRowsPerFragment
        try await compact(merge, only: Set(small.map(\.id)))
    }

    @discardableResult
    private func compact(_ compaction: CompactionOptions, only: Set<UInt32>?) async throws(StrataError) -> CompactionResult {
        // What the last run of the plan wrote: per bin, the old addresses and the new fragments.
        var written: [(old: [RowAddress], fragments: [NewFragment])] = []
        var removed: [UInt32] = []
        var dropped = 0
        let (manifest, committed) = try await commitRerunning { (snapshot) throws(StrataError) -> PendingCommit? in
            let bins = Self.plan(snapshot.manifest, compaction, only: only)
            guard !bins.isEmpty else { return nil }
            written = []
            dropped = 0
            let rows = bins.reduce(0) { $0 + $1.reduce(0) { $0 + $1.physicalRows } }
            var done = 0
            for bin in bins {
                try StrataError.checkCancellation()
                var part = snapshot.manifest
                part.fragments = bin
                let binSnapshot = TableSnapshot(manifest: part, pendingRows: [], location: location, cache: cache)
                let scanner = try binSnapshot.scanner(withAddresses: true)
                var batches: [RecordBatch] = []
                var addresses: [RowAddress] = []
                while let next = try await scanner.next() {
                    batches.append(next.batch)
                    addresses += next.addresses!
                }
                var writeOptions = options
                writeOptions.maxRowsPerFragment = compaction.targetRowsPerFragment
                let fragments = try await FragmentWriter(location: location, options: writeOptions).write(batches, schema: snapshot.schema)
                written.append((addresses, fragments))
                dropped += bin.reduce(0) { $0 + ($1.deletion?.deletedRows ?? 0) }
                done += bin.reduce(0) { $0 + $1.physicalRows }
                WorkProgress.report("Compacting", done: done, of: rows, unit: "rows")
            }
            removed = bins.flatMap { $0.map(\.id) }
            var transaction = Transaction(readVersion: snapshot.version, operation: .compact)
            transaction.removedFragments = removed
            transaction.detail = "merged \(removed.count) fragment(s)"
            let (record, gone, added) = (transaction, removed, written.flatMap(\.fragments))
            let table = location.displayName
            return PendingCommit(transaction: transaction, canRerun: true) { (current) throws(StrataError) -> Manifest in
                var next = current
                next.transaction = record
                let removedSet = Set(gone)
                guard current.fragments.filter({ removedSet.contains($0.id) }).count == gone.count else {
                    throw .commitConflict(table: table, version: current.version, detail: "a fragment being compacted is gone")
                }
                // New fragments get new, higher ids, so their rows move to the end of table order.
                next.fragments.removeAll { removedSet.contains($0.id) }
                next.addFragments(added)
                return next
            }
        }
        guard committed else {
            return CompactionResult(version: manifest.version, fragmentsRemoved: [], fragmentsAdded: [], deletedRowsDropped: 0, addressMap: [:])
        }
        var map: [RowAddress: RowAddress] = [:]
        var ids = manifest.transaction.addedFragments.makeIterator()
        for (old, fragments) in written {
            var position = 0
            for fragment in fragments {
                let id = ids.next()!
                for offset in 0..<fragment.rows {
                    map[old[position]] = RowAddress(fragment: id, offset: UInt32(offset))
                    position += 1
                }
            }
        }
        let result = CompactionResult(version: manifest.version, fragmentsRemoved: removed,
                                      fragmentsAdded: manifest.transaction.addedFragments, deletedRowsDropped: dropped, addressMap: map)
        // Indexes follow the rows in a version of their own (spec/indexes.md §4.4). Best
        // effort: the compaction has committed, and searches are exact without the remap
        // (the moved rows are searched directly until the next optimize).
        if !manifest.indexes.isEmpty { try? await remapIndexes(after: result) }
        return result
    }

    /// Groups the fragments worth rewriting into bins of at most the target size. A bin of
    /// one fragment is kept only if that fragment has deletions to drop.
    private static func plan(_ manifest: Manifest, _ compaction: CompactionOptions, only: Set<UInt32>?) -> [[Fragment]] {
        var bins: [[Fragment]] = []
        var current: [Fragment] = []
        var rows = 0
        func close() {
            if current.count > 1 || current.first.map({ $0.deletion != nil }) == true { bins.append(current) }
            current = []
            rows = 0
        }
        for fragment in manifest.fragments {
            let deletedShare = Double(fragment.deletion?.deletedRows ?? 0) / Double(max(fragment.physicalRows, 1))
            let wanted = only.map { $0.contains(fragment.id) }
                ?? (fragment.physicalRows < compaction.targetRowsPerFragment || deletedShare >= compaction.maxDeletedFraction)
            guard wanted else {
                // General compaction keeps table order by merging neighbours only; merging
                // small fragments (the fragment-count bound) takes them wherever they are.
                if only == nil { close() }
                continue
            }
            if rows + fragment.liveRows > compaction.targetRowsPerFragment && !current.isEmpty { close() }
            current.append(fragment)
            rows += fragment.liveRows
        }
        close()
        return bins
    }
}
