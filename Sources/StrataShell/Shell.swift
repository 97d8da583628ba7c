import Strata

/// One shell session on one database: it collects input into statements, runs them and
/// dot-commands, prints results in the chosen mode and errors a person can act on
/// (spec/shell.md). The terminal side — line editing, history, completion, Ctrl-C — is
/// the caller's; this type is the same for a terminal, a pipe, a script and a test.
///
/// Used by one task at a time — a shell is a conversation, one statement at a time; the
/// terminal loop runs each line in a child task it waits for (so Ctrl-C can cancel it),
/// which is why the type is `@unchecked Sendable`: nothing touches it concurrently.
public final class Shell: @unchecked Sendable {
    /// The database the statements run on.
    public private(set) var database: Database
    /// Its directory.
    public private(set) var path: String
    /// How rows print.
    public var render: RenderSettings
    /// Whether each statement's time prints after it (`.timer`).
    public var timer = false
    /// Whether each query's plan, with times, prints after its rows (`.explain`).
    public var explain = false
    /// Whether a script stops at its first error (`.bail`, `--bail`).
    public var bail: Bool
    /// Where results go.
    public let output: ShellOutput
    /// Where errors go, a line at a time (standard error by default).
    public var errorSink: (String) -> Void = ShellOutput.error
    /// How long work shows progress (nil: no progress shown, as when not on a terminal).
    public var progress: ProgressReporter?
    /// The errors reported so far.
    public internal(set) var errorCount = 0
    /// Whether `.quit` was given.
    public internal(set) var hasQuit = false

    var buffer = StatementBuffer()
    /// The context families of the database, opened on first use (`.jobs`, `ctx_*`).
    var contexts: LazyContext
    /// The `.read` files being read, innermost last (a file may not read itself).
    var reading: [String] = []
    /// Set by a dot-command that failed with its error already reported (a `.read` file
    /// stopped at an error): the command fails without a second error line.
    var failedAfterReport = false

    /// A session on `database` (whose directory is `path`). Scripts stop at the first
    /// error unless `bail` is false.
    public init(database: Database, path: String, output: ShellOutput = .standard(), render: RenderSettings = RenderSettings(), bail: Bool = true) {
        self.database = database
        self.path = path
        self.output = output
        self.render = render
        self.bail = bail
        contexts = LazyContext(database: database)
    }

    /// The prompt for the next line: the main one, or the continuation prompt while a
    /// statement waits for its `;`.
    public var prompt: String { buffer.isWaiting ? "   ...> " : "strata> " }

    /// The table and constant functions statements may call (for completion).
    public var tableFunctionNames: [String] { database.tableFunctionNames + database.constantFunctionNames }

    /// Whether a statement is waiting for more lines.
    public var isWaiting: Bool { buffer.isWaiting }

    /// Drops a half-typed statement (Ctrl-C at the prompt).
    public func discardPending() { buffer.clear() }

    // MARK: Input

    /// Runs one line typed at the prompt: a dot-command, or SQL that may complete
    /// statements (each runs as it completes). Returns false after `.quit`.
    @discardableResult
    public func handle(line: String) async -> Bool {
        if !buffer.isWaiting, let command = DotCommand(line: line) {
            _ = await run(command)
            return !hasQuit
        }
        for piece in buffer.append(line: line) {
            _ = await execute(piece.text, firstLine: 1)
            if hasQuit { break }
        }
        return !hasQuit
    }

