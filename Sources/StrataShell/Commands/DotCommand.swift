/// A dot-command line: `.name` and its arguments, split at white space; an argument may be
/// quoted with ' or " to hold spaces (a doubled quote inside stands for itself).
public struct DotCommand: Sendable, Equatable {
    /// The name without the dot, lower-cased.
    public let name: String
    /// The arguments.
    public let arguments: [String]
    /// Whether the line ended inside a quoted argument (the command is then refused).
    public let hasUnclosedQuote: Bool

    /// The command on `line`, or nil when the line is not a dot-command.
    public init?(line: String) {
        let trimmed = line.trimmingWhitespace()
        guard trimmed.hasPrefix("."), trimmed.count > 1 else { return nil }
        var words: [String] = []
        var current = "", quote: Character?, inWord = false
        var characters = Array(trimmed.dropFirst())[...]
        while let c = characters.popFirst() {
            if let q = quote {
                if c == q {
                    if characters.first == q { current.append(q); characters.removeFirst() } else { quote = nil }
                } else {
                    current.append(c)
                }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c.isWhitespace {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        guard let first = words.first else { return nil }
        name = first.lowercased()
        arguments = Array(words.dropFirst())
        hasUnclosedQuote = quote != nil
    }

    /// Every dot-command with its arguments and what it does (`.help`), in the order shown.
    public static let help: [(usage: String, summary: String)] = [
        (".help", "Show this list"),
        (".open DB", "Close this database and open (or create) DB"),
        (".tables [PATTERN]", "List tables (PATTERN: a LIKE pattern such as 'agent%')"),
        (".schema [TABLE]", "Show CREATE statements of every table, or of TABLE"),
        (".indexes [TABLE]", "Show the indexes of every table, or of TABLE"),
        (".versions TABLE", "Show the versions of TABLE (for time travel: FROM t VERSION AS OF n)"),
        (".read FILE", "Run the statements and dot-commands in FILE"),
        (".output [FILE|stdout]", "Send results to FILE, or back to the screen"),
        (".import FILE TABLE", "Import a JSONL or CSV file into TABLE (created when missing)"),
        (".export TABLE FILE", "Write TABLE to FILE as JSONL, or CSV when FILE ends in .csv"),
        (".jobs [wait]", "Show the context layer's background jobs, or wait for them to finish"),
        (".explain on|off", "Also show each query's plan with times"),
        (".mode MODE", "Output mode: table, line, csv, json, jsonl, markdown"),
        (".headers on|off", "Show column names in table and csv modes"),
        (".maxrows N", "Show at most N rows in table, line and markdown modes (0: all)"),
        (".maxwidth N", "Cut values wider than N columns in table mode"),
        (".nullvalue TEXT", "Show NULL as TEXT"),
        (".timer on|off", "Show each statement's time"),
        (".bail on|off", "Stop a script at its first error"),
        (".quit", "Leave the shell (also .exit, or Ctrl-D)"),
    ]

    /// The dot-command names, for completion and suggestions.
    public static var names: [String] {
        help.map { String($0.usage.split(separator: " ")[0]) } + [".exit"]
    }
}
