import StrataCore

/// SQL text the context layer composes. Values a caller supplies travel as parameters or as
/// quoted literals made here; a caller's filter is parsed as one expression and printed
/// back (`ContextFilter`), so nothing a caller writes can change a statement's shape.
enum SQLText {
    /// `text` as a string literal.
    static func literal(_ text: String) -> String {
        "'" + text.doublingQuotes("'") + "'"
    }

    /// `(a, b, …)`: a list of string literals for IN.
    static func list<S: Sequence<String>>(_ texts: S) -> String {
        "(" + texts.map(literal).joined(separator: ", ") + ")"
    }

    /// The condition "valid at `micros`" on a table with `valid_from` / `valid_until`
    /// (spec/context.md §7).
    static func valid(at micros: Int64) -> String {
        let t = timestamp(micros)
        return "(valid_until IS NULL OR valid_until > \(t)) AND (valid_from IS NULL OR valid_from <= \(t))"
    }

    /// A timestamp literal.
    static func timestamp(_ micros: Int64) -> String {
        "TIMESTAMP '" + (Timestamp.format(micros) ?? "1970-01-01T00:00:00Z") + "'"
    }
}
