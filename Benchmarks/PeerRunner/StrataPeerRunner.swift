import Foundation
import Strata

/// The Strata runner of the peer harness (`../shared/peers`, protocol `strata-peers/1`) and
/// of the text, filter and query benchmarks (`Benchmarks/peers/text`, `Benchmarks/peers/scalar`,
/// `Benchmarks/peers/query`, protocols `strata-text/1`, `strata-scalar/1`, `strata-query/1`): reads one task
/// as JSON on stdin, builds each configuration, answers the queries one at a time on one
/// thread, and prints `build` and `queries` JSON lines on stdout (logs on stderr).
@main
struct StrataPeerRunner {
    static func main() async throws {
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard let task = try JSONSerialization.jsonObject(with: input) as? [String: Any] else {
            throw RunnerError("the task is not a JSON object")
        }
        switch task["protocol"] as? String {
        case "strata-text/1":
            try await TextWorkload(task: task).run()
            return
        case "strata-scalar/1":
            try await ScalarWorkload(task: task).run()
            return
        case "strata-query/1":
            try await QueryWorkload(task: task).run()
            return
        default:
            break
        }
        guard task["kind"] as? String == "vector" else {
            emit(["type": "error", "message": "unsupported kind \(task["kind"] ?? "?")"])
            exit(2)
        }
        try await VectorWorkload(task: task).run()
    }
}

struct RunnerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Prints one JSON line on stdout.
func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func log(_ message: String) {
    FileHandle.standardError.write(Data("[strata] \(message)\n".utf8))
}

/// Nanoseconds on a monotonic clock.
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// A row-major float32 matrix with its `.json` sidecar (`count`, `dim`).
struct Matrix: Sendable {
    let count: Int
    let dimension: Int
    let values: [Float]

    init(path: String) throws {
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: String(path.dropLast(4)) + ".json"))) as? [String: Any]
        guard let count = sidecar?["count"] as? Int, let dimension = sidecar?["dim"] as? Int else { throw RunnerError("bad sidecar for \(path)") }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard data.count == count * dimension * 4 else { throw RunnerError("\(path): \(data.count) bytes for \(count)×\(dimension)") }
        self.count = count
        self.dimension = dimension
        values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    func row(_ i: Int) -> [Float] { Array(values[(i * dimension)..<((i + 1) * dimension)]) }
}
