import Foundation
import Strata

/// `strata-bench format [--datasets mixed,vectors,passages] [--quick] [--work DIR]`: the
/// Strata side of the format benchmark, as JSON lines on stdout (progress on stderr).
/// `Benchmarks/run_format.sh` runs it beside the Lance and Parquet peers and renders the table.
@main
enum StrataBench {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.first == "format" else {
            FileHandle.standardError.write(Data("usage: strata-bench format [--datasets mixed,vectors,passages] [--quick] [--work DIR]\n".utf8))
            exit(1)
        }
        arguments.removeFirst()
        var datasets = ["mixed", "vectors", "passages"]
        var quick = false
        var work = NSTemporaryDirectory() + "strata-bench-\(getpid())"
        while !arguments.isEmpty {
            let flag = arguments.removeFirst()
            switch flag {
            case "--quick": quick = true
            case "--datasets": datasets = arguments.removeFirst().split(separator: ",").map(String.init)
            case "--work": work = arguments.removeFirst()
            default:
                FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
                exit(1)
            }
        }
        let data = ProcessInfo.processInfo.environment["STRATA_DATA"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/data").standardized.path
        let benchmark = FormatBenchmark(quick: quick, workDirectory: work)
        for name in datasets {
            FileHandle.standardError.write(Data("strata-bench: \(name)\n".utf8))
            let dataset: BenchDatasets.Dataset?
            switch name {
            case "mixed": dataset = try BenchDatasets.mixed()
            case "vectors": dataset = try BenchDatasets.vectors()
            case "passages": dataset = try BenchDatasets.passages(dataDirectory: data)
            default: dataset = nil
            }
            guard let dataset else {
                print("{\"bench\":\"format\",\"dataset\":\"\(name)\",\"skipped\":true,\"reason\":\"no data for \(name) (looked in \(data))\"}")
                continue
            }
            try await benchmark.run(dataset)
        }
        try? FileManager.default.removeItem(atPath: work)
    }
}
