/// How the shell (and `strata sql`) prints a statement's rows.
public enum OutputMode: String, CaseIterable, Sendable {
    /// A box-drawn table for people: columns fitted to the terminal, long text and vectors
    /// shortened with an ellipsis, numbers right-aligned, a row count under it.
    case table
    /// One `column = value` line per column, a blank line between rows (for wide rows).
    case line
    /// RFC 4180 CSV, a header line unless headers are off; NULL is an empty field.
    case csv
    /// One JSON array of row objects, every value in full.
    case json
    /// One JSON object per line (JSON Lines), every value in full.
    case jsonl
    /// A GitHub-flavoured Markdown table.
    case markdown

    /// Whether the mode is for people (rows limited by `.maxrows`, statuses printed) rather
    /// than for programs (every row, nothing but rows).
    public var isForPeople: Bool { self == .table || self == .line || self == .markdown }
}

/// The settings that shape printed rows.
public struct RenderSettings: Sendable, Equatable {
    /// The mode.
    public var mode: OutputMode = .table
    /// Whether `table` and `csv` print the column names.
    public var headers = true
    /// The most rows a mode for people prints (nil: all).
    public var maxRows: Int? = nil
    /// The most columns one value takes in `table` mode.
    public var maxWidth = 60
    /// The terminal's width, which `table` mode fits its columns into (nil: no fitting).
    public var terminalWidth: Int? = nil
    /// How NULL prints in the modes for people.
    public var nullText = "NULL"
    /// Whether NULL is dimmed with an ANSI escape (on a colour terminal only).
    public var colour = false

    /// The defaults.
    public init() {}
}
