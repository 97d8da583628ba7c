import Foundation
import StrataCore
import StrataIndex
import StrataKernels

extension Table {
    /// Builds a vector index on `column` over every committed row and records it in a new
    /// version with the fragments it covers. Rows appended later are searched exactly until
    /// `optimizeIndexes` folds them in. An index of the same name is replaced.
    /// - Parameters:
    ///   - parameters: `key=value` settings of the kind (spec/indexes.md §5); unknown keys
    ///     are an error.
    ///   - name: default `<column>_idx`.
    /// - Throws: `.invalidInput` for an unknown or non-vector column, a bad name or
    ///   parameter; storage and commit errors.
    @discardableResult
    public func createIndex(column: String, kind: VectorIndexKind, metric: VectorMetric = .l2,
                            parameters: [String: String] = [:], name: String? = nil) async throws(StrataError) -> Manifest {
        let indexName = try Self.indexName(name, column: column)
        try await flushSmallWrites()
        var built: [LoadedVectorIndex] = []
        let (manifest, committed) = try await commitRerunning { (snapshot) throws(StrataError) -> PendingCommit? in
            let field = try Self.vectorField(column, in: snapshot.schema)
            let fragments = snapshot.manifest.fragments.map(\.id)
            let (vectors, addresses) = try await Self.collectVectors(snapshot, field: field, fragments: Set(fragments))
            let index = try VectorIndexSettings.build(kind: kind, metric: metric, dimension: Self.dimension(of: field),
                                                      vectors: vectors, parameters: parameters)
            let entry = try await writeIndex(index, addresses: addresses.map(\.rawValue), template: TableIndex(
                name: indexName, uuid: UUID().uuidString.lowercased(), fieldIds: [field.id], kind: kind.rawValue,
                metric: metric.rawValue, fragmentIds: fragments, indexFile: IndexFileReference(path: "", sizeBytes: 0),
                rowsFile: IndexFileReference(path: "", sizeBytes: 0), parameters: parameters, createdVersion: 0))
            built = [LoadedVectorIndex(entry: entry, index: index, addresses: addresses.map(\.rawValue))]
            return indexCommit(snapshot, [entry], detail: "create \(kind.rawValue) index \(indexName) on \(column)", newName: true)
        }
        if committed { loadedIndexes.insert(built) }
        return manifest
    }

    /// Folds the rows of fragments an index does not cover yet into it, for every index:
    /// HNSW inserts them into the graph, IVF-PQ assigns and encodes them with its trained
    /// centroids and codebooks, a full-text index adds them as a segment and merges segments
    /// by its policy. No vector index is rebuilt. Returns the latest manifest (unchanged
    /// when every index was current).
    @discardableResult
    public func optimizeIndexes() async throws(StrataError) -> Manifest {
        try await flushSmallWrites()
        var built: [LoadedVectorIndex] = []
        var builtSegments: [String: any LoadedSegment] = [:]
        let (manifest, committed) = try await commitRerunning { (snapshot) throws(StrataError) -> PendingCommit? in
            let present = Set(snapshot.manifest.fragments.map(\.id))
            var changed: [TableIndex] = []
            built = []
            builtSegments = [:]
            for entry in snapshot.manifest.indexes {
                if TableIndex.segmentedKinds.contains(entry.kind) {
                    if let next = try await optimizedSegments(entry, in: snapshot, built: &builtSegments) { changed.append(next) }
                    continue
                }
                guard VectorIndexKind(rawValue: entry.kind) != nil else { continue }
                let uncovered = present.subtracting(entry.fragmentIds)
                guard !uncovered.isEmpty else { continue }
                guard let field = snapshot.schema.fields.first(where: { $0.id == entry.fieldIds.first }) else { continue }
                let loaded = try await snapshot.loadedIndexes.index(entry, location: location)
                var index = loaded.index
                let (vectors, addresses) = try await Self.collectVectors(snapshot, field: field, fragments: uncovered)
                try index.add(vectors)
                var template = entry
                template.fragmentIds = present.intersection(entry.fragmentIds).union(uncovered).sorted()
                let all = loaded.addresses + addresses.map(\.rawValue)
                changed.append(try await writeIndex(index, held: loaded.index.count, addresses: all, template: template))
                built.append(LoadedVectorIndex(entry: changed.last!, index: index, addresses: all))
            }
            guard !changed.isEmpty else { return nil }
            return indexCommit(snapshot, changed, detail: "optimize index(es) \(changed.map(\.name).joined(separator: ", "))", newName: false)
        }
        if committed {
            loadedIndexes.insert(built)
            loadedIndexes.insertSegments(builtSegments)
        }
        return manifest
    }

