import StrataCore
import StrataTable

extension ContextDatabase {
    /// Run by the worker when no job is due: folds the logged rows of every table written
    /// since into fragments (so other processes see them) and re-indexes (`OPTIMIZE`) each
    /// whose rows outside an index reach `reindexThreshold` or a tenth of the table. Fewer
    /// such rows are searched exactly, which costs little.
    func reindexWrittenTables() async throws(StrataError) {
        let written = state.withLock { state in
            defer { state.written = [] }
            return state.written
        }
        for name in written.sorted() {
            let table = try await database.table(named: name)
            try await table.flushSmallWrites()
            let manifest = try await table.latestManifest()
            let outside = Self.rowsOutsideIndexes(manifest)
            if outside > 0 && outside >= min(configuration.reindexThreshold, max(1, manifest.rowCount / 10)) {
                try await table.optimizeIndexes()
            }
        }
    }

    /// The most rows any one index of the table does not cover.
    static func rowsOutsideIndexes(_ manifest: Manifest) -> Int {
        manifest.indexes.map { index in
            let covered = Set(index.fragmentIds)
            return manifest.fragments.filter { !covered.contains($0.id) }.reduce(0) { $0 + $1.liveRows }
        }.max() ?? 0
    }
}
