#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Strata

/// Where the shell's results go: standard output, a file (`.output FILE`), or memory (tests).
/// Errors and progress always go to standard error. Used from the shell's one task.
public final class ShellOutput {
    enum Target {
        case standardOutput
        case file(descriptor: Int32, path: String)
        case memory
    }

    private var target: Target
    /// Where results went before any `.output FILE`, and go again after `.output stdout`.
    private let home: Target
    /// The lines written, when the target is memory.
    public private(set) var captured: [String] = []
    private var buffer: [UInt8] = []

    /// Output to standard output.
    public static func standard() -> ShellOutput { ShellOutput(target: .standardOutput) }

    /// Output kept in memory (`captured`), for tests.
    public static func memory() -> ShellOutput { ShellOutput(target: .memory) }

    private init(target: Target) {
        self.target = target
        home = target
    }

    deinit {
        try? flush()
        if case let .file(descriptor, _) = target { close(descriptor) }
    }


    /// Writes one line.
    public func line(_ text: String) throws(StrataError) {
        if case .memory = target {
            captured.append(text)
            return
        }
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes what is buffered.
    public func flush() throws(StrataError) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        let (descriptor, path): (Int32, String)
        switch target {
        case .standardOutput: (descriptor, path) = (1, "stdout")
        case let .file(d, p): (descriptor, path) = (d, p)
        case .memory: return
        }
        guard Self.writeAll(buffer, to: descriptor) else {
            throw .io(path: path, operation: "write", code: errno, message: String(cString: strerror(errno)))
        }
    }

    /// Sends later results to the file at `path` (created or truncated), or back where they
    /// went at first (standard output) for nil.
    public func redirect(to path: String?) throws(StrataError) {
        try flush()
        if case let .file(descriptor, _) = target { close(descriptor) }
        guard let path else {
            target = home
            return
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            target = home
            throw .io(path: path, operation: "open for writing", code: errno, message: String(cString: strerror(errno)))
        }
        target = .file(descriptor: descriptor, path: path)
    }

    /// Writes all of `bytes` to `descriptor`; false if it refuses them.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(descriptor, raw.baseAddress! + done, raw.count - done)
                if n > 0 {
                    done += n
                } else if n < 0 && errno != EINTR {
                    return false
                }
            }
            return true
        }
    }

    /// Writes a line to standard error at once.
    public static func error(_ text: String) {
        _ = writeAll(Array((text + "\n").utf8), to: 2)
    }

    /// Writes text (no line break added) to standard error at once: a progress bar's redraw.
    public static func errorText(_ text: String) {
        _ = writeAll(Array(text.utf8), to: 2)
    }
}
