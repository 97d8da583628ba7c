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
        let report = try await table.verify()
        try out.line("Verify: version \(report.version), \(report.filesChecked) files, \(report.pagesChecked) pages, \(report.problems.isEmpty ? "all sound" : "\(report.problems.count) problems").")
    }
}