    /// The commit installing `entries` (replacing same-named ones); re-run when a concurrent
    /// commit removed a covered fragment or changed an index.
    func indexCommit(_ snapshot: TableSnapshot, _ entries: [TableIndex], detail: String, newName: Bool) -> PendingCommit {
        var transaction = Transaction(readVersion: snapshot.version, operation: .index)
        transaction.detail = detail
        let record = transaction, table = location.displayName
        return PendingCommit(transaction: transaction, canRerun: true) { (current) throws(StrataError) -> Manifest in
            var next = current
            next.transaction = record
            let present = Set(current.fragments.map(\.id))
            for var entry in entries {
                guard entry.fieldIds.allSatisfy({ id in current.schema.fields.contains { $0.id == id } }) else {
                    throw .commitConflict(table: table, version: current.version, detail: "the column of index \(entry.name) is gone")
                }
                guard entry.fragmentIds.allSatisfy(present.contains) else {
                    throw .commitConflict(table: table, version: current.version, detail: "a fragment index \(entry.name) covers is gone")
                }
                if newName { entry.createdVersion = current.version + 1 }
                next.indexes.removeAll { $0.name == entry.name }
                next.indexes.append(entry)
            }
            return next
        }
    }

    /// Applies a compaction's address map to every index that covered a compacted fragment,
    /// in a commit of its own (only the rows file is rewritten). A new fragment becomes
    /// covered when all the fragments its rows came from were; otherwise the index forgets
    /// those rows and the fragment is searched exactly. Until this commit lands — or if the
    /// process dies first — searches stay correct: the compacted fragments are gone from the
    /// manifest, so the index's entries for them are skipped and the new fragments are
    /// searched exactly.
    package func remapIndexes(after compaction: CompactionResult) async throws(StrataError) {
        let removed = Set(compaction.fragmentsRemoved)
        guard !removed.isEmpty else { return }
        var sources: [UInt32: Set<UInt32>] = [:]
        for (old, new) in compaction.addressMap { sources[new.fragment, default: []].insert(old.fragment) }
        var built: [LoadedVectorIndex] = []
        var builtSegments: [String: any LoadedSegment] = [:]
        let (_, committed) = try await commitRerunning { (snapshot) throws(StrataError) -> PendingCommit? in
            let present = Set(snapshot.manifest.fragments.map(\.id))
            /// The addresses of an index (or segment) covering `covered`, remapped, and what it covers then.
            func remapped(_ addresses: [UInt64], covered: [UInt32]) -> ([UInt64], [UInt32]) {
                let covered = Set(covered)
                let adopted = Set(sources.filter { present.contains($0.key) && $0.value.isSubset(of: covered) }.keys)
                var addresses = addresses
                for i in addresses.indices where addresses[i] != IndexRows.removed {
                    let address = RowAddress(rawValue: addresses[i])
                    guard removed.contains(address.fragment) else { continue }
                    if let moved = compaction.addressMap[address], adopted.contains(moved.fragment) {
                        addresses[i] = moved.rawValue
                    } else {
                        addresses[i] = IndexRows.removed
                    }
                }
                return (addresses, covered.subtracting(removed).intersection(present).union(adopted).sorted())
            }
            var changed: [TableIndex] = []
            built = []
            builtSegments = [:]
            for entry in snapshot.manifest.indexes where !removed.isDisjoint(with: entry.fragmentIds) {
                if TableIndex.segmentedKinds.contains(entry.kind) {
                    changed.append(try await remappedSegments(entry, in: snapshot, removed: removed, built: &builtSegments, remapped: remapped))
                    continue
                }
                guard VectorIndexKind(rawValue: entry.kind) != nil else { continue }
                let loaded = try await snapshot.loadedIndexes.index(entry, location: location)
                var template = entry
                let addresses: [UInt64]
                (addresses, template.fragmentIds) = remapped(loaded.addresses, covered: entry.fragmentIds)
                changed.append(try await writeIndex(nil, addresses: addresses, template: template))
                built.append(LoadedVectorIndex(entry: changed.last!, index: loaded.index, addresses: addresses))
            }
            guard !changed.isEmpty else { return nil }
            return indexCommit(snapshot, changed, detail: "remap index(es) \(changed.map(\.name).joined(separator: ", ")) after compaction", newName: false)
        }
        if committed {
            loadedIndexes.insert(built)
            loadedIndexes.insertSegments(builtSegments)
        }
    }

