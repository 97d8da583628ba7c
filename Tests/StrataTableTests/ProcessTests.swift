import Foundation
import Strata
import Testing
import TestSupport

/// Crash and concurrency tests with real processes: a writer killed with SIGKILL at random
/// moments, and four writers appending to one table at once.
@Suite(.serialized) struct ProcessTests {
    /// `strata-crash-writer` in the build directory.
    static let writer: String = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("strata-crash-writer").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("strata-crash-writer").path
    }()

    static let rowsPerAppend = 3

    /// Starts a writer; its stdout is collected by the returned pipe.
    static func start(_ directory: String, first: Int, appends: Int, mode: String, durability: Durability) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: writer)
        process.arguments = [directory, String(first), String(appends), String(rowsPerAppend), mode, durability.rawValue]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, out)
    }

    static func acknowledged(_ output: Data) -> [Int] {
        String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { line in
            line.hasPrefix("ack ") ? Int(line.dropFirst(4)) : nil
        }
    }

    /// One kill round; returns a description of what went wrong, or nil.
    static func killRound(_ round: Int, directory: String, nextId: inout Int, rng: inout SeededRandom) async throws -> String? {
        let mode = round % 2 == 0 ? "log" : "direct"
        let durability: Durability = [.sync, .group, .none][round % 3]
        let first = nextId
        nextId += 1_000_000
        let (process, out) = try start(directory, first: first, appends: 200, mode: mode, durability: durability)
        usleep(UInt32.random(in: 2_000...80_000, using: &rng))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let acks = acknowledged(out.fileHandleForReading.readDataToEndOfFile())
        let table = try await Table.open(directory: directory)
        let ids = try await Fixtures.ids(table.snapshot())
        let present = Set(ids)
        guard present.count == ids.count else { return "round \(round): duplicate rows" }
        for ack in acks {
            for id in ack..<(ack + rowsPerAppend) where !present.contains(id) {
                return "round \(round) (\(mode), \(durability)): acknowledged row \(id) is missing"
            }
        }
        // Every append of this round is all or nothing.
        for start in stride(from: first, to: first + 200 * rowsPerAppend, by: rowsPerAppend) {
            let count = (start..<(start + rowsPerAppend)).filter(present.contains).count
            guard count == 0 || count == rowsPerAppend else { return "round \(round): append at \(start) is partial (\(count) rows)" }
        }
        return nil
    }

    @Test func writerKilledAtRandomMomentsLosesNothingAcknowledged() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let rounds = Int(ProcessInfo.processInfo.environment["STRATA_KILL_ROUNDS"] ?? "") ?? 50
        _ = try await Table.create(directory: directory.path, schema: try Schema([("id", .int64, false), ("writer", .string, true)]))
        var rng = SeededRandom(seed: 0x5eed)
        var nextId = 0
        for round in 0..<rounds {
            if let problem = try await Self.killRound(round, directory: directory.path, nextId: &nextId, rng: &rng) {
                Issue.record(Comment(rawValue: problem))
                return
            }
        }
        // The table's history is intact and every version reads.
        let table = try await Table.open(directory: directory.path)
        for manifest in try await table.versions().suffix(5) { _ = try await table.snapshot(version: manifest.version).readAll() }
    }

    @Test(arguments: ["direct", "log"])
    func fourProcessesAppendAtOnce(mode: String) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        _ = try await Table.create(directory: directory.path, schema: try Schema([("id", .int64, false), ("writer", .string, true)]))
        let appends = 25
        let writers = try (0..<4).map { try Self.start(directory.path, first: $0 * 100_000, appends: appends, mode: mode, durability: .sync) }
        var acks: [Int] = []
        for (process, out) in writers {
            acks += Self.acknowledged(out.fileHandleForReading.readDataToEndOfFile())
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "a writer failed: an error reached the caller")
        }
        #expect(acks.count == 4 * appends)
        let table = try await Table.open(directory: directory.path)
        let ids = try await Fixtures.ids(table.snapshot())
        var expected: [Int] = []
        for w in 0..<4 { for k in 0..<(appends * Self.rowsPerAppend) { expected.append(w * 100_000 + k) } }
        #expect(ids.sorted() == expected)
        let versions = try await table.versions().map(\.version)
        #expect(versions == Array(1...UInt64(versions.count)), "versions are not linear")
    }
}
