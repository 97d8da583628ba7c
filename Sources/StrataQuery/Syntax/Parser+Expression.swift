import StrataCore

/// The expression grammar (spec/sql.md, "Expressions"), by precedence climbing, loosest
/// first: OR; AND; NOT; comparisons, IS, LIKE, IN, BETWEEN (non-associative); `||` and the
/// distance operators; `+ -`; `* / %`; unary `- +`; `::`, `->`, `->>`; primaries.
extension Parser {
    /// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
    static let maxDepth = 200

    /// One expression.
    package mutating func expression() throws(StrataError) -> SQLExpression {
        try disjunction(depth: 0)
    }

    private mutating func guardDepth(_ depth: Int) throws(StrataError) {
        guard depth < Self.maxDepth else { throw Self.error("expression nested too deeply", at: current.offset) }
    }

    /// A chain `operand OP operand OP …` of the operators `match` recognises, nested to the
    /// left. Each link counts as a level, so that no later recursion over the tree (binding,
    /// printing, evaluating) goes deeper than `maxDepth`.
    private mutating func chain(depth: Int, _ match: (Parser) -> BinaryOperator?,
                                _ operand: (inout Parser, Int) throws(StrataError) -> SQLExpression) throws(StrataError) -> SQLExpression {
        var left = try operand(&self, depth), level = depth
        while let op = match(self) {
            level += 1
            try guardDepth(level)
            let offset = advance().offset
            left = SQLExpression(.binary(op, left, try operand(&self, level)), at: offset)
        }
        return left
    }

    private mutating func disjunction(depth: Int) throws(StrataError) -> SQLExpression {
        try chain(depth: depth, { $0.peek("OR") ? .or : nil }) { (p, d) throws(StrataError) in try p.conjunction(depth: d) }
    }

    private mutating func conjunction(depth: Int) throws(StrataError) -> SQLExpression {
        try chain(depth: depth, { $0.peek("AND") ? .and : nil }) { (p, d) throws(StrataError) in try p.negation(depth: d) }
    }

    private mutating func negation(depth: Int) throws(StrataError) -> SQLExpression {
        try guardDepth(depth)
        if peek("NOT") {
            let offset = advance().offset
            return SQLExpression(.unary(.not, try negation(depth: depth + 1)), at: offset)
        }
        return try predicate(depth: depth)
    }

    private mutating func predicate(depth: Int) throws(StrataError) -> SQLExpression {
        let left = try otherOperators(depth: depth)
        let offset = current.offset
        if accept("IS") {
            let negated = accept("NOT")
            try expect("NULL")
            return SQLExpression(.isNull(left, negated: negated), at: offset)
        }
        for op in [BinaryOperator.lessOrEqual, .greaterOrEqual, .notEqual, .equal, .less, .greater] where peekSymbol(op.rawValue) {
            advance()
            return SQLExpression(.binary(op, left, try otherOperators(depth: depth)), at: offset)
        }
        if acceptSymbol("!=") { return SQLExpression(.binary(.notEqual, left, try otherOperators(depth: depth)), at: offset) }
        let negated = peek("NOT") && (Self.isKeyword(next, "LIKE") || Self.isKeyword(next, "ILIKE") || Self.isKeyword(next, "IN") || Self.isKeyword(next, "BETWEEN"))
        if negated { advance() }
        if peek("LIKE") || peek("ILIKE") {
            let ci = Self.isKeyword(advance(), "ILIKE")
            return SQLExpression(.like(left, pattern: try otherOperators(depth: depth), negated: negated, caseInsensitive: ci), at: offset)
        }
        if accept("IN") {
            try expectSymbol("(")
            var items: [SQLExpression] = []
            repeat { items.append(try expression(depth: depth + 1)) } while acceptSymbol(",")
            try expectSymbol(")")
            return SQLExpression(.inList(left, items, negated: negated), at: offset)
        }
        if accept("BETWEEN") {
            let low = try otherOperators(depth: depth)
            try expect("AND")
            let high = try otherOperators(depth: depth)
            return SQLExpression(.between(left, low: low, high: high, negated: negated), at: offset)
        }
        return left
    }

    private mutating func expression(depth: Int) throws(StrataError) -> SQLExpression {
        try guardDepth(depth)
        return try disjunction(depth: depth)
    }

    private mutating func otherOperators(depth: Int) throws(StrataError) -> SQLExpression {
        try chain(depth: depth, Self.operator([.concat, .l2Distance, .cosineDistance, .negativeInnerProduct])) { (p, d) throws(StrataError) in
            try p.additive(depth: d)
        }
    }

    private mutating func additive(depth: Int) throws(StrataError) -> SQLExpression {
        try chain(depth: depth, Self.operator([.add, .subtract])) { (p, d) throws(StrataError) in try p.multiplicative(depth: d) }
    }

