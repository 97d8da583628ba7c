#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataShell

/// Thrown when standard output is closed (a reader like `head` went away).
struct OutputClosed: Error {}

/// Buffered standard output: `cat` of a large file makes one write per 64 KiB, not per row.
/// Used from the command's one task only.
final class StandardOutput: @unchecked Sendable {
    // @unchecked Sendable: the CLI writes from its single main task; nothing else touches it.
    static let shared = StandardOutput()
    private var buffer: [UInt8] = []

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func line(_ text: String) throws {
        try write(text)
        try write("\n")
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        guard ShellOutput.writeAll(buffer, to: 1) else { throw OutputClosed() }
    }
}

/// Prints a line on standard error.
func printError(_ text: String) {
    ShellOutput.error(text)
}

/// Ends the process with `status`.
func terminate(_ status: Int32) -> Never {
    exit(status)
}
