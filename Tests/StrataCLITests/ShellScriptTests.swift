import Foundation
import Testing
import TestSupport

/// `strata shell` run on scripts (no terminal): exit statuses, `.quit`, and scripts written
/// on other systems (CRLF line ends, a byte order mark).
@Suite struct ShellScriptTests {
    typealias CLI = CLITests

    @Test func quitEndsAScriptWithTheStatusSoFar() throws {
        let directory = TemporaryDirectory()
        let db = directory.path + "/db"
        #expect(try CLI.run(["shell", db, "-c", ".quit"]).status == 0)
        #expect(try CLI.run(["shell", db, "-c", ".exit"]).status == 0)
        let quit = try CLI.run(["shell", db], stdin: "SELECT 1 AS a;\n.quit\nSELECT 2 AS b;\n")
        #expect(quit.status == 0)
        #expect(quit.stdout.contains("│ 1 │") && !quit.stdout.contains("│ 2 │"), "nothing after .quit runs")
        let failed = try CLI.run(["shell", db], stdin: "SELECT nosuch;\n.quit\n")
        #expect(failed.status == 1, "an error before .quit still fails the script")
    }

    @Test func crlfLineEndsAndAByteOrderMark() throws {
        let directory = TemporaryDirectory()
        let db = directory.path + "/db"
        let crlf = try CLI.run(["shell", db], stdin: "SELECT 1 AS a;\r\n.mode csv\r\nSELECT 2 AS b;\r\n")
        #expect(crlf.status == 0, "\(crlf.stderr)")
        #expect(crlf.stdout.hasSuffix("b\n2\n"))
        let bom = try CLI.run(["shell", db], stdin: "\u{FEFF}.mode csv\nSELECT 3 AS c;\n")
        #expect(bom.status == 0, "\(bom.stderr)")
        #expect(bom.stdout == "c\n3\n")
    }

    /// Two first runs at once: each makes the demo aside, one moves it into place, the other
    /// finds it there and uses it; both succeed and nothing is left beside it.
    @Test func twoFirstRunsOfTheDemoAtOnce() throws {
        let directory = TemporaryDirectory()
        let demo = directory.path + "/demo"
        let runs = (0..<2).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.executable)
            process.arguments = ["shell", "-c", "SELECT count(*) AS n FROM docs;"]
            process.environment = ProcessInfo.processInfo.environment.merging(["STRATA_DEMO_DIR": demo]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for run in runs { try run.run() }
        for run in runs { run.waitUntilExit() }
        #expect(runs.map(\.terminationStatus) == [0, 0])
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(left == ["demo"], "\(left)")
    }
}
