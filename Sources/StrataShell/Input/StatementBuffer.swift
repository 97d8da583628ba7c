/// Collects input lines until they hold whole statements: text up to a `;` that is not
/// inside a string, a quoted name or a comment (the lexer's rules, spec/sql.md §2). What
/// follows the last `;` waits for more lines — the shell's continuation prompt.
public struct StatementBuffer: Sendable {
    /// The text not yet ended by a `;`.
    public private(set) var pending = ""
    /// Where `pending` started, counted in lines of all the input so far from 1 (for errors).
    public private(set) var pendingLine = 1
    private var lineCount = 0

    /// An empty buffer.
    public init() {}

    /// A complete statement and the input line it starts on.
    public struct Piece: Sendable, Equatable {
        /// The statement's text, `;` excluded.
        public let text: String
        /// The line of the input it starts on, from 1.
        public let line: Int
    }

    /// Adds a line; returns the statements it completes.
    public mutating func append(line: String) -> [Piece] {
        lineCount += 1
        if Self.isBlank(pending) { pending = ""; pendingLine = lineCount }
        pending += pending.isEmpty ? line : "\n" + line
        var pieces: [Piece] = []
        while let end = Self.statementEnd(pending) {
            let scalars = pending.unicodeScalars
            let cut = scalars.index(scalars.startIndex, offsetBy: end)
            let text = String(scalars[..<cut])
            let rest = String(scalars[scalars.index(after: cut)...])
            if !Self.isBlank(text) { pieces.append(Piece(text: text, line: pendingLine)) }
            pendingLine += text.unicodeScalars.filter { $0 == "\n" }.count
            pending = rest
            if Self.isBlank(pending) { pending = ""; pendingLine = lineCount + 1 }
        }
        return pieces
    }

    /// Whether text is waiting for its `;`.
    public var isWaiting: Bool { !Self.isBlank(pending) }

    /// Drops the pending text (Ctrl-C at a continuation prompt).
    public mutating func clear() {
        pending = ""
        pendingLine = lineCount + 1
    }

    /// The pending text as a last statement (at the end of a script, where a missing final
    /// `;` is forgiven), or nil when there is none.
    public mutating func finish() -> Piece? {
        defer { clear() }
        return Self.isBlank(pending) ? nil : Piece(text: pending, line: pendingLine)
    }

    /// The scalar offset of the first `;` outside strings, quoted names and comments.
    static func statementEnd(_ text: String) -> Int? {
        let s = Array(text.unicodeScalars)
        var i = 0
        while i < s.count {
            switch s[i] {
            case ";": return i
            case "'", "\"":
                let quote = s[i]
                i += 1
                while i < s.count {
                    if s[i] == quote {
                        if i + 1 < s.count, s[i + 1] == quote { i += 2; continue }
                        break
                    }
                    i += 1
                }
            case "-" where i + 1 < s.count && s[i + 1] == "-":
                while i < s.count, s[i] != "\n" { i += 1 }
            case "/" where i + 1 < s.count && s[i + 1] == "*":
                i += 2
                while i + 1 < s.count, !(s[i] == "*" && s[i + 1] == "/") { i += 1 }
                i += 1
            default: break
            }
            i += 1
        }
        return nil
    }

    /// Whether text holds nothing but white space and comments.
    static func isBlank(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        var i = 0
        while i < s.count {
            if s[i].properties.isWhitespace { i += 1; continue }
            if s[i] == "-", i + 1 < s.count, s[i + 1] == "-" {
                while i < s.count, s[i] != "\n" { i += 1 }
                continue
            }
            if s[i] == "/", i + 1 < s.count, s[i + 1] == "*" {
                i += 2
                while i + 1 < s.count, !(s[i] == "*" && s[i + 1] == "/") { i += 1 }
                if i + 1 >= s.count { return false }  // an open comment waits for its end
                i += 2
                continue
            }
            return false
        }
        return true
    }
}
