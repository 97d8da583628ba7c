import StrataCore

/// A full-text query: clauses that may, must or must not match (`spec/indexes.md` §7.3).
/// Parsed from text such as `rust +memory -leak "garbage collector" alloc*`.
public struct TextQuery: Sendable, Equatable {
    /// How a clause takes part.
    public enum Occur: Sendable, Equatable {
        /// Adds to the score; with no `must` clause, a document must match one of these.
        case should
        /// A document must match it; adds to the score.
        case must
        /// A document must not match it; never scores.
        case mustNot
    }

    /// What a clause matches.
    public enum Clause: Sendable, Equatable {
        /// The terms of the analysed text (each one a clause of the same occurrence).
        case term(String)
        /// The analysed words in order (§7.2).
        case phrase(String)
        /// Every dictionary term starting with the lower-cased, folded (not stemmed) text.
        case prefix(String)
    }

    /// The clauses in the order written.
    public var clauses: [(occur: Occur, clause: Clause)]

    /// A query of the given clauses.
    public init(clauses: [(occur: Occur, clause: Clause)]) { self.clauses = clauses }

    public static func == (a: TextQuery, b: TextQuery) -> Bool {
        a.clauses.count == b.clauses.count && zip(a.clauses, b.clauses).allSatisfy { $0.occur == $1.occur && $0.clause == $1.clause }
    }

    /// Parses the query syntax: words and `"quoted phrases"`, each optionally prefixed by
    /// `+` (must) or `-` (must not); a word ending in `*` is a prefix; the keywords `AND`
    /// (both neighbours must), `OR` (the default) and `NOT` (the next clause must not).
    /// - Throws: `.invalidInput` for an unclosed quote, a dangling operator or a bare `*`.
    public static func parse(_ text: String) throws(StrataError) -> TextQuery {
        var clauses: [(occur: Occur, clause: Clause)] = []
        var pendingNot = false, pendingAnd = false
        var rest = Substring(text)
        func fail(_ why: String) -> StrataError { .invalidInput(what: "text query '\(text)'", why: why) }
        while true {
            rest = rest.drop { $0.isWhitespace }
            guard let first = rest.first else { break }
            var occur: Occur = .should
            if first == "+" || first == "-" {
                occur = first == "+" ? .must : .mustNot
                rest = rest.dropFirst()
            }
            let clause: Clause
            if rest.first == "\"" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "\"") else { throw fail("a quote is not closed") }
                clause = .phrase(String(rest[..<close]))
                rest = rest[rest.index(after: close)...]
            } else {
                let word = rest.prefix { !$0.isWhitespace && $0 != "\"" }
                rest = rest[word.endIndex...]
                if word.isEmpty { throw fail("'\(first)' is not followed by a word or phrase") }
                if occur == .should && ["AND", "OR", "NOT"].contains(word) {
                    guard !clauses.isEmpty || word == "NOT" else { throw fail("'\(word)' has nothing before it") }
                    if word == "NOT" { pendingNot = true } else if word == "AND" { pendingAnd = true }
                    continue
                }
                if word.hasSuffix("*") {
                    let stem = word.dropLast()
                    guard !stem.isEmpty, !stem.contains("*") else { throw fail("a prefix needs letters before '*'") }
                    clause = .prefix(String(stem))
                } else {
                    clause = .term(String(word))
                }
            }
            if pendingNot { occur = .mustNot }
            if pendingAnd {
                if occur == .should { occur = .must }
                if clauses[clauses.count - 1].occur == .should { clauses[clauses.count - 1].occur = .must }
            }
            pendingNot = false
            pendingAnd = false
            clauses.append((occur, clause))
        }
        if pendingNot || pendingAnd { throw fail("it ends with an operator") }
        return TextQuery(clauses: clauses)
    }
}
