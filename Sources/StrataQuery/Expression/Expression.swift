import StrataCore

/// An expression of the WHERE dialect as parsed, before names and types are resolved
/// (spec/sql.md, "Expressions"). Every node keeps the position of the token it starts at,
/// so errors found later can point at it.
public struct SQLExpression: Sendable, Hashable, CustomStringConvertible {
    /// The node's shape.
    public indirect enum Node: Sendable, Hashable {
        /// A constant: number, string, boolean, NULL, `TIMESTAMP '…'`.
        case literal(Value)
        /// `INTERVAL '…'`: a calendar part in months and an exact part in microseconds.
        case interval(Interval)
        /// A column, optionally qualified by its table's name or alias.
        case column(qualifier: String?, name: String)
        /// A positional parameter `$n`.
        case parameter(Int)
        /// `[e, e, …]`: a vector.
        case vector([SQLExpression])
        /// A prefix operator.
        case unary(UnaryOperator, SQLExpression)
        /// An infix operator.
        case binary(BinaryOperator, SQLExpression, SQLExpression)
        /// `e IS [NOT] NULL`.
        case isNull(SQLExpression, negated: Bool)
        /// `e [NOT] IN (a, b, …)`.
        case inList(SQLExpression, [SQLExpression], negated: Bool)
        /// `e [NOT] BETWEEN low AND high`.
        case between(SQLExpression, low: SQLExpression, high: SQLExpression, negated: Bool)
        /// `e [NOT] LIKE pattern` (`ILIKE`: case-insensitive).
        case like(SQLExpression, pattern: SQLExpression, negated: Bool, caseInsensitive: Bool)
        /// `name(args…, key => value …)`.
        case call(name: String, arguments: [SQLExpression], named: [NamedArgument])
        /// `e -> key` (JSON) or `e ->> key` (text): one step into a JSON value.
        case jsonField(SQLExpression, key: SQLExpression, asText: Bool)
        /// `CAST(e AS type)` or `e::type`.
        case cast(SQLExpression, typeName: String)
        /// `CASE WHEN c THEN v … [ELSE e] END`.
        case caseWhen([WhenClause], otherwise: SQLExpression?)
    }

    /// `key => value` in a call.
    public struct NamedArgument: Sendable, Hashable {
        /// The name, lower-cased.
        public var name: String
        /// The value.
        public var value: SQLExpression

        /// `name => value`.
        public init(name: String, value: SQLExpression) {
            self.name = name
            self.value = value
        }
    }

    /// `WHEN condition THEN result`.
    public struct WhenClause: Sendable, Hashable {
        /// The condition.
        public var condition: SQLExpression
        /// The result when it holds.
        public var result: SQLExpression

        /// `WHEN condition THEN result`.
        public init(condition: SQLExpression, result: SQLExpression) {
            self.condition = condition
            self.result = result
        }
    }

    /// The node.
    public var node: Node
    /// Position of its first token in the statement text (characters, from 0).
    public var offset: Int

    /// An expression at `offset`.
    public init(_ node: Node, at offset: Int) {
        self.node = node
        self.offset = offset
    }

    /// The expression as SQL text, fully parenthesised (for plans and messages).
    public var description: String { ExpressionPrinter.text(self) }
}

/// A prefix operator.
public enum UnaryOperator: String, Sendable, Hashable {
    case negate = "-", plus = "+", not = "NOT"
}

/// An infix operator.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case or = "OR", and = "AND"
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case concat = "||"
    /// pgvector's distance operators: L2, cosine distance, negative inner product.
    case l2Distance = "<->", cosineDistance = "<=>", negativeInnerProduct = "<#>"

    /// Whether the operator compares two values and yields a boolean.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return true
        default: return false
        }
    }

    /// Whether the operator is a vector distance.
    public var isDistance: Bool { self == .l2Distance || self == .cosineDistance || self == .negativeInnerProduct }

    /// The comparison with its operands swapped (`a < b` ⇔ `b > a`).
    public var swapped: BinaryOperator {
        switch self {
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        default: return self
        }
    }
}

