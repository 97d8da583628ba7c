import Foundation
import Strata

/// `strata-bench format [--datasets mixed,vectors,passages] [--quick] [--work DIR]` and
/// `strata-bench table [--quick] [--repeat R] [--work DIR] [--benches …]`: the Strata side of the format and
/// table benchmarks, as JSON lines on stdout (progress on stderr). `Benchmarks/run_format.sh`
/// and `Benchmarks/run_table.sh` run them beside their peers and render the tables.
@main
enum StrataBench {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let bench = arguments.first, bench == "format" || bench == "table" else {
            FileHandle.standardError.write(Data("""
                usage: strata-bench format [--datasets mixed,vectors,passages] [--quick] [--work DIR]
                       strata-bench table [--quick] [--repeat R] [--work DIR] [--benches append1,append10k,bulk,open,scan]

                """.utf8))
            exit(1)
        }
        arguments.removeFirst()
        var datasets = ["mixed", "vectors", "passages"]
        var repeats = 3
        var benches: Set<String> = ["append1", "append10k", "bulk", "open", "scan"]
        var quick = false
        var work = NSTemporaryDirectory() + "strata-bench-\(getpid())"
        while !arguments.isEmpty {
            let flag = arguments.removeFirst()
            switch flag {
            case "--quick": quick = true
            case "--datasets": datasets = arguments.removeFirst().split(separator: ",").map(String.init)
            case "--work": work = arguments.removeFirst()
            case "--repeat": repeats = Int(arguments.removeFirst()) ?? 3
            case "--benches": benches = Set(arguments.removeFirst().split(separator: ",").map(String.init))
            default:
                FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
                exit(1)
            }
        }
        if bench == "table" {
            try await TableBenchmark(quick: quick, work: work, repeats: repeats, benches: benches).run()
            try? FileManager.default.removeItem(atPath: work)
            return
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