    /// Runs a script — `-c` text, standard input, a `.read` file — statement by statement,
    /// stopping at the first error when `bail` is on; a last statement may omit its `;`.
    /// Returns false when a statement or dot-command failed; `.quit` ends it early, keeping that status.
    @discardableResult
    public func run(script: String) async -> Bool {
        var lines = StatementBuffer()
        var ok = true
        // "\r\n" is one Character in Swift, so lines split on both; a byte order mark some
        // editors put first is not part of the first statement.
        let body = script.hasPrefix("\u{FEFF}") ? script.dropFirst() : Substring(script)
        for line in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let text = String(line)
            if !lines.isWaiting, let command = DotCommand(line: text) {
                _ = lines.append(line: "")  // keeps the line count
                if !(await run(command)) { ok = false; if bail { return false } }
            } else {
                for piece in lines.append(line: text) {
                    if !(await execute(piece.text, firstLine: piece.line)) { ok = false; if bail { return false } }
                }
            }
            if hasQuit { return ok }
        }
        if let last = lines.finish(), !(await execute(last.text, firstLine: last.line)) { ok = false }
        return ok
    }

    /// Runs what remains at the end of interactive input (a statement without its `;`).
    public func finishInput() async {
        if let last = buffer.finish() { _ = await execute(last.text, firstLine: 1) }
    }

    // MARK: Statements

    /// Parses and runs one statement, printing its rows or status; false on error.
    func execute(_ text: String, firstLine: Int) async -> Bool {
        let started = ContinuousClock.now
        do throws(StrataError) {
            let statement = try Statement(parsing: text)
            let result = try await withProgress { () async throws(StrataError) in try await database.execute(statement) }
            try show(result)
            if explain, case .select = statement {
                try show(try await database.execute(.explain(statement, analyze: true)))
            }
            // Programs' modes print rows and nothing else: the time goes to standard error.
            if timer {
                let time = "Time: \(Self.milliseconds(since: started)) ms"
                if render.mode.isForPeople { try output.line(time) } else { errorSink(time) }
            }
            try output.flush()
            return true
        } catch .cancelled {
            errorSink("Cancelled.")
            return false
        } catch {
            report(ErrorReport(error, text: text, firstLine: firstLine))
            return false
        }
    }

    /// Runs `work` with its long steps (index builds, compaction) drawn on the progress bar,
    /// cleared when it ends.
    func withProgress<T>(_ work: () async throws(StrataError) -> T) async throws(StrataError) -> T {
        guard let progress else { return try await work() }
        defer { progress.finish() }
        do {
            return try await WorkProgress.$current.withValue(progress.receiver) { try await work() }
        } catch let error as StrataError {
            throw error
        } catch {
            throw .invalidInput(what: "statement", why: "\(error)")  // work throws StrataError only
        }
    }

    /// Prints a result: its rows in the current mode, or (for people) its status.
    func show(_ result: StatementResult) throws(StrataError) {
        if let rows = result.rows {
            // Printing many rows takes a while on a terminal: Ctrl-C stops it too.
            for (i, line) in ResultRenderer(render).lines(rows).enumerated() {
                if i % 1_024 == 1_023 { try StrataError.checkCancellation() }
                try output.line(line)
            }
        } else if render.mode.isForPeople {
            try output.line(result.status)
        }
    }

    /// Prints an error's lines on the error sink and counts it.
    func report(_ error: ErrorReport) {
        errorCount += 1
        let lines = error.lines
        errorSink("Error: " + lines[0])
        for line in lines.dropFirst() { errorSink(line) }
    }

    /// Milliseconds since `start`, three decimals.
    static func milliseconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let fraction = String(micros % 1_000)
        return "\(micros / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    // MARK: Database

    /// Switches to the database in `directory` (created when missing), closing the context
    /// families of the one before.
    public func open(_ directory: String) async throws(StrataError) {
        let opened = try await Database.open(directory: directory)
        await contexts.close()
        database = opened
        contexts = LazyContext(database: opened)
        path = directory
    }

    /// The context families, opened (and created when missing) on first use, with the
    /// models the environment names (spec/context.md §4) and a job worker.
    func contextDatabase() async throws(StrataError) -> ContextDatabase {
        try await contexts.get()
    }

    /// Ends the session: the context families' pending writes are flushed and their worker
    /// stops (queued jobs stay queued for the next open); results are flushed.
    public func close() async {
        await contexts.close()
        try? output.flush()
    }
}
