import StrataCore

/// A cursor over the tokens of one text, with the steps every grammar rule needs. The
/// expression grammar lives in `Parser+SQLExpression.swift`; statements extend it elsewhere.
package struct Parser {
    /// The tokens, ending with `.end`.
    package let tokens: [Token]
    /// The index of the current token.
    package var index = 0

    /// A parser over `text`.
    /// - Throws: `.invalidQuery` for text that does not split into tokens.
    package init(_ text: String) throws(StrataError) {
        tokens = try Lexer.tokens(text)
    }

    /// The current token.
    package var current: Token { tokens[index] }
    /// The token after the current one (`.end` at the end).
    package var next: Token { tokens[min(index + 1, tokens.count - 1)] }
    /// Whether every token has been read.
    package var atEnd: Bool { current.kind == .end }

    /// Moves past the current token and returns it.
    @discardableResult
    package mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// Whether `token` is the keyword `word` (any case).
    package static func isKeyword(_ token: Token, _ word: String) -> Bool {
        if case let .word(w) = token.kind { return w.uppercased() == word }
        return false
    }

    /// Whether the current token is the keyword `word`.
    package func peek(_ word: String) -> Bool { Self.isKeyword(current, word) }

    /// Whether the current token is the symbol `symbol`.
    package func peekSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    /// Consumes the keyword `word` if it is next.
    package mutating func accept(_ word: String) -> Bool {
        guard peek(word) else { return false }
        advance()
        return true
    }

    /// Consumes the keywords `words` if they are all next, in order.
    package mutating func accept(_ words: [String]) -> Bool {
        for (i, word) in words.enumerated() where !Self.isKeyword(tokens[min(index + i, tokens.count - 1)], word) { return false }
        index = min(index + words.count, tokens.count - 1)
        return true
    }

    /// Consumes the symbol `symbol` if it is next.
    package mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard peekSymbol(symbol) else { return false }
        advance()
        return true
    }

    /// Consumes the keyword `word`.
    /// - Throws: `.invalidQuery` at the current token when it is something else.
    package mutating func expect(_ word: String) throws(StrataError) {
        guard accept(word) else { throw unexpected(expected: word) }
    }

    /// Consumes the symbol `symbol`.
    package mutating func expectSymbol(_ symbol: String) throws(StrataError) {
        guard acceptSymbol(symbol) else { throw unexpected(expected: "'\(symbol)'") }
    }

    /// A name: a bare word that is not reserved, or a quoted name. Bare names keep their
    /// case as written; resolution ignores case (spec/sql.md, "Names").
    package mutating func name(_ what: String = "a name") throws(StrataError) -> (name: String, offset: Int) {
        let token = current
        switch token.kind {
        case let .word(w) where !Keywords.reserved.contains(w.uppercased()):
            advance()
            return (w, token.offset)
        case let .quotedName(n):
            advance()
            return (n, token.offset)
        default:
            throw unexpected(expected: what)
        }
    }

    /// An error at the current token: "expected X, found Y".
    package func unexpected(expected: String) -> StrataError {
        .invalidQuery(message: "expected \(expected), found \(current.display)", offset: current.offset)
    }

    /// An error at `offset`.
    package static func error(_ message: String, at offset: Int) -> StrataError {
        .invalidQuery(message: message, offset: offset)
    }
}

extension SQLExpression {
    /// Parses `text` as one expression.
    /// - Throws: `.invalidQuery` pointing at the first token that does not fit.
    public init(parsing text: String) throws(StrataError) {
        var parser = try Parser(text)
        self = try parser.expression()
        guard parser.atEnd else { throw parser.unexpected(expected: "an operator or the end of the expression") }
    }
}
