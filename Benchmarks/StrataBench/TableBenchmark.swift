import Foundation
import Strata

/// The Strata side of the table benchmark (`Benchmarks/run_table.sh`), measuring what
/// `Benchmarks/peers/table_peers.py` measures for LanceDB, on the same rows.
struct TableBenchmark {
    let quick: Bool
    let work: String
    let repeats: Int
    /// Which parts to run: append1, append10k, bulk, open, scan (as the peer's `--benches`).
    let benches: Set<String>

    var append1Rows: Int { quick ? 200 : 1_000 }
    var append10kRows: Int { quick ? 2_000 : 10_000 }
    var bulkRows: Int { quick ? 50_000 : 200_000 }
    var versions: Int { quick ? 200 : 1_000 }
    var scanRows: Int { quick ? 200_000 : 1_000_000 }

    func run() async throws {
        for repeat_ in 0..<repeats {
            for durability in Durability.allCases where benches.contains("append1") {
                let seconds = try await singleRowInserts(append1Rows, durability: durability, directory: fresh("append1-\(durability)"))
                emit("append1_rows_per_s_\(durability.rawValue)", Double(append1Rows) / seconds, "rows/s", append1Rows, repeat_)
            }
            if benches.contains("append10k") {
                let directory = fresh("append10k")
                let seconds = try await singleRowInserts(append10kRows, durability: .sync, directory: directory)
                let (files, bytes) = filesUnder(directory)
                let fragments = try await Table.open(directory: directory).latestManifest().fragments.count
                emit("append10k_seconds", seconds, "s", append10kRows, repeat_)
                emit("files_after_10k_appends", Double(files), "files", append10kRows, repeat_)
                emit("fragments_after_10k_appends", Double(fragments), "fragments", append10kRows, repeat_)
                emit("bytes_after_10k_appends", Double(bytes), "bytes", append10kRows, repeat_)
            }
            if benches.contains("bulk") { try await bulk(repeat_) }
            if benches.contains("open") { try await openLatest(repeat_) }
            if benches.contains("scan") { try await scanWithDeletes(repeat_) }
        }
    }

    /// A fresh table holding row 0, then `count` single-row inserts through the log (closed
    /// at the end, which folds the log into a fragment). Returns the seconds taken.
    private func singleRowInserts(_ count: Int, durability: Durability, directory: String) async throws -> Double {
        var options = TableOptions()
        options.durability = durability
        let table = try await Table.create(directory: directory, schema: TableRows.schema, options: options)
        try await table.append(TableRows.batch(0, 1).0)
        let rows = (1...count).map { TableRows.batch($0, 1).0 }
        let start = ContinuousClock.now
        for row in rows { try await table.insert(row) }
        try await table.close()
        return seconds(ContinuousClock.now - start)
    }

    private func bulk(_ repeat_: Int) async throws {
        let table = try await Table.create(directory: fresh("bulk"), schema: TableRows.schema)
        try await table.append(TableRows.batch(0, 1).0)
        let (batch, bytes) = TableRows.batch(1, bulkRows)
        let start = ContinuousClock.now
        try await table.append(batch)
        emit("bulk_append_mbps", Double(bytes) / 1e6 / seconds(ContinuousClock.now - start), "MB/s", bulkRows, repeat_)
    }

    private func openLatest(_ repeat_: Int) async throws {
        let directory = fresh("open")
        let table = try await Table.create(directory: directory, schema: TableRows.schema)
        for id in 0..<(versions - 1) { try await table.append(TableRows.batch(id, 1).0) }
        var times: [Double] = []
        for _ in 0..<20 {
            let start = ContinuousClock.now
            let opened = try await Table.open(directory: directory)
            let manifest = try await opened.latestManifest()
            times.append(seconds(ContinuousClock.now - start))
            precondition(manifest.version == UInt64(versions))
        }
        emit("open_latest_ms_1000_versions", median(times) * 1000, "ms", versions, repeat_)
    }

    private func scanWithDeletes(_ repeat_: Int) async throws {
        let table = try await Table.create(directory: fresh("scan"), schema: TableRows.schema)
        var batches: [RecordBatch] = []
        for start in stride(from: 0, to: scanRows, by: 100_000) { batches.append(TableRows.batch(start, min(100_000, scanRows - start)).0) }
        try await table.append(batches)
        batches = []  // not held during the scans
        // Delete id % 10 == 0 (the peer's predicate), by address: rows are in id order.
        var doomed: [RowAddress] = []
        var offset = 0
        for fragment in try await table.latestManifest().fragments {
            for row in 0..<fragment.physicalRows where (offset + row) % 10 == 0 {
                doomed.append(RowAddress(fragment: fragment.id, offset: UInt32(row)))
            }
            offset += fragment.physicalRows
        }
        try await table.delete(doomed)
        var times: [Double] = []
        var rows = 0
        var bytes = 0
        for _ in 0..<5 {
            let snapshot = try await table.snapshot()
            let start = ContinuousClock.now
            let scanner = try snapshot.scanner()
            rows = 0
            bytes = 0
            while let next = try await scanner.next() {
                rows += next.batch.rowCount
                bytes += next.batch.rowCount * 28 + next.batch.columns[3].values.count
            }
            times.append(seconds(ContinuousClock.now - start))
        }
        precondition(rows == scanRows - scanRows / 10)
        emit("scan_10pct_deleted_mrows_per_s", Double(rows) / 1e6 / median(times), "Mrows/s", rows, repeat_)
        emit("scan_10pct_deleted_mbps", Double(bytes) / 1e6 / median(times), "MB/s", rows, repeat_)
    }

    private func fresh(_ name: String) -> String {
        let path = work + "/" + name + "-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func filesUnder(_ directory: String) -> (files: Int, bytes: Int) {
        var files = 0
        var bytes = 0
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + path)
            if attributes?[.type] as? FileAttributeType == .typeRegular {
                files += 1
                bytes += (attributes?[.size] as? Int) ?? 0
            }
        }
        return (files, bytes)
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    private func emit(_ metric: String, _ value: Double, _ unit: String, _ rows: Int, _ repeat_: Int) {
        let rounded = (value * 1000).rounded() / 1000
        let line = "{\"bench\":\"table\",\"system\":\"strata\",\"metric\":\"\(metric)\",\"value\":\(rounded),\"unit\":\"\(unit)\",\"rows\":\(rows),\"repeat\":\(repeat_),\"versions\":{\"strata\":\"\(FileLayout.versionString)\"}}\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }
}