    /// Writes the rows file, and unless `index` is nil the index file without its vectors
    /// and a vector segment with the vectors from id `held` on (the template's segments hold
    /// those before), and returns `template` pointing at them. An optimisation thus writes
    /// the new vectors once instead of every vector again.
    private func writeIndex(_ index: (any VectorIndex)?, held: Int = 0, addresses: [UInt64], template: TableIndex) async throws(StrataError) -> TableIndex {
        var entry = template
        if let index {
            entry.indexFile = try await stream(index.fileWriter().withoutVectors(), to: TablePaths.newIndexFile(uuid: entry.uuid, ext: "vidx"))
            // An entry without segments kept its vectors in its index file: the first
            // segment then takes every vector.
            let first = template.vectorFiles.isEmpty ? 0 : held
            if first < index.count || template.vectorFiles.isEmpty {
                let segment = VectorIndexFileWriter.vectorSegment(index.store, from: first)
                entry.vectorFiles.append(try await stream(segment, to: TablePaths.newIndexFile(uuid: entry.uuid, ext: "vseg")))
            }
        }
        entry.rowsFile = try await writeRows(addresses, uuid: entry.uuid)
        return entry
    }

    /// Writes a rows file (spec/indexes.md §3) in the folder of index `uuid`.
    func writeRows(_ addresses: [UInt64], uuid: String) async throws(StrataError) -> IndexFileReference {
        let bytes = IndexRows.encode(addresses)
        let file = IndexFileReference(path: TablePaths.newIndexFile(uuid: uuid, ext: "rows"), sizeBytes: UInt64(bytes.count))
        try await location.store.write(location.object(file.path), bytes: bytes)
        return file
    }

    /// `name`, or `<column>_idx` without one, once checked.
    /// - Throws: `.invalidInput` unless it is 1–128 ASCII letters, digits, '_' or '-'.
    static func indexName(_ name: String?, column: String) throws(StrataError) -> String {
        let indexName = name ?? column + "_idx"
        guard (1...128).contains(indexName.utf8.count),
              indexName.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x5F || $0 == 0x2D }) else {
            throw .invalidInput(what: "index name '\(indexName)'", why: "use 1–128 ASCII letters, digits, '_' or '-'")
        }
        return indexName
    }

    /// Streams `file` to a new object in chunks from the index's own arrays (no second copy).
    private func stream(_ file: VectorIndexFileWriter, to path: String) async throws(StrataError) -> IndexFileReference {
        let writer = try await location.store.makeWriter(location.object(path))
        var chunks = file.chunks()
        do {
            while let chunk = chunks.next() { try await writer.append(chunk) }
            try await writer.finish()
        } catch {
            await writer.abort()
            throw error
        }
        return IndexFileReference(path: path, sizeBytes: UInt64(file.byteCount))
    }

    /// The vector column named `column`.
    package static func vectorField(_ column: String, in schema: Schema) throws(StrataError) -> Field {
        try field(column, in: schema, kind: "vector") { if case .vector = $0 { true } else { false } }
    }

    /// The column named `column`, whose type `accepts` (else it is not a `kind` column).
    static func field(_ column: String, in schema: Schema, kind: String, accepts: (DataType) -> Bool) throws(StrataError) -> Field {
        guard let field = schema.fields.first(where: { $0.name == column }) else {
            throw .invalidInput(what: "column '\(column)'", why: "the table has no such column (columns: \(schema.fields.map(\.name).joined(separator: ", ")))")
        }
        guard accepts(field.type) else {
            throw .invalidInput(what: "column '\(column)'", why: "is \(field.type), not a \(kind) column")
        }
        return field
    }

    package static func dimension(of field: Field) -> Int {
        if case let .vector(_, dimension) = field.type { return dimension }
        preconditionFailure("not a vector field")
    }

    /// The finite, non-null vectors of `field` in `fragments` of `snapshot`, with their rows.
    static func collectVectors(_ snapshot: TableSnapshot, field: Field, fragments: Set<UInt32>) async throws(StrataError) -> ([Float], [RowAddress]) {
        let restricted = snapshot.restricted(to: fragments)
        // Small batches: the scan's decode buffers stay a sliver of the vectors collected.
        let scanner = try restricted.scanner(columns: [field.name], batchRows: 4096, withAddresses: true)
        // Sized once from the manifest: growing by doubling would hold up to twice the vectors.
        let rows = restricted.manifest.fragments.reduce(0) { $0 + $1.liveRows }
        var vectors: [Float] = [], addresses: [RowAddress] = []
        vectors.reserveCapacity(rows * dimension(of: field))
        addresses.reserveCapacity(rows)
        while let next = try await scanner.next() {
            try StrataError.checkCancellation()
            addresses += ColumnDistances.appendFloats(next.batch.columns[0], to: &vectors).map { next.addresses![$0] }
            WorkProgress.report("Reading vectors", done: addresses.count, of: rows, unit: "rows")
        }
        return (vectors, addresses)
    }
}
