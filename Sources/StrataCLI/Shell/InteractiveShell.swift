@preconcurrency import CEditLine
import Foundation
import Strata
import StrataShell
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by SIGINT (Ctrl-C); cleared before each prompt. An atomic: the signal handler may
/// run on any thread at any time.
private let interrupted = Atomic<Bool>(false)

/// The thread blocked reading a line (0: none). A signal goes to any thread of the
/// process; the handler passes it on to this one, whose read it must interrupt.
private let readingThread = Atomic<UInt>(0)

/// Guards the completion words libedit's callback matches against (refreshed between
/// statements; the callback runs on the thread reading the line).
private let completionWords = Mutex<Completion?>(nil)

/// The shell on a terminal: libedit line editing, a persistent history, tab completion,
/// statements spanning lines with a continuation prompt; Ctrl-C drops the line being typed
/// and never ends the shell; Ctrl-D (on an empty line) leaves.
struct InteractiveShell {
    let shell: Shell

    /// The history file: `$STRATA_HISTORY`, else `strata/history` in the user's data directory.
    static var historyPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let given = environment["STRATA_HISTORY"], !given.isEmpty { return given }
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/share")
        try? FileManager.default.createDirectory(atPath: data + "/strata", withIntermediateDirectories: true)
        return data + "/strata/history"
    }

    func run() async {
        let history = Self.historyPath
        rl_readline_name = UnsafePointer(strdup("strata"))
        rl_catch_signals = 0
        _ = rl_initialize()
        // While a line is edited the terminal is raw and Ctrl-C arrives as a key: it ends
        // the line as end-of-input does, with `interrupted` set to tell the two apart.
        _ = rl_add_defun("strata-interrupt", { _, _ in
            interrupted.store(true, ordering: .relaxed)
            rl_done = 1
            return 0
        }, 3)
        stifle_history(5_000)
        _ = read_history(history)
        rl_completion_append_character = 0
        rl_attempted_completion_function = { text, start, _ in Self.complete(text, start: Int(start)) }
        Self.catchInterrupts()
        var added: Int32 = 0
        while true {
            completionWords.withLock { $0 = nil }
            let words = await Completion.of(shell.database, tableFunctions: shell.tableFunctionNames)
            completionWords.withLock { $0 = words }
            interrupted.store(false, ordering: .relaxed)
            let read = Self.readLine(prompt: shell.prompt)
            guard let raw = read else {
                if interrupted.load(ordering: .relaxed) {
                    // Ctrl-C at the prompt drops the line and any half-typed statement.
                    ShellOutput.errorText("^C\n")
                    shell.discardPending()
                    continue
                }
                ShellOutput.errorText("\n")  // Ctrl-D: leave on a fresh line
                // Like sqlite3, an unfinished statement is not run; say so rather than drop it.
                if shell.isWaiting { ShellOutput.error("the unfinished statement (no ';') was not run") }
                break
            }
            let line = String(cString: raw)
            free(raw)
            if !line.trimmingWhitespace().isEmpty {
                _ = add_history(line)
                added += 1
            }
            guard await Self.runCancellable(line, on: shell) else { break }
        }
        // Append this session's lines rather than rewriting the file, so that two shells
        // open at once both keep their lines.
        if added == 0 { return }
        if FileManager.default.fileExists(atPath: history), append_history(min(added, 5_000), history) == 0 {
            _ = history_truncate_file(history, 5_000)
        } else {
            _ = write_history(history)
        }
    }

    /// SIGINT (Ctrl-C while a statement runs, the terminal then not raw) sets `interrupted`
    /// instead of ending the process.
    private static func catchInterrupts() {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { signal in Self.interrupt(signal) }
        #else
        action.__sigaction_u.__sa_handler = { signal in Self.interrupt(signal) }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Runs a line in a child task while watching for Ctrl-C, which cancels it: the
    /// statement stops at its next batch (or part of a file) and the shell says so.
    /// Returns false after `.quit`.
    private static func runCancellable(_ line: String, on shell: Shell) async -> Bool {
        interrupted.store(false, ordering: .relaxed)
        let work = Task { await shell.handle(line: line) }
        let watcher = Task {
            while !Task.isCancelled {
                if interrupted.exchange(false, ordering: .relaxed) {
                    // The terminal itself echoed ^C: on a progress bar's line, which is
                    // cleared, else after output, which goes on below it.
                    if shell.progress?.clearLine() != true { ShellOutput.errorText("\n") }
                    work.cancel()
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let keepGoing = await work.value
        watcher.cancel()
        return keepGoing
    }

    /// A line from libedit, read with SIGINT let through to this thread (the runtime's
    /// worker threads block signals) and known to the handler, so Ctrl-C ends the read.
    private static func readLine(prompt: String) -> UnsafeMutablePointer<CChar>? {
        var interrupt = sigset_t(), previous = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, &previous)
        readingThread.store(UInt(pthread_self()), ordering: .relaxed)
        let line = readline(prompt)
        readingThread.store(0, ordering: .relaxed)
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        return line
    }

    /// The SIGINT handler (async-signal-safe: atomics and pthread_kill only).
    private static func interrupt(_ signal: Int32) {
        interrupted.store(true, ordering: .relaxed)
        let reader = readingThread.load(ordering: .relaxed)
        if reader != 0 && UInt(pthread_self()) != reader { pthread_kill(pthread_t(reader), signal) }
    }

    /// libedit's completion callback: the longest common prefix first, then the matches,
    /// then NULL, in memory libedit frees; nil for no match (and no file-name fallback).
    private static func complete(_ text: UnsafePointer<CChar>?, start: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1
        guard let text else { return nil }
        let word = String(cString: text)
        let line = rl_line_buffer.map { Array(String(cString: $0).utf8) } ?? []
        let before = String(decoding: line.prefix(start), as: UTF8.self)
        let matches = completionWords.withLock { $0?.matches(for: word, lineBefore: before) ?? [] }
        guard !matches.isEmpty else { return nil }
        var common = matches[0]
        for match in matches.dropFirst() {
            while !match.lowercased().hasPrefix(common.lowercased()) { common.removeLast() }
        }
        if common.count < word.count { common = word }
        // libedit frees the list and its strings with free(): they come from malloc.
        guard let memory = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (matches.count + 2)) else { return nil }
        let list = memory.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: matches.count + 2)
        list[0] = strdup(matches.count == 1 ? matches[0] : common)
        for (i, match) in matches.enumerated() { list[i + 1] = strdup(match) }
        list[matches.count + 1] = nil
        return list
    }
}
