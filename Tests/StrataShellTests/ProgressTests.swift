import Foundation
import Strata
import StrataShell
import Synchronization
import Testing
import TestSupport

/// Long work reports its progress (`WorkProgress`), and the shell's bar reads well.
@Suite struct ProgressTests {
    @Test func indexBuildsAndCompactionReportTheirSteps() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let database = try await Database.open(directory: directory.path)
        try await database.execute("CREATE TABLE v (id INT, body TEXT, emb VECTOR(8))")
        for part in 0..<3 {
            let rows: [[Value]] = (0..<200).map { i in
                let n = part * 200 + i
                return [.int(Int64(n)), .string("row \(n) of part \(part)"), .vector((0..<8).map { Float(($0 * 7 + n) % 13) })]
            }
            try await database.insert(rows: rows, columns: ["id", "body", "emb"], into: "v")
        }
        let reports = Mutex<[(task: String, done: Int64, total: Int64)]>([])
        let receiver = WorkProgress { task, done, total, _ in reports.withLock { $0.append((task, done, total)) } }
        try await WorkProgress.$current.withValue(receiver) {
            try await database.execute("CREATE INDEX ON v (emb) USING HNSW")
            try await database.execute("CREATE INDEX ON v (body) USING FTS")
            try await database.execute("COMPACT v")
        }
        let seen = reports.withLock { $0 }
        for task in ["Reading vectors", "Building the HNSW graph", "Indexing text", "Compacting"] {
            let last = seen.last { $0.task == task }
            #expect(last != nil && last!.done == last!.total && last!.total == 600, "\(task): \(String(describing: last))")
        }
    }

    @Test func theBarShowsShareRateAndTimeLeft() {
        let line = ProgressReporter.line("Importing f.jsonl", done: 250_000_000, total: 1_000_000_000, unit: "bytes", elapsed: .seconds(5), width: 80)
        // 80 columns less three (room for the echo of ^C), the label, the tail and the brackets
        // leave a bar of 31; a quarter of it, rounded down, is full.
        #expect(line == "Importing f.jsonl [" + String(repeating: "█", count: 7) + String(repeating: "░", count: 24) + "] 25%  50.0 MB/s  0:15 left", "\(line)")
        // A label too long for the terminal is cut, so the line never wraps.
        let long = ProgressReporter.line("Importing /a/very/long/path/" + String(repeating: "x", count: 80) + ".jsonl", done: 1, total: 4, unit: "bytes",
                                         elapsed: .seconds(1), width: 80)
        #expect(DisplayWidth.of(long) == 77 && long.hasPrefix("Importing /a/very/long/path/xx") && long.contains("…"), "\(long)")
        let counted = ProgressReporter.line("Compacting", done: 10, total: 10, unit: "rows", elapsed: .seconds(2), width: 60)
        #expect(counted.hasSuffix("] 100%  5 rows/s"), "\(counted)")
    }
}
