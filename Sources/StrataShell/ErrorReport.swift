import Strata

/// An error as a person reads it: one line naming the problem, and for an error in a
/// statement's text, that line of the statement with a caret under the token at fault.
public struct ErrorReport: Sendable, Equatable {
    /// The problem, in one line.
    public let message: String
    /// The statement's text (nil when the error is not about it).
    public let text: String?
    /// The position in `text`, in Unicode scalars from 0.
    public let offset: Int?
    /// The line of its script (or input) `text` starts on, from 1.
    public let firstLine: Int

    /// A report of `error` about `text` (the statement, or the script it came in), which
    /// starts on line `firstLine` of its input.
    public init(_ error: StrataError, text: String?, firstLine: Int = 1) {
        if case let .invalidQuery(message, offset) = error {
            self.message = message
            self.text = text
            self.offset = offset
        } else {
            message = error.description
            self.text = nil
            offset = nil
        }
        self.firstLine = firstLine
    }

    /// A report of a message alone.
    public init(message: String) {
        self.message = message
        text = nil
        offset = nil
        firstLine = 1
    }

    /// The message (with the line number when the position is past the first line), then
    /// the statement's line holding the position and a caret under it.
    public var lines: [String] {
        guard let text, let offset else { return [message] }
        // Offsets count Unicode scalars (as the lexer does); columns count what a terminal shows.
        let scalars = Array(text.unicodeScalars)
        let position = min(offset, scalars.count)
        let lineStart = scalars[..<position].lastIndex(of: "\n").map { $0 + 1 } ?? 0
        let lineEnd = scalars[position...].firstIndex(of: "\n") ?? scalars.count
        let lineNumber = firstLine + scalars[..<position].filter { $0 == "\n" }.count
        let suffix = lineNumber > 1 ? " (line \(lineNumber))" : ""
        let line = Self.string(scalars[lineStart..<lineEnd])
        let before = Self.string(scalars[lineStart..<position])
        return [message + suffix, "  " + line, "  " + String(repeating: " ", count: DisplayWidth.of(before)) + "^"]
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