    private mutating func multiplicative(depth: Int) throws(StrataError) -> SQLExpression {
        try chain(depth: depth, Self.operator([.multiply, .divide, .remainder])) { (p, d) throws(StrataError) in try p.unary(depth: d) }
    }

    /// The first of `operators` whose symbol is the current token.
    private static func `operator`(_ operators: [BinaryOperator]) -> (Parser) -> BinaryOperator? {
        { parser in operators.first { parser.peekSymbol($0.rawValue) } }
    }

    private mutating func unary(depth: Int) throws(StrataError) -> SQLExpression {
        try guardDepth(depth)
        if peekSymbol("-") || peekSymbol("+") {
            let token = advance()
            let operand = try unary(depth: depth + 1)
            // A minus sign on a number literal is part of the literal (so -9223372036854775808 fits).
            if token.kind == .symbol("-"), case let .literal(value) = operand.node, isNumberLiteral(value) {
                switch value {
                case let .int(v) where v != .min: return SQLExpression(.literal(.int(-v)), at: token.offset)
                case let .float64(v): return SQLExpression(.literal(.float64(-v)), at: token.offset)
                case .uint(9_223_372_036_854_775_808): return SQLExpression(.literal(.int(.min)), at: token.offset)
                default: break
                }
            }
            return SQLExpression(.unary(token.kind == .symbol("-") ? .negate : .plus, operand), at: token.offset)
        }
        return try postfix(depth: depth)
    }

    private func isNumberLiteral(_ value: Value) -> Bool {
        switch value {
        case .int, .uint, .float64: return true
        default: return false
        }
    }

    private mutating func postfix(depth: Int) throws(StrataError) -> SQLExpression {
        var operand = try primary(depth: depth), chain = depth
        while true {
            let offset = current.offset
            if peekSymbol("::") || peekSymbol("->") || peekSymbol("->>") {
                chain += 1
                try guardDepth(chain)
            }
            if acceptSymbol("::") {
                operand = SQLExpression(.cast(operand, typeName: try typeName()), at: offset)
            } else if peekSymbol("->") || peekSymbol("->>") {
                let asText = advance().kind == .symbol("->>")
                operand = SQLExpression(.jsonField(operand, key: try jsonKey(depth: chain), asText: asText), at: offset)
            } else {
                return operand
            }
        }
    }

    /// The key after `->` / `->>`: a primary, or a negative number (an element from the end).
    private mutating func jsonKey(depth: Int) throws(StrataError) -> SQLExpression {
        if peekSymbol("-"), case let .number(text) = next.kind {
            let offset = advance().offset
            advance()
            guard case let .int(v) = try Self.number(text, at: offset + 1) else { throw Self.error("an array element is an integer", at: offset) }
            return SQLExpression(.literal(.int(-v)), at: offset)
        }
        return try primary(depth: depth)
    }

    /// A type name as written in CAST and column definitions: `int64`, `BIGINT`,
    /// `VECTOR(384)`, `vector(float16, 768)`, `DOUBLE PRECISION`.
    package mutating func typeName() throws(StrataError) -> String {
        guard case let .word(word) = current.kind else { throw unexpected(expected: "a type name") }
        advance()
        var name = word
        if word.uppercased() == "DOUBLE", accept("PRECISION") { name = "double" }
        if acceptSymbol("(") {
            var arguments: [String] = []
            repeat {
                switch current.kind {
                case let .word(w): arguments.append(w)
                case let .number(n): arguments.append(n)
                default: throw unexpected(expected: "a type argument")
                }
                advance()
            } while acceptSymbol(",")
            try expectSymbol(")")
            name += "(" + arguments.joined(separator: ",") + ")"
        }
        return name
    }

    private mutating func primary(depth: Int) throws(StrataError) -> SQLExpression {
        try guardDepth(depth)
        let token = current
        switch token.kind {
        case let .number(text):
            advance()
            return SQLExpression(.literal(try Self.number(text, at: token.offset)), at: token.offset)
        case let .string(text):
            advance()
            return SQLExpression(.literal(.string(text)), at: token.offset)
        case let .parameter(n):
            advance()
            return SQLExpression(.parameter(n), at: token.offset)
        case .symbol("("):
            advance()
            let inner = try expression(depth: depth + 1)
            try expectSymbol(")")
            return inner
        case .symbol("["):
            advance()
            var items: [SQLExpression] = []
            if !peekSymbol("]") {
                repeat { items.append(try expression(depth: depth + 1)) } while acceptSymbol(",")
            }
            try expectSymbol("]")
            return SQLExpression(.vector(items), at: token.offset)
        case .quotedName:
            return try columnReference()
        case let .word(word):
            return try wordPrimary(word.uppercased(), token, depth: depth)
        default:
            throw unexpected(expected: "an expression")
        }
    }

