import Foundation
import Strata

/// The table half of `strata demo`: the same conversation turns in a versioned table, written
/// the way an agent writes (a bulk import, then one turn at a time through the log), then
/// deleted from, upserted, read back in time, compacted and verified.
enum DemoTableTour {
    static func run(directory: String, schema: Schema, rows: Int) async throws {
        let out = StandardOutput.shared
        let clock = ContinuousClock()
        let path = directory + "/turns-table"
        try? FileManager.default.removeItem(atPath: path)  // the demo's own table, remade each run
        let table = try await Table.create(directory: path, schema: schema)
        let imported = min(rows, 10_000)
        try await table.append(try DemoData.batch(schema: schema, rows: 0..<imported))
        try out.line("\nTable \(path): imported \(imported) turns in one commit (version 2).")

        let singles = 200
        let insertStart = clock.now
        for i in imported..<(imported + singles) { try await table.insert(try DemoData.batch(schema: schema, rows: i..<(i + 1))) }
        let insertTime = clock.now - insertStart
        let perSecond = Int(Double(singles) / max(1e-9, Double(insertTime.components.attoseconds) / 1e18 + Double(insertTime.components.seconds)))
        try out.line("Agent writes: \(singles) single-turn inserts through the write-ahead log, each fsynced (\(insertTime.formatted), \(perSecond)/s); visible at once: \(try await table.snapshot().rowCount) rows, still \(try await table.latestManifest().fragments.count) fragment.")
        try await table.flushSmallWrites()

        let deleted = try await table.delete(where: try Predicate(parsing: "session_id = 'session-3'", schema: schema))
        try out.line("Delete where session_id = 'session-3': \(deleted.rowsDeleted) rows, marked in a roaring deletion vector (version \(deleted.version)).")
        let upsert = try await table.mergeInsert(key: "turn_id", try DemoData.batch(schema: schema, rows: 5..<7))
        try out.line("Upsert by turn_id of turns 5 and 6: \(upsert.rowsDeleted) replaced in one commit (version \(upsert.version)).")

        try await table.createTag("after-import", version: 2)
        let then = try await table.snapshot(tag: "after-import").rowCount
        try out.line("Time travel: tag 'after-import' (version 2) still reads \(then) rows; the latest reads \(try await table.snapshot().rowCount).")

        let before = try await table.latestManifest().fragments.count
        let compaction = try await table.compact()
        try out.line("Compaction: \(before) fragments into \(try await table.latestManifest().fragments.count), \(compaction.deletedRowsDropped) deleted rows dropped, \(compaction.addressMap.count) row addresses remapped (version \(compaction.version)).")
        try await vectorSearch(table, schema: schema, next: imported + singles)
        try await textSearchAndFilters(table, schema: schema, next: imported + singles + 1)
        let report = try await table.verify()
        try out.line("Verify: version \(report.version), \(report.filesChecked) files, \(report.pagesChecked) pages, \(report.problems.isEmpty ? "all sound" : "\(report.problems.count) problems").")
    }

    /// An HNSW index on the embeddings, a filtered nearest-neighbour search, and a turn that
    /// is findable the moment it is inserted, before the index is brought up to date.
    static func vectorSearch(_ table: Table, schema: Schema, next: Int) async throws {
        let out = StandardOutput.shared
        let indexed = try await table.createIndex(column: "embedding", kind: .hnsw, metric: .cosine)
        try out.line("Vector index: HNSW (cosine) on embedding over \(try await table.snapshot().rowCount) turns (version \(indexed.version)).")
        let probe = try DemoData.batch(schema: schema, rows: 42..<43)
        guard case let .vector(query) = probe.column(named: "embedding")!.value(at: 0) else { return }
        let near = try await table.snapshot().search(VectorSearchRequest(
            column: "embedding", vector: query, k: 3, filter: try Predicate(parsing: "role = 'user'", schema: schema),
            columns: ["turn_id"]))
        let hits = (0..<near.rows.rowCount).map { "\(JSONRows.text(near.rows.columns[0].value(at: $0))) (\(String(format: "%.3f", near.distances[$0])))" }
        try out.line("Nearest user turns to turn 42: \(hits.joined(separator: ", ")) — the filter is applied inside the search.")
        let fresh = try DemoData.batch(schema: schema, rows: next..<(next + 1))
        try await table.insert(fresh)
        guard case let .vector(freshVector) = fresh.column(named: "embedding")!.value(at: 0) else { return }
        let found = try await table.snapshot().search(VectorSearchRequest(column: "embedding", vector: freshVector, k: 1, columns: ["turn_id"]))
        try out.line("A new turn, inserted after the index was built, is the nearest to itself at once: turn \(JSONRows.text(found.rows.columns[0].value(at: 0))) (not yet indexed; searched exactly and merged in).")
        let optimized = try await table.optimizeIndexes()
        try out.line("optimizeIndexes folds it in without a rebuild: the index now covers \(optimized.indexes[0].fragmentIds.count) of \(optimized.fragments.count) fragments (version \(optimized.version)).")
    }

    /// A BM25 index on the turns' text, a phrase search, a turn found by its words the moment
    /// it is inserted, and a filter answered by a B-tree index.
    static func textSearchAndFilters(_ table: Table, schema: Schema, next: Int) async throws {
        let out = StandardOutput.shared
        let indexed = try await table.createTextIndex(column: "content")
        try out.line("Full-text index: BM25 on content, English stemming and stop words (version \(indexed.version)).")
        let found = try await table.snapshot().search(TextSearchRequest(column: "content", query: "\"expired certificate\" outage", k: 3,
                                                                        filter: try Predicate(parsing: "role = 'assistant'", schema: schema),
                                                                        columns: ["turn_id"]))
        let hits = (0..<found.rows.rowCount).map { "\(JSONRows.text(found.rows.columns[0].value(at: $0))) (\(String(format: "%.2f", found.scores[$0])))" }
        try out.line("Search '\"expired certificate\" outage' among assistant turns: \(hits.joined(separator: ", ")).")
        var fresh = try DemoData.batch(schema: schema, rows: next..<(next + 1))
        fresh = try RecordBatch(schema: schema, columns: fresh.schema.fields.indices.map { c in
            fresh.schema.fields[c].name == "content" ? try ColumnBuilder.column(.string, [.string("The zeppelin telemetry backlog is cleared.")]) : fresh.columns[c]
        })
        try await table.insert(fresh)
        let zeppelin = try await table.snapshot().search(TextSearchRequest(column: "content", query: "zeppelin", k: 1, columns: ["turn_id"]))
        try out.line("A turn inserted after the text index was built is found by its words at once: turn \(JSONRows.text(zeppelin.rows.columns[0].value(at: 0))), score \(String(format: "%.2f", zeppelin.scores[0])) — the score it keeps once indexed.")
        try await table.createScalarIndex(column: "tokens", kind: .btree)
        let filter = try Predicate(parsing: "tokens >= 400", schema: schema)
        let heavy = try await table.snapshot().filter(filter, columns: ["turn_id"])
        try out.line("B-tree on tokens: 'tokens >= 400' names \(heavy.rowCount) turns without scanning the column.")
    }
}
