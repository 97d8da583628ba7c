import Foundation
import StrataCore
import StrataIndex

extension Table {
    /// Builds a full-text (BM25) index on the string column `column` over every committed
    /// row, as one segment, and records it in a new version. Rows written later are found
    /// at once — searches index them on the fly with the same statistics — and
    /// `optimizeIndexes` adds them as new segments, merged by the policy of spec/indexes.md
    /// §7.6. An index of the same name is replaced.
    /// - Parameters:
    ///   - parameters: analyzer settings (spec/indexes.md §7.1) and BM25's `k1`, `b`;
    ///     unknown keys are an error.
    ///   - name: default `<column>_idx`.
    /// - Throws: `.invalidInput` for an unknown or non-string column, a bad name or
    ///   parameter; storage and commit errors.
    @discardableResult
    public func createTextIndex(column: String, parameters: [String: String] = [:], name: String? = nil) async throws(StrataError) -> Manifest {
        let indexName = try Self.indexName(name, column: column)
        let settings = try TextIndexSettings.resolve(parameters)
        try await flushSmallWrites()
        var built: [String: LoadedTextSegment] = [:]
        let (manifest, committed) = try await commitRerunning { (snapshot) throws(StrataError) -> PendingCommit? in
            let field = try Self.textField(column, in: snapshot.schema)
            var entry = TableIndex(name: indexName, uuid: UUID().uuidString.lowercased(), fieldIds: [field.id], kind: TextIndexSettings.kind,
                                   metric: "", fragmentIds: [], indexFile: IndexFileReference(path: "", sizeBytes: 0),
                                   rowsFile: IndexFileReference(path: "", sizeBytes: 0), parameters: parameters, createdVersion: 0)
            built = [:]
            let fragments = snapshot.manifest.fragments.map(\.id)
            if !fragments.isEmpty {
                let (segment, loaded) = try await writeTextSegment(snapshot, field: field, fragments: fragments, settings: settings, uuid: entry.uuid)
                entry.segments = [segment]
                entry.fragmentIds = fragments
                built[IndexCache.key(segment)] = loaded
            }
            return indexCommit(snapshot, [entry], detail: "create fts index \(indexName) on \(column)", newName: true)
        }
        if committed { loadedIndexes.insertText(built) }
        return manifest
    }

    /// `entry` with the fragments of `snapshot` it does not cover added as a new segment,
    /// then merged by the policy: while the newest-but-one segment holds fewer than twice
    /// the rows of the newest, the two become one, rebuilt from the table's rows (which
    /// drops deleted rows). Nil when the index covers every fragment or its column is gone.
    func optimizedTextIndex(_ entry: TableIndex, in snapshot: TableSnapshot, built: inout [String: LoadedTextSegment]) async throws(StrataError) -> TableIndex? {
        let present = Set(snapshot.manifest.fragments.map(\.id))
        let uncovered = present.subtracting(entry.fragmentIds).sorted()
        guard !uncovered.isEmpty, let field = snapshot.schema.fields.first(where: { $0.id == entry.fieldIds.first }) else { return nil }
        let settings = try TextIndexSettings.resolve(entry.parameters)
        var segments = entry.segments.map { segment in
            var kept = segment
            kept.fragmentIds = segment.fragmentIds.filter(present.contains)
            return kept
        }.filter { !$0.fragmentIds.isEmpty }
        var pending = uncovered  // fragments of the segment still to write
        func rows(_ fragments: [UInt32]) -> Int { fragments.reduce(0) { $0 + (snapshot.manifest.fragment($1)?.physicalRows ?? 0) } }
        while let last = segments.last, rows(last.fragmentIds) < 2 * rows(pending) {
            pending = (last.fragmentIds + pending).sorted()
            segments.removeLast()
        }
        let (segment, loaded) = try await writeTextSegment(snapshot, field: field, fragments: pending, settings: settings, uuid: entry.uuid)
        built[IndexCache.key(segment)] = loaded
        var next = entry
        next.segments = segments + [segment]
        next.fragmentIds = next.segments.flatMap(\.fragmentIds).sorted()
        return next
    }

    /// Indexes the rows of `fragments` of `snapshot` and writes the segment's two files in
    /// the index's folder.
    private func writeTextSegment(_ snapshot: TableSnapshot, field: Field, fragments: [UInt32],
                                  settings: (analyzer: TextAnalyzer, bm25: BM25Parameters), uuid: String) async throws(StrataError) -> (IndexSegment, LoadedTextSegment) {
        let (index, addresses) = try await Self.indexText(snapshot.restricted(to: Set(fragments)), field: field, settings: settings)
        let bytes = index.encoded()
        let indexFile = IndexFileReference(path: TablePaths.newIndexFile(uuid: uuid, ext: "ftx"), sizeBytes: UInt64(bytes.count))
        try await location.store.write(location.object(indexFile.path), bytes: bytes)
        let rowsFile = try await writeRows(addresses, uuid: uuid)
        return (IndexSegment(fragmentIds: fragments, indexFile: indexFile, rowsFile: rowsFile),
                LoadedTextSegment(index: index, addresses: addresses, path: rowsFile.path))
    }

    /// An inverted index of the live rows of `snapshot`'s column `field` (its committed
    /// rows, with their addresses, or else its in-memory ones, with their places), in table
    /// order; null values are documents of no terms.
    static func indexText(_ snapshot: TableSnapshot, field: Field, settings: (analyzer: TextAnalyzer, bm25: BM25Parameters),
                          inMemory: Bool = false) async throws(StrataError) -> (InvertedIndex, [UInt64]) {
        var builder = InvertedIndex.Builder(analyzer: settings.analyzer, bm25: settings.bm25)
        var addresses: [UInt64] = []
        let scanner = try snapshot.scanner(columns: [field.name], batchRows: 4096, withAddresses: !inMemory)
        while let next = try await scanner.next() {
            let column = next.batch.columns[0]
            builder.add(contentsOf: (0..<next.batch.rowCount).map { row in
                column.isNull(row) ? nil : String(decoding: column.bytes(at: row), as: UTF8.self)
            })
            for row in 0..<next.batch.rowCount { addresses.append(next.addresses?[row].rawValue ?? UInt64(addresses.count)) }
        }
        return (builder.build(), addresses)
    }

    /// The string column named `column`.
    package static func textField(_ column: String, in schema: Schema) throws(StrataError) -> Field {
        try field(column, in: schema, kind: "string") { $0 == .string }
    }
}

extension TableSnapshot {
    /// This version with only the fragments `fragments` and no in-memory rows.
    func restricted(to fragments: Set<UInt32>) -> TableSnapshot {
        var part = manifest
        part.fragments = part.fragments.filter { fragments.contains($0.id) }
        return TableSnapshot(manifest: part, pendingRows: [], location: location, cache: nil)
    }
}
