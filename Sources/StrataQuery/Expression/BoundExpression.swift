import StrataCore

/// An expression with names resolved and types checked, ready to evaluate over batches.
/// Operands of a comparison or arithmetic already have one common type (the binder inserts
/// the conversions), so evaluation never has to decide anything per row.
public indirect enum BoundExpression: Sendable, Hashable, CustomStringConvertible {
    /// A constant of `type` (`.null` values of any type included).
    case constant(Value, SQLType)
    /// A constant interval.
    case interval(Interval)
    /// A column of the input batches.
    case column(name: String, type: DataType)
    /// Kleene logic.
    case not(BoundExpression)
    case and([BoundExpression])
    case or([BoundExpression])
    /// A comparison of two operands of the same type.
    case compare(BinaryOperator, BoundExpression, BoundExpression)
    /// `+ - * / %` on two operands of the same numeric type (or interval micros).
    case arithmetic(BinaryOperator, BoundExpression, BoundExpression, SQLType)
    /// Unary minus.
    case negate(BoundExpression)
    /// A timestamp moved by a constant interval (`ts + INTERVAL …`, `ts - INTERVAL …`).
    case shift(BoundExpression, Interval)
    /// `timestamp - timestamp`: an interval of microseconds.
    case elapsed(BoundExpression, BoundExpression)
    /// String concatenation.
    case concat(BoundExpression, BoundExpression)
    /// A vector distance.
    case distance(BinaryOperator, BoundExpression, BoundExpression)
    /// `IS [NOT] NULL`.
    case isNull(BoundExpression, negated: Bool)
    /// `[NOT] IN` a list of constants of the operand's type (nulls included).
    case inList(BoundExpression, [Value], negated: Bool)
    /// `[NOT] LIKE` a constant pattern.
    case like(BoundExpression, LikePattern, negated: Bool)
    /// A built-in scalar function.
    case function(ScalarFunction, [BoundExpression])
    /// A path into a JSON value (`->`, `->>` chains folded), giving JSON or, `asText`, text.
    case jsonPath(BoundExpression, [JSONPathStep], asText: Bool)
    /// A conversion to `type` (CAST, and the binder's implicit ones).
    case cast(BoundExpression, SQLType)
    /// `CASE WHEN … THEN … ELSE … END` of result type `type`.
    case caseWhen([BoundWhen], otherwise: BoundExpression, SQLType)

    /// The type of the values.
    public var type: SQLType {
        switch self {
        case let .constant(_, type): return type
        case .interval, .elapsed: return .interval
        case let .column(_, type): return SQLType(type)
        case .not, .and, .or, .compare, .isNull, .inList, .like: return .bool
        case let .arithmetic(_, _, _, type): return type
        case let .negate(operand): return operand.type
        case .shift: return .timestamp
        case .concat: return .string
        case .distance: return .float
        case let .function(function, arguments): return function.resultType(arguments.map(\.type))
        case let .jsonPath(_, _, asText): return asText ? .string : .json
        case let .cast(_, type): return type
        case let .caseWhen(_, _, type): return type
        }
    }

    /// The columns the expression reads.
    public var columns: Set<String> {
        switch self {
        case .constant, .interval: return []
        case let .column(name, _): return [name]
        case let .not(e), let .negate(e), let .shift(e, _), let .isNull(e, _), let .inList(e, _, _), let .like(e, _, _),
             let .jsonPath(e, _, _), let .cast(e, _):
            return e.columns
        case let .and(items), let .or(items), let .function(_, items): return items.reduce([]) { $0.union($1.columns) }
        case let .compare(_, l, r), let .arithmetic(_, l, r, _), let .elapsed(l, r), let .concat(l, r), let .distance(_, l, r):
            return l.columns.union(r.columns)
        case let .caseWhen(clauses, otherwise, _):
            return clauses.reduce(otherwise.columns) { $0.union($1.condition.columns).union($1.result.columns) }
        }
    }

    /// The expression as SQL text (for plans).
    public var description: String {
        switch self {
        case let .constant(value, _): return ExpressionPrinter.literal(value)
        case let .interval(interval): return "INTERVAL '\(interval)'"
        case let .column(name, _): return ExpressionPrinter.quoted(name)
        case let .not(e): return "NOT \(e.parenthesized)"
        case let .and(items): return items.map(\.parenthesized).joined(separator: " AND ")
        case let .or(items): return items.map(\.parenthesized).joined(separator: " OR ")
        case let .compare(op, l, r), let .arithmetic(op, l, r, _), let .distance(op, l, r):
            return "\(l.parenthesized) \(op.rawValue) \(r.parenthesized)"
        case let .negate(e): return "-\(e.parenthesized)"
        case let .shift(e, interval): return "\(e.parenthesized) + INTERVAL '\(interval)'"
        case let .elapsed(l, r): return "\(l.parenthesized) - \(r.parenthesized)"
        case let .concat(l, r): return "\(l.parenthesized) || \(r.parenthesized)"
        case let .isNull(e, negated): return "\(e.parenthesized) IS \(negated ? "NOT " : "")NULL"
        case let .inList(e, values, negated):
            return "\(e.parenthesized) \(negated ? "NOT " : "")IN (\(values.map(ExpressionPrinter.literal).joined(separator: ", ")))"
        case let .like(e, pattern, negated):
            return "\(e.parenthesized) \(negated ? "NOT " : "")\(pattern.caseInsensitive ? "ILIKE" : "LIKE") \(ExpressionPrinter.literal(.string(pattern.text)))"
        case let .function(function, arguments): return "\(function.name)(\(arguments.map(\.description).joined(separator: ", ")))"
        case let .jsonPath(e, steps, asText):
            return e.parenthesized + steps.enumerated().map { i, step in
                (asText && i == steps.count - 1 ? " ->> " : " -> ") + step.description
            }.joined()
        case let .cast(e, type): return "CAST(\(e) AS \(type))"
        case let .caseWhen(clauses, otherwise, _):
            return "CASE " + clauses.map { "WHEN \($0.condition) THEN \($0.result)" }.joined(separator: " ") + " ELSE \(otherwise) END"
        }
    }

    /// The text, in parentheses unless it is a single term.
    var parenthesized: String {
        switch self {
        case .constant, .interval, .column, .function, .cast, .caseWhen: return description
        default: return "(\(description))"
        }
    }
}

/// One `WHEN condition THEN result` of a bound CASE.
public struct BoundWhen: Sendable, Hashable {
    /// The condition (bool).
    public var condition: BoundExpression
    /// The result (of the CASE's type).
    public var result: BoundExpression
}

/// One step of a JSON path: an object member or an array element.
public enum JSONPathStep: Sendable, Hashable, CustomStringConvertible {
    case member(String)
    case element(Int)

    /// The step as SQL (`'name'` or `3`).
    public var description: String {
        switch self {
        case let .member(name): return ExpressionPrinter.literal(.string(name))
        case let .element(i): return String(i)
        }
    }
}
