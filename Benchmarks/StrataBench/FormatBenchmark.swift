import Foundation
import Strata

/// The format benchmark's Strata side: write, file size, full and fixed-width scans, take of
/// 1 and 100 random rows — the metrics of `Benchmarks/peers/README.md`, as JSON lines.
struct FormatBenchmark {
    var quick: Bool
    var workDirectory: String

    func run(_ dataset: BenchDatasets.Dataset) async throws {
        let raw = dataset.rawBytes()
        emit(dataset.name, "raw_bytes", Double(raw), "bytes", 1, extra: ",\"rows\":\(dataset.rowCount)")
        let store = try LocalFileStore(directory: workDirectory)
        let clock = ContinuousClock()

        var writeTimes: [Double] = []
        var fileBytes: UInt64 = 0
        for rep in 0..<(quick ? 1 : 3) {
            let path = "\(dataset.name)-\(rep).strata"
            let started = clock.now
            let writer = try await FileWriter(store: store, path: path, schema: dataset.schema)
            for batch in dataset.batches { try await writer.write(batch) }
            fileBytes = try await writer.finish().bytes
            writeTimes.append(seconds(clock.now - started))
            if rep > 0 { try await store.delete(path) }
        }
        emit(dataset.name, "write_mbps", Double(raw) / 1e6 / median(writeTimes), "MB/s", writeTimes.count)
        emit(dataset.name, "file_bytes", Double(fileBytes), "bytes", 1)

        let reader = try await FileReader.open(store: store, path: "\(dataset.name)-0.strata")
        func scanTime(_ columns: [String]?) async throws -> [Double] {
            var times: [Double] = []
            for rep in 0..<(quick ? 2 : 6) {
                let started = clock.now
                let scanner = try reader.scanner(columns: columns, batchRows: BenchDatasets.batchRows)
                var kept: [RecordBatch] = []
                while let batch = try await scanner.next() { kept.append(batch) }
                if rep > 0 { times.append(seconds(clock.now - started)) }  // the first read warms the page cache
                precondition(kept.reduce(0) { $0 + $1.rowCount } == dataset.rowCount)
            }
            return times
        }
        let scans = try await scanTime(nil)
        emit(dataset.name, "scan_mbps", Double(raw) / 1e6 / median(scans), "MB/s", scans.count)
        if dataset.name == "mixed" {
            let fixed = ["id", "user_id", "score", "created_at", "small"]
            let fixedScans = try await scanTime(fixed)
            emit(dataset.name, "scan_fixed_mbps", Double(dataset.rawBytes(columns: fixed)) / 1e6 / median(fixedScans), "MB/s", fixedScans.count)
        }

        var rng = BenchRandom(seed: 42)
        for (size, calls, metric) in [(1, quick ? 50 : 1000, "take1"), (100, quick ? 10 : 200, "take100")] {
            for _ in 0..<(quick ? 5 : 50) { _ = try await reader.take(randomRows(size, dataset.rowCount, &rng)) }
            var latencies: [Double] = []
            for _ in 0..<calls {
                let rows = randomRows(size, dataset.rowCount, &rng)
                let started = clock.now
                let batch = try await reader.take(rows)
                latencies.append(seconds(clock.now - started) * 1e6)
                precondition(batch.rowCount == size)
            }
            latencies.sort()
            emit(dataset.name, "\(metric)_p50_us", percentile(latencies, 50), "us", calls)
            emit(dataset.name, "\(metric)_p99_us", percentile(latencies, 99), "us", calls)
        }
        try await store.delete("\(dataset.name)-0.strata")
    }

    private func randomRows(_ count: Int, _ total: Int, _ rng: inout BenchRandom) -> [Int] {
        (0..<count).map { _ in Int(rng.next() % UInt64(total)) }.sorted()
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Nearest-rank percentile of sorted values, as the peer script computes it.
    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)]
    }

    private func emit(_ dataset: String, _ metric: String, _ value: Double, _ unit: String, _ reps: Int, extra: String = "") {
        let rounded = (value * 1000).rounded() / 1000
        let line = "{\"bench\":\"format\",\"dataset\":\"\(dataset)\",\"system\":\"strata\",\"metric\":\"\(metric)\",\"value\":\(rounded),\"unit\":\"\(unit)\",\"reps\":\(reps),\"versions\":{\"strata\":\"\(FileLayout.versionString)\"}\(extra)}\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }
}

/// SplitMix64 for the benchmark's random row choices.
struct BenchRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 1
        return BenchDatasets.splitmix64(state)
    }
}
