import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// The shell as a person meets it: the real `strata` binary in a pseudo-terminal (driven by
/// `pty_session.py`), and in pipes and scripts as a program meets it.
@Suite struct ShellTerminalTests {
    static let driver = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("pty_session.py").path

    /// One step of a session: keys to type, then what to wait for.
    struct Step: Sendable {
        var send: String?
        var expect: String?
        var seen: String?
        var raw = true
    }

    struct Session {
        var transcript: String
        var status: Int?
    }

    /// Runs `arguments` in a pseudo-terminal through `steps`: text to type (escapes as in
    /// JSON), then what to wait for — output ending with `expect`, else a short silence.
    /// The waiting happens on a thread of its own, never on one the concurrent tests share.
    static func terminal(_ arguments: [String], environment: [String: String], steps: [(send: String?, expect: String?)]) async throws -> Session {
        try await terminal(arguments, environment: environment, steps: steps.map { Step(send: $0.send, expect: $0.expect) })
    }

    /// As above, with steps that may wait for text anywhere in the output (`seen`) and type
    /// without waiting for raw mode (`raw` false: keys for a running statement).
    static func terminal(_ arguments: [String], environment: [String: String], steps: [Step]) async throws -> Session {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                // Signals (a child's SIGCHLD) go to threads that do not block them, and an
                // interrupted read inside FileHandle traps: this thread blocks them, as the
                // runtime's own threads do.
                var all = sigset_t()
                sigfillset(&all)
                pthread_sigmask(SIG_BLOCK, &all, nil)
                continuation.resume(with: Result { try terminalBlocking(arguments, environment: environment, steps: steps) })
            }
        }
    }

    private static func terminalBlocking(_ arguments: [String], environment: [String: String], steps: [Step]) throws -> Session {
        let spec: [String: Any] = [
            "argv": [CLITests.executable] + arguments,
            "env": environment,
            "timeout": 30,
            "steps": steps.map { step -> [String: Any] in
                var entry: [String: Any] = ["raw": step.raw]
                if let send = step.send { entry["send"] = send }
                if let expect = step.expect { entry["expect"] = expect }
                if let seen = step.seen { entry["seen"] = seen }
                return entry
            },
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", driver]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: spec))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return Session(transcript: result["transcript"] as? String ?? "", status: result["status"] as? Int)
    }

    static func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("strata-shell-\(UUID().uuidString)").path
    }

    @Test func promptContinuationInterruptCompletionAndExit() async throws {
        let home = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let db = home + "/db"
        _ = try CLITests.run(["sql", db, "-c", "CREATE TABLE docs (id INT, title TEXT); INSERT INTO docs VALUES (1, 'alpha'), (2, 'beta')"])
        let session = try await Self.terminal(["shell", db], environment: ["STRATA_HISTORY": home + "/history"], steps: [
            (nil, "strata> "),
            ("SELECT id\r", "   ...> "),          // a statement spans lines until its ;
            ("half typed", nil),
            ("\u{03}", "strata> "),               // Ctrl-C drops the line and the statement
            ("SELECT tit\t", nil),                // Tab completes the column name
            (" FROM docs WHERE id = 2;\r", "strata> "),
            ("SELEC 1;\r", "strata> "),           // an error, with a caret, and the shell goes on
            ("SELECT 'still here' AS alive;\r", "strata> "),
            (".tab\t", nil),                      // Tab completes the dot-command
            ("\r", "strata> "),
            ("SELECT 'never' AS run\r", "   ...> "),
            ("\u{04}", nil),                      // Ctrl-D leaves, saying the statement did not run
        ])
        let text = session.transcript
        #expect(session.status == 0, "\(text)")
        #expect(text.contains("   ...> half typed^C\nstrata> "), "\(text)")
        #expect(text.contains("│ title │") && text.contains("│ beta  │"), "completion made 'title': \(text)")
        #expect(!text.contains("│ id │"), "the dropped statement never ran: \(text)")
        #expect(text.contains("Error: expected a statement (SELECT, INSERT, CREATE, …), found SELEC\n  SELEC 1\n  ^\n"), "\(text)")
        #expect(text.contains("│ still here │"), "\(text)")
        #expect(text.contains("ctx_meta.meta_columns  ctx_meta.meta_tables   docs"), ".tab completed to .tables: \(text)")
        #expect(text.contains("the unfinished statement (no ';') was not run") && !text.contains("│ never │"), "\(text)")
    }

    @Test func ctrlCCancelsALongImport() async throws {
        let home = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let file = home + "/big.jsonl"
        let line = "{\"id\": 1, \"text\": \"" + String(repeating: "several words of text ", count: 8) + "\", \"score\": 0.5}\n"
        try Data(String(repeating: line, count: 300_000).utf8).write(to: URL(fileURLWithPath: file))
        let session = try await Self.terminal(["shell", home + "/db"], environment: ["STRATA_HISTORY": home + "/history"], steps: [
            Step(expect: "strata> "),
            Step(send: ".import \(file) big\r", seen: "Importing"),   // the progress bar is drawn
            Step(send: "\u{03}", expect: "strata> ", raw: false),       // Ctrl-C while it runs
            Step(send: ".tables\r", expect: "strata> "),
            Step(send: "\u{04}"),
        ])
        let text = session.transcript
        #expect(session.status == 0, "\(text)")
        // The ^C echoed on the progress bar's line is cleared with it, then the shell says so.
        #expect(text.contains("^C") && text.contains("\r\u{1B}[KCancelled.\n"), "\(text)")
        let tables = text.components(separatedBy: "strata> .tables\n").last ?? ""
        #expect(!text.contains("Imported") && !tables.contains("big"), "nothing was imported, no table left: \(text)")
    }

    @Test func ctrlCCancelsALongStatement() async throws {
        let home = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        // Enough vectors that building an HNSW graph over them takes seconds.
        let file = home + "/vectors.jsonl"
        var text = ""
        for i in 0..<20_000 {
            let vector = (0..<32).map { String(Float((i * 31 + $0 * 17) % 97) / 97) }.joined(separator: ", ")
            text += "{\"id\": \(i), \"v\": [\(vector)]}\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let made = try CLITests.run(["sql", home + "/db", "-c", "CREATE TABLE t (id INT, v VECTOR(32)); INSERT INTO t SELECT * FROM read_jsonl('\(file)')"])
        #expect(made.status == 0, "\(made.stderr)")
        let session = try await Self.terminal(["shell", home + "/db"], environment: ["STRATA_HISTORY": home + "/history"], steps: [
            Step(expect: "strata> "),
            Step(send: "CREATE INDEX ON t (v) USING HNSW;\r", seen: "Building the HNSW graph"),  // its progress bar
            Step(send: "\u{03}", expect: "strata> ", raw: false),                                 // Ctrl-C while it runs
            Step(send: ".indexes t\r", expect: "strata> "),
            Step(send: "\u{04}"),
        ])
        let text2 = session.transcript
        #expect(session.status == 0, "\(text2)")
        #expect(text2.contains("Cancelled.\n"), "\(text2)")
        #expect(text2.contains("(0 rows)"), "no index was made: \(text2)")
    }

    @Test func historyPersistsAcrossSessions() async throws {
        let home = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = ["STRATA_HISTORY": home + "/history"]
        let first = try await Self.terminal(["shell", home + "/db"], environment: environment, steps: [
            (nil, "strata> "), ("SELECT 42 AS answer;\r", "strata> "), ("\u{04}", nil),
        ])
        #expect(first.status == 0, "\(first.transcript)")
        let second = try await Self.terminal(["shell", home + "/db"], environment: environment, steps: [
            (nil, "strata> "), ("\u{1B}[A", nil), ("\r", "strata> "), ("\u{04}", nil),  // Up, Enter
        ])
        #expect(second.transcript.contains("│     42 │"), "the recalled statement ran: \(second.transcript)")
    }

    @Test func demoDatabaseOnFirstUse() async throws {
        let home = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let session = try await Self.terminal([], environment: ["XDG_DATA_HOME": home, "STRATA_HISTORY": home + "/history"], steps: [
            (nil, "strata> "),
            (".tables docs\r", "strata> "),
            ("SELECT title FROM docs WHERE MATCH(body, 'refund') LIMIT 1;\r", "strata> "),
            ("SELECT title FROM docs ORDER BY rrf(embedding <=> embed('money back after cancelling'), MATCH(body, 'refund')) LIMIT 1;\r", "strata> "),
            ("SELECT session_id FROM ctx_search('agent-1', 'what did we decide about pricing?', k => 1);\r", "strata> "),
            (".quit\r", nil),
        ])
        let text = session.transcript
        #expect(session.status == 0, "\(text)")
        #expect(text.contains("Opened the demo database at \(home)/strata/demo (made just now)"), "\(text)")
        #expect(text.contains("\ndocs\n"), "\(text)")
        #expect(text.components(separatedBy: "│ Refund policy │").count == 3, "full-text and hybrid searches find it: \(text)")
        #expect(text.contains("│ session-pricing │"), "the context search finds the pricing session: \(text)")
    }

    @Test func scriptsAndPipes() throws {
        let home = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let db = home + "/db"
        // Piped input: no prompt, no colour; statements in order.
        let piped = try CLITests.run(["shell", db], stdin: "CREATE TABLE t (x INT);\nINSERT INTO t VALUES (1), (2);\n.mode csv\nSELECT x FROM t ORDER BY x;\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == "CREATE TABLE\nINSERT 2\nx\n1\n2\n", "\(piped.stdout)")
        // The first error stops the script with status 1 …
        let stopped = try CLITests.run(["shell", db, "-c", "SELECT 1 AS a;\nSELEC 2;\nSELECT 3 AS c;"])
        #expect(stopped.status == 1)
        #expect(stopped.stdout.contains("│ a │") && !stopped.stdout.contains("│ c │"), "\(stopped.stdout)")
        #expect(stopped.stderr == "Error: expected a statement (SELECT, INSERT, CREATE, …), found SELEC (line 2)\n  SELEC 2\n  ^\n", "\(stopped.stderr)")
        // … unless --bail off: the rest runs, and the status still says something failed.
        let going = try CLITests.run(["shell", db, "--bail", "off", "-c", "SELEC 2;\nSELECT 3 AS c;"])
        #expect(going.status == 1)
        #expect(going.stdout.contains("│ c │"), "\(going.stdout)")
        let stdin = try CLITests.run(["shell", db], stdin: "SELECT nope FROM t;\nSELECT 1;\n")
        #expect(stdin.status == 1)
        #expect(stdin.stdout.isEmpty && stdin.stderr.hasPrefix("Error: unknown column 'nope'"), "\(stdin.stderr)")
    }
}