    private mutating func wordPrimary(_ upper: String, _ token: Token, depth: Int) throws(StrataError) -> SQLExpression {
        switch upper {
        case "NULL": advance(); return SQLExpression(.literal(.null), at: token.offset)
        case "TRUE": advance(); return SQLExpression(.literal(.bool(true)), at: token.offset)
        case "FALSE": advance(); return SQLExpression(.literal(.bool(false)), at: token.offset)
        case "TIMESTAMP", "DATE":
            guard case let .string(text) = next.kind else { break }
            advance()
            advance()
            do {
                return SQLExpression(.literal(.timestamp(try Timestamp.parse(text))), at: token.offset)
            } catch {
                throw Self.error("'\(text)' is not a timestamp: write 'YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][Z|±HH:MM]'", at: token.offset + upper.count + 1)
            }
        case "INTERVAL":
            guard case let .string(text) = next.kind else { break }
            advance()
            advance()
            var unit: String?
            if case let .word(w) = current.kind, !Keywords.reserved.contains(w.uppercased()), !peekSymbol("(") {
                unit = w
                advance()
            }
            return SQLExpression(.interval(try Interval(parsing: text, unit: unit, offset: token.offset)), at: token.offset)
        case "CAST":
            guard next.kind == .symbol("(") else { break }
            advance()
            advance()
            let operand = try expression(depth: depth + 1)
            try expect("AS")
            let type = try typeName()
            try expectSymbol(")")
            return SQLExpression(.cast(operand, typeName: type), at: token.offset)
        case "CASE":
            advance()
            var clauses: [SQLExpression.WhenClause] = []
            while accept("WHEN") {
                let condition = try expression(depth: depth + 1)
                try expect("THEN")
                clauses.append(.init(condition: condition, result: try expression(depth: depth + 1)))
            }
            guard !clauses.isEmpty else { throw unexpected(expected: "WHEN") }
            let otherwise = accept("ELSE") ? try expression(depth: depth + 1) : nil
            try expect("END")
            return SQLExpression(.caseWhen(clauses, otherwise: otherwise), at: token.offset)
        default: break
        }
        if next.kind == .symbol("("), !Keywords.reserved.contains(upper) {
            return try call(depth: depth)
        }
        return try columnReference()
    }

    private mutating func call(depth: Int) throws(StrataError) -> SQLExpression {
        let token = advance()
        guard case let .word(name) = token.kind else { throw unexpected(expected: "a function name") }
        try expectSymbol("(")
        var arguments: [SQLExpression] = []
        var named: [SQLExpression.NamedArgument] = []
        // count(*): every row, written as count with no argument.
        if name.lowercased() == "count", peekSymbol("*"), next.kind == .symbol(")") {
            advance()
            try expectSymbol(")")
            return SQLExpression(.call(name: "count", arguments: [], named: []), at: token.offset)
        }
        if peekSymbol("*"), next.kind == .symbol(")") {
            throw Self.error("only count takes * (count(*) counts rows)\(Suggestions.hint(for: name, among: ["count"]))", at: token.offset)
        }
        if !peekSymbol(")") {
            repeat {
                if case let .word(key) = current.kind, next.kind == .symbol("=>") {
                    advance()
                    advance()
                    named.append(.init(name: key.lowercased(), value: try expression(depth: depth + 1)))
                } else {
                    guard named.isEmpty else { throw Self.error("positional arguments come before named ones (name => value)", at: current.offset) }
                    arguments.append(try expression(depth: depth + 1))
                }
            } while acceptSymbol(",")
        }
        try expectSymbol(")")
        return SQLExpression(.call(name: name.lowercased(), arguments: arguments, named: named), at: token.offset)
    }

    private mutating func columnReference() throws(StrataError) -> SQLExpression {
        let first = try name("a column name")
        if acceptSymbol(".") {
            let second = try name("a column name")
            return SQLExpression(.column(qualifier: first.name, name: second.name), at: first.offset)
        }
        return SQLExpression(.column(qualifier: nil, name: first.name), at: first.offset)
    }

    /// A number literal: an integer that fits Int64 (or UInt64), else a double when written
    /// with a fraction or an exponent. A larger integer is an error, not silently a double
    /// that has lost its last digits.
    static func number(_ text: String, at offset: Int) throws(StrataError) -> Value {
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            if let v = Int64(text) { return .int(v) }
            if let v = UInt64(text) { return .uint(v) }
            throw error("integer '\(text)' is out of range (for a float, write \(text).0)", at: offset)
        }
        guard let v = Double(text), v.isFinite else { throw error("number '\(text)' is out of range", at: offset) }
        return .float64(v)
    }
}
