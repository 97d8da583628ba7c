import Foundation
import Strata
import StrataShell
import Testing

/// Cancelling what the shell runs (Ctrl-C cancels the task running the line): the work
/// stops, says so, and leaves nothing half-written.
@Suite struct ShellCancellationTests {
    /// A shell on a fresh database with table `t` of 3 rows, printing into `lines`.
    static func shell() async throws -> (Shell, ShellOutput, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-cancel-\(UUID().uuidString)").path
        let output = ShellOutput.memory()
        let shell = Shell(database: try await Database.open(directory: directory), path: directory, output: output)
        shell.errorSink = { try? output.line($0) }
        await shell.handle(line: "CREATE TABLE t (x INT); INSERT INTO t VALUES (1), (2), (3);")
        return (shell, output, directory)
    }

    /// Runs `line` in a task cancelled before it starts, as Ctrl-C would have it.
    static func cancelled(_ line: String, on shell: Shell) async {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await shell.handle(line: line)
        }
        _ = await task.value
    }

    @Test func aCancelledStatementStopsAndWritesNothing() async throws {
        let (shell, output, directory) = try await Self.shell()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let before = output.captured.count
        await Self.cancelled("INSERT INTO t SELECT x FROM t;", on: shell)
        #expect(Array(output.captured[before...]) == ["Cancelled."])
        for write in ["DELETE FROM t WHERE x > 1;", "UPDATE t SET x = x * 10;", "UPDATE t SET x = 0 WHERE x = 2;"] {
            let start = output.captured.count
            await Self.cancelled(write, on: shell)
            #expect(Array(output.captured[start...]) == ["Cancelled."], "\(write)")
        }
        await Self.cancelled("SELECT x FROM t ORDER BY x;", on: shell)
        await shell.handle(line: ".mode csv")
        let after = output.captured.count
        await shell.handle(line: "SELECT x FROM t ORDER BY x;")
        #expect(Array(output.captured[after...]) == ["x", "1", "2", "3"], "the INSERT, DELETE and UPDATEs wrote nothing; the shell goes on")
        await shell.close()
    }

    @Test func aCancelledImportLeavesNoTable() async throws {
        let (shell, output, directory) = try await Self.shell()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/rows.jsonl"
        try Data((0..<1_000).map { "{\"x\": \($0)}\n" }.joined().utf8).write(to: URL(fileURLWithPath: file))
        let before = output.captured.count
        await Self.cancelled(".import \(file) imported", on: shell)
        #expect(Array(output.captured[before...]) == ["Cancelled."])
        #expect(!shell.database.tableExists("imported"), "the table the import made is gone again")
        await shell.close()
    }
}
