import StrataCore
import StrataFormat
import StrataStorage

/// A fragment written to storage but not yet part of any version: it gets its id when the
/// commit that includes it is applied.
package struct NewFragment: Sendable {
    package var files: [DataFile]
    package var rows: Int

    /// The fragment with id `id`.
    package func fragment(id: UInt32) -> Fragment {
        Fragment(id: id, files: files, physicalRows: rows, deletion: nil)
    }
}

extension Manifest {
    /// Adds `fragments` with the next free ids, in order, and records them in the transaction.
    package mutating func addFragments(_ fragments: [NewFragment]) {
        for fragment in fragments {
            self.fragments.append(fragment.fragment(id: nextFragmentId))
            transaction.addedFragments.append(nextFragmentId)
            nextFragmentId += 1
        }
    }
}

/// Writes rows into data files under `data/`, starting a new fragment every
/// `maxRowsPerFragment` rows.
package struct FragmentWriter: Sendable {
    package let location: TableLocation
    package let options: TableOptions

    /// Writes `batches` (all of `schema`) as one or more fragments.
    /// - Throws: storage errors; files already finished by a failed call are left
    ///   unreferenced, for cleanup to remove.
    package func write(_ batches: [RecordBatch], schema: Schema) async throws(StrataError) -> [NewFragment] {
        var fragments: [NewFragment] = []
        var writer: FileWriter?
        var rowsInFile = 0
        func finish() async throws(StrataError) {
            guard let open = writer else { return }
            writer = nil
            let summary = try await open.finish()
            fragments.append(NewFragment(
                files: [DataFile(path: location.relative(summary.path), fieldIds: schema.fields.map(\.id), sizeBytes: summary.bytes)],
                rows: summary.rowCount))
            rowsInFile = 0
        }
        do {
            for batch in batches {
                var start = 0
                while start < batch.rowCount {
                    if writer == nil {
                        writer = try await FileWriter(store: location.store, path: location.object(TablePaths.newDataFile()),
                                                      schema: schema, options: options.fileOptions)
                    }
                    let take = min(batch.rowCount - start, options.maxRowsPerFragment - rowsInFile)
                    let slice = take == batch.rowCount ? batch
                        : RecordBatch(checked: batch.schema, columns: batch.columns.map { $0.slice(start..<(start + take)) })
                    try await writer!.write(slice)
                    rowsInFile += take
                    start += take
                    if rowsInFile == options.maxRowsPerFragment { try await finish() }
                }
            }
            try await finish()
        } catch {
            await writer?.abort()
            throw error
        }
        return fragments
    }
}