/// Renders expressions back to SQL text.
package enum ExpressionPrinter {
    static func text(_ e: SQLExpression) -> String {
        switch e.node {
        case let .literal(value): return literal(value)
        case let .interval(interval): return "INTERVAL '\(interval)'"
        case let .column(qualifier, name): return (qualifier.map { quoted($0) + "." } ?? "") + quoted(name)
        case let .parameter(n): return "$\(n)"
        case let .vector(items): return "[" + items.map(text).joined(separator: ", ") + "]"
        case let .unary(op, operand): return op == .not ? "(NOT \(text(operand)))" : "(\(op.rawValue)\(text(operand)))"
        case let .binary(op, l, r): return "(\(text(l)) \(op.rawValue) \(text(r)))"
        case let .isNull(operand, negated): return "(\(text(operand)) IS \(negated ? "NOT " : "")NULL)"
        case let .inList(operand, items, negated):
            return "(\(text(operand)) \(negated ? "NOT " : "")IN (\(items.map(text).joined(separator: ", "))))"
        case let .between(operand, low, high, negated):
            return "(\(text(operand)) \(negated ? "NOT " : "")BETWEEN \(text(low)) AND \(text(high)))"
        case let .like(operand, pattern, negated, ci):
            return "(\(text(operand)) \(negated ? "NOT " : "")\(ci ? "ILIKE" : "LIKE") \(text(pattern)))"
        case let .call(name, arguments, named):
            if name == "count" && arguments.isEmpty && named.isEmpty { return "count(*)" }
            let all = arguments.map(text) + named.map { "\($0.name) => \(text($0.value))" }
            return "\(name)(\(all.joined(separator: ", ")))"
        case let .jsonField(operand, key, asText): return "(\(text(operand)) \(asText ? "->>" : "->") \(text(key)))"
        case let .cast(operand, typeName): return "CAST(\(text(operand)) AS \(typeName))"
        case let .caseWhen(clauses, otherwise):
            let whens = clauses.map { "WHEN \(text($0.condition)) THEN \(text($0.result))" }.joined(separator: " ")
            return "CASE \(whens)\(otherwise.map { " ELSE " + text($0) } ?? "") END"
        }
    }

    /// A value as a SQL literal.
    static func literal(_ value: Value) -> String {
        switch value {
        case .null: return "NULL"
        case let .bool(b): return b ? "TRUE" : "FALSE"
        case let .int(v): return String(v)
        case let .uint(v): return String(v)
        case let .float32(v): return "\(v)"
        case let .float64(v): return "\(v)"
        case let .timestamp(v): return "TIMESTAMP '\(Timestamp.format(v) ?? String(v))'"
        case let .string(s): return "'" + s.doublingQuotes("'") + "'"
        case let .binary(b): return "X'" + b.map { String($0, radix: 16).leftPadded(2) }.joined() + "'"
        case let .json(j): return "JSON '" + j.doublingQuotes("'") + "'"
        case let .vector(v): return "[" + v.map { "\($0)" }.joined(separator: ", ") + "]"
        }
    }

    /// A name, double-quoted unless it is a plain lower-case word that lexes back as itself.
    package static func quoted(_ name: String) -> String {
        let scalars = Array(name.unicodeScalars)
        let word = scalars.first.map { $0.properties.isAlphabetic || $0 == "_" } == true
            && scalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" }
        let plain = word && name == name.lowercased() && !Keywords.reserved.contains(name.uppercased())
        return plain ? name : "\"" + name.doublingQuotes("\"") + "\""
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

extension SQLExpression {
    /// The expression with every parameter `$n` renumbered to `$(renumber(n))`.
    public func mapParameters(_ renumber: (Int) -> Int) -> SQLExpression {
        func map(_ e: SQLExpression) -> SQLExpression { e.mapParameters(renumber) }
        let node: Node
        switch self.node {
        case .literal, .interval, .column: node = self.node
        case let .parameter(n): node = .parameter(renumber(n))
        case let .vector(items): node = .vector(items.map(map))
        case let .unary(op, e): node = .unary(op, map(e))
        case let .binary(op, l, r): node = .binary(op, map(l), map(r))
        case let .isNull(e, negated): node = .isNull(map(e), negated: negated)
        case let .inList(e, items, negated): node = .inList(map(e), items.map(map), negated: negated)
        case let .between(e, low, high, negated): node = .between(map(e), low: map(low), high: map(high), negated: negated)
        case let .like(e, pattern, negated, ci): node = .like(map(e), pattern: map(pattern), negated: negated, caseInsensitive: ci)
        case let .call(name, arguments, named):
            node = .call(name: name, arguments: arguments.map(map), named: named.map { NamedArgument(name: $0.name, value: map($0.value)) })
        case let .jsonField(e, key, asText): node = .jsonField(map(e), key: map(key), asText: asText)
        case let .cast(e, typeName): node = .cast(map(e), typeName: typeName)
        case let .caseWhen(clauses, otherwise):
            node = .caseWhen(clauses.map { WhenClause(condition: map($0.condition), result: map($0.result)) }, otherwise: otherwise.map(map))
        }
        return SQLExpression(node, at: offset)
    }
}
