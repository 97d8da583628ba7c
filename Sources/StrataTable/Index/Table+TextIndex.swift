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
        _ = try TextIndexSettings.resolve(parameters)
        return try await createSegmentedIndex(column: column, kind: TextIndexSettings.kind, parameters: parameters, name: name) { schema throws(StrataError) in
            try Self.textField(column, in: schema)
        }
    }

    /// Indexes the rows of `fragments` of `snapshot` and writes the segment's two files in
    /// the index's folder.
    func writeTextSegment(_ snapshot: TableSnapshot, field: Field, fragments: [UInt32], entry: TableIndex) async throws(StrataError) -> (IndexSegment, any LoadedSegment) {
        let settings = try TextIndexSettings.resolve(entry.parameters)
        let (index, addresses) = try await Self.indexText(snapshot.restricted(to: Set(fragments)), field: field, settings: settings)
        let (segment, rows) = try await writeSegment(index.encoded(), ext: "ftx", addresses: addresses, fragments: fragments, uuid: entry.uuid)
        return (segment, LoadedTextSegment(index: index, addresses: addresses, path: rows))
    }

    /// An inverted index of the live committed rows of `snapshot`'s column `field`, in table
    /// order, with their addresses; null values are documents of no terms.
    static func indexText(_ snapshot: TableSnapshot, field: Field, settings: (analyzer: TextAnalyzer, bm25: BM25Parameters)) async throws(StrataError) -> (InvertedIndex, [UInt64]) {
        var builder = InvertedIndex.Builder(analyzer: settings.analyzer, bm25: settings.bm25)
        var addresses: [UInt64] = []
        let scanner = try snapshot.scanner(columns: [field.name], batchRows: 4096, withAddresses: true)
        let rows = snapshot.manifest.fragments.reduce(0) { $0 + $1.liveRows }
        while let next = try await scanner.next() {
            try StrataError.checkCancellation()
            let column = next.batch.columns[0]
            builder.add(contentsOf: (0..<next.batch.rowCount).map { row in
                column.isNull(row) ? nil : String(decoding: column.bytes(at: row), as: UTF8.self)
            })
            addresses += next.addresses!.map(\.rawValue)
            WorkProgress.report("Indexing text", done: addresses.count, of: rows, unit: "rows")
        }
        return (builder.build(), addresses)
    }

    /// The string column named `column`.
    package static func textField(_ column: String, in schema: Schema) throws(StrataError) -> Field {
        try field(column, in: schema, kind: "string") { $0 == .string }
    }
}

extension TableSnapshot {
    /// This version with only the fragments `fragments` and no in-memory rows, sharing this
    /// snapshot's loaded indexes but not its page cache (whole-fragment reads would only
    /// evict what searches keep there).
    package func restricted(to fragments: Set<UInt32>) -> TableSnapshot {
        var part = manifest
        part.fragments = part.fragments.filter { fragments.contains($0.id) }
        return TableSnapshot(manifest: part, pendingRows: [], location: location, cache: nil, loadedIndexes: loadedIndexes)
    }

    /// This version's in-memory rows alone (no fragment).
    package func inMemoryOnly() -> TableSnapshot {
        var part = manifest
        part.fragments = []
        return TableSnapshot(manifest: part, pendingRows: pendingRows, location: location, cache: nil, loadedIndexes: loadedIndexes)
    }

    /// The index on `field` whose kind `kind` accepts; with several, the most recently
    /// created (ties: the greater name), so that changing another index never changes which
    /// one answers.
    func newestIndex(on field: Field, kind: (String) -> Bool) -> TableIndex? {
        manifest.indexes.filter { $0.fieldIds == [field.id] && kind($0.kind) }
            .max { ($0.createdVersion, $0.name) < ($1.createdVersion, $1.name) }
    }
}
