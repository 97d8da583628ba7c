/// One lexical token of a SQL statement or expression, with its position.
package struct Token: Sendable, Hashable {
    /// What the token is.
    package enum Kind: Sendable, Hashable {
        /// A bare word: a keyword or a name, as written (keywords match case-insensitively).
        case word(String)
        /// A name in double quotes, `""` unescaped; never a keyword, case kept.
        case quotedName(String)
        /// A string literal in single quotes, `''` unescaped.
        case string(String)
        /// A number as written: `12`, `1.5`, `.5`, `1e-3`.
        case number(String)
        /// A positional parameter `$n` (n ≥ 1).
        case parameter(Int)
        /// An operator or punctuation mark.
        case symbol(String)
        /// The end of the text.
        case end
    }

    /// The token.
    package var kind: Kind
    /// Its first character's position in the text (characters, from 0).
    package var offset: Int

    /// The token as a user would quote it in an error message.
    package var display: String {
        switch kind {
        case let .word(w): return w
        case let .quotedName(n): return "\"\(n)\""
        case let .string(s): return "'\(s)'"
        case let .number(n): return n
        case let .parameter(p): return "$\(p)"
        case let .symbol(s): return s
        case .end: return "end of input"
        }
    }
}
