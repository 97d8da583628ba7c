#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        guard writeAll(buffer, to: 1) else { throw OutputClosed() }
    }
}

/// Writes all of `bytes` to file descriptor `fd`; false if the descriptor refuses them.
func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
    bytes.withUnsafeBytes { raw in
        var done = 0
        while done < raw.count {
            let n = write(fd, raw.baseAddress! + done, raw.count - done)
            if n > 0 {
                done += n
            } else if n < 0 && errno != EINTR {
                return false
            }
        }
        return true
    }
}

/// Prints a line on standard error.
func printError(_ text: String) {
    _ = writeAll(Array((text + "\n").utf8), to: 2)
}

/// Ends the process with `status`.
func terminate(_ status: Int32) -> Never {
    exit(status)
}
