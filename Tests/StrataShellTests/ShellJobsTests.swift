import Foundation
import Strata
import StrataShell
import Testing
import TestSupport

/// `.jobs` lists the context layer's jobs; `.jobs wait` waits until none is left to run.
@Suite struct ShellJobsTests {
    @Test func jobsListsTheQueueAndWaitEmptiesIt() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let output = ShellOutput.memory()
        let shell = Shell(database: try await Database.open(directory: directory.path), path: directory.path, output: output)
        shell.errorSink = { try? output.line("error: " + $0) }
        await shell.handle(line: "SELECT job_id FROM ctx_add('agent-1', 'First note.', session => 's1');")
        await shell.handle(line: "SELECT job_id FROM ctx_add('agent-1', 'Second note.', session => 's1');")
        await shell.handle(line: ".jobs wait")
        await shell.handle(line: ".mode csv")
        let before = output.captured.count
        await shell.handle(line: ".jobs")
        let lines = Array(output.captured[before...])
        #expect(lines.first == "job_id,job_type,status,attempts,scheduled_at,last_error", "\(lines)")
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count >= 2 && rows.allSatisfy { $0.count == 6 && $0[2] == "done" }, "every job ran: \(lines)")
        #expect(Set(rows.map { $0[1] }).contains("ingest"), "\(lines)")
        #expect(!output.captured.contains { $0.hasPrefix("error: ") }, "\(output.captured)")
        await shell.close()
    }
}
