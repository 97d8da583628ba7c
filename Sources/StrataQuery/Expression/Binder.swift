import StrataCore

/// What names and parameters mean while binding one statement.
public struct BindingScope: Sendable {
    /// The columns visible, with their types (a table's fields, plus pseudo-columns such as
    /// `_distance` and `_score` where a search provides them).
    public var columns: [(name: String, type: DataType)]
    /// Names that may qualify a column (`t.col`): the table's name and alias.
    public var qualifiers: [String]
    /// Values of `$1`, `$2`, ….
    public var parameters: [Value]
    /// The statement's time: `now()` everywhere in it.
    public var now: Int64
    /// Names that are not columns here but are known elsewhere in the statement, each with
    /// the error to give when one is used (a search's `_distance` in its WHERE).
    public var unavailable: [String: String] = [:]

    /// A scope; see each property.
    public init(columns: [(name: String, type: DataType)], qualifiers: [String] = [], parameters: [Value] = [], now: Int64) {
        self.columns = columns
        self.qualifiers = qualifiers
        self.parameters = parameters
        self.now = now
    }

    /// The scope of a table's rows.
    public init(schema: Schema, qualifiers: [String] = [], parameters: [Value] = [], now: Int64) {
        self.init(columns: schema.fields.map { ($0.name, $0.type) }, qualifiers: qualifiers, parameters: parameters, now: now)
    }

    /// The column `name` refers to: an exact match, else the one match ignoring case.
    /// - Throws: `.invalidQuery` at `offset` for an unknown or ambiguous name.
    public func resolve(_ name: String, qualifier: String? = nil, at offset: Int) throws(StrataError) -> (name: String, type: DataType) {
        if let qualifier, !qualifiers.contains(where: { $0.lowercased() == qualifier.lowercased() }) {
            throw .invalidQuery(message: "unknown table '\(qualifier)'\(Suggestions.hint(for: qualifier, among: qualifiers))", offset: offset)
        }
        if let exact = columns.first(where: { $0.name == name }) { return exact }
        let folded = columns.filter { $0.name.lowercased() == name.lowercased() }
        if folded.count == 1 { return folded[0] }
        if folded.count > 1 { throw .invalidQuery(message: "column name '\(name)' is ambiguous; quote it exactly", offset: offset) }
        if let reason = unavailable[name] { throw .invalidQuery(message: reason, offset: offset) }
        // `_` is the placeholder column of a SELECT without FROM, never worth suggesting.
        throw .invalidQuery(message: "unknown column '\(name)'\(Suggestions.hint(for: name, among: columns.map(\.name).filter { $0 != "_" }))", offset: offset)
    }
}

/// Resolves names, checks types and folds constants (spec/sql.md, "Types").
public struct Binder: Sendable {
    /// The names and parameters in scope.
    public let scope: BindingScope

    /// A binder for `scope`.
    public init(_ scope: BindingScope) { self.scope = scope }

    /// Binds a condition: the result must be boolean (or NULL).
    /// - Throws: `.invalidQuery` pointing at the offending part.
    public func condition(_ expression: SQLExpression) throws(StrataError) -> BoundExpression {
        let bound = try bind(expression)
        guard bound.type == .bool || bound.type == .null else {
            throw .invalidQuery(message: "a condition must be true or false, this is \(bound.type)", offset: expression.offset)
        }
        return bound
    }

    /// Binds any expression.
    /// - Throws: `.invalidQuery` pointing at the offending part.
    public func bind(_ e: SQLExpression) throws(StrataError) -> BoundExpression {
        let bound = try bindNode(e)
        return try fold(bound, at: e.offset)
    }

    private func bindNode(_ e: SQLExpression) throws(StrataError) -> BoundExpression {
        switch e.node {
        case let .literal(value): return try literal(value, at: e.offset)
        case let .interval(interval): return .interval(interval)
        case let .column(qualifier, name):
            let column = try scope.resolve(name, qualifier: qualifier, at: e.offset)
            return .column(name: column.name, type: column.type)
        case let .parameter(n):
            guard n <= scope.parameters.count else {
                throw .invalidQuery(message: "no value for parameter $\(n): \(scope.parameters.count) given", offset: e.offset)
            }
            return try literal(scope.parameters[n - 1], at: e.offset)
        case let .vector(items):
            var elements: [Float] = []
            for item in items {
                let bound = try bind(item)
                guard case let .constant(value, type) = bound, type.isNumeric, let x = Self.double(value), Float(x).isFinite else {
                    throw .invalidQuery(message: "a vector literal holds finite numbers", offset: item.offset)
                }
                elements.append(Float(x))
            }
            guard !elements.isEmpty else { throw .invalidQuery(message: "a vector literal needs at least one element", offset: e.offset) }
            return .constant(.vector(elements), .vector(dimension: elements.count))
        case let .unary(op, operand):
            let bound = try bind(operand)
            switch op {
            case .not:
                try requireBool(bound, operand)
                return .not(bound)
            case .plus, .negate:
                guard bound.type.isNumeric || bound.type == .interval || bound.type == .null else {
                    throw .invalidQuery(message: "unary \(op.rawValue) needs a number, not \(bound.type)", offset: e.offset)
                }
                if op == .plus { return bound }
                if case let .interval(interval) = bound { return .interval(interval.negated) }
                return .negate(bound)
            }
        case let .binary(op, l, r): return try binary(op, l, r, at: e.offset)
        case let .isNull(operand, negated): return .isNull(try bind(operand), negated: negated)
        case let .inList(operand, items, negated): return try inList(operand, items, negated: negated, at: e.offset)
        case let .between(operand, low, high, negated):
            let both = BoundExpression.and([try comparison(.greaterOrEqual, operand, low, at: e.offset),
                                            try comparison(.lessOrEqual, operand, high, at: e.offset)])
            return negated ? .not(both) : both
        case let .like(operand, pattern, negated, ci):
            let value = try bind(operand)
            guard value.type == .string || value.type == .null else {
                throw .invalidQuery(message: "LIKE needs a string, not \(value.type)", offset: operand.offset)
            }
            guard case let .constant(p, _) = try bind(pattern), case let .string(text) = p else {
                throw .invalidQuery(message: "a LIKE pattern is a constant string", offset: pattern.offset)
            }
            return .like(value, LikePattern(text, caseInsensitive: ci), negated: negated)
        case let .call(name, arguments, named): return try call(name, arguments, named, at: e.offset)
        case let .jsonField(operand, key, asText):
            let base = try bind(operand)
            guard base.type == .json || base.type == .null else {
                throw .invalidQuery(message: "\(asText ? "->>" : "->") reads into a json value, not \(base.type)", offset: e.offset)
            }
            let step: JSONPathStep
            switch try bind(key) {
            case let .constant(.string(name), _): step = .member(name)
            case let .constant(.int(i), _) where i >= Int64(Int32.min) && i <= Int64(Int32.max): step = .element(Int(i))
            default: throw .invalidQuery(message: "a JSON key is a constant string (member) or integer (array element)", offset: key.offset)
            }
            if case let .jsonPath(inner, steps, false) = base { return .jsonPath(inner, steps + [step], asText: asText) }
            return .jsonPath(base, [step], asText: asText)
        case let .cast(operand, typeName):
            let target = try SQLType(parsing: typeName, offset: e.offset)
            let bound = try bind(operand)
            if case let .vector(dimension) = target {
                guard case let .constant(value, _) = bound, let vector = try? Self.vector(from: value), vector.count == dimension else {
                    throw .invalidQuery(message: "only a constant of \(dimension) numbers converts to \(target)", offset: e.offset)
                }
                return .constant(.vector(vector), target)
            }
            return .cast(bound, target)
        case let .caseWhen(clauses, otherwise):
            var bound: [BoundWhen] = []
            for clause in clauses {
                let condition = try bind(clause.condition)
                try requireBool(condition, clause.condition)
                bound.append(BoundWhen(condition: condition, result: try bind(clause.result)))
            }
            let other = try otherwise.map { (o) throws(StrataError) in try bind(o) } ?? .constant(.null, .null)
            var type = SQLType.null
            for result in bound.map(\.result) + [other] {
                guard let common = Self.common(type, result.type) else {
                    throw .invalidQuery(message: "CASE results of types \(type) and \(result.type) do not mix", offset: e.offset)
                }
                type = common
            }
            return .caseWhen(bound.map { BoundWhen(condition: $0.condition, result: convert($0.result, to: type)) },
                             otherwise: convert(other, to: type), type)
        }
    }

    private func requireBool(_ bound: BoundExpression, _ e: SQLExpression) throws(StrataError) {
        guard bound.type == .bool || bound.type == .null else {
            throw .invalidQuery(message: "expected true or false, found \(bound.type)", offset: e.offset)
        }
    }

    private func literal(_ value: Value, at offset: Int) throws(StrataError) -> BoundExpression {
        switch value {
        case .null: return .constant(.null, .null)
        case .bool: return .constant(value, .bool)
        case .int: return .constant(value, .int)
        case let .uint(v):
            guard v <= UInt64(Int64.max) else { throw .invalidQuery(message: "integer \(v) is out of the int range", offset: offset) }
            return .constant(.int(Int64(v)), .int)
        case let .float32(v): return .constant(.float64(Double(v)), .float)
        case .float64: return .constant(value, .float)
        case .timestamp: return .constant(value, .timestamp)
        case .string: return .constant(value, .string)
        case .binary: return .constant(value, .binary)
        case .json: return .constant(value, .json)
        case let .vector(v):
            guard !v.isEmpty, v.allSatisfy(\.isFinite) else { throw .invalidQuery(message: "a vector holds finite numbers", offset: offset) }
            return .constant(value, .vector(dimension: v.count))
        }
    }

    private func binary(_ op: BinaryOperator, _ l: SQLExpression, _ r: SQLExpression, at offset: Int) throws(StrataError) -> BoundExpression {
        switch op {
        case .and, .or:
            let left = try bind(l), right = try bind(r)
            try requireBool(left, l)
            try requireBool(right, r)
            var items: [BoundExpression] = []
            for side in [left, right] {
                if op == .and, case let .and(inner) = side { items += inner } else if op == .or, case let .or(inner) = side { items += inner } else { items.append(side) }
            }
            return op == .and ? .and(items) : .or(items)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return try comparison(op, l, r, at: offset)
        case .concat:
            let left = try bind(l), right = try bind(r)
            for (side, e) in [(left, l), (right, r)] where side.type == .interval || { if case .vector = side.type { true } else { false } }() {
                throw .invalidQuery(message: "|| joins text, not \(side.type)", offset: e.offset)
            }
            return .concat(left, right)
        case .l2Distance, .cosineDistance, .negativeInnerProduct:
            var left = try bind(l), right = try bind(r)
            if case let .vector(d) = left.type { right = try vectorOperand(right, dimension: d, r) }
            if case let .vector(d) = right.type { left = try vectorOperand(left, dimension: d, l) }
            guard case let .vector(a) = left.type, case let .vector(b) = right.type else {
                throw .invalidQuery(message: "\(op.rawValue) measures the distance between two vectors, not \(left.type) and \(right.type)", offset: offset)
            }
            guard a == b else { throw .invalidQuery(message: "vectors of dimensions \(a) and \(b) have no distance", offset: offset) }
            return .distance(op, left, right)
        case .add, .subtract, .multiply, .divide, .remainder:
            return try arithmetic(op, try bind(l), try bind(r), l, r, at: offset)
        }
    }

    /// A string or numeric-list constant read as a vector of `dimension` (so a query vector
    /// can be passed as JSON text `'[0.1, 0.2]'`).
    private func vectorOperand(_ bound: BoundExpression, dimension: Int, _ e: SQLExpression) throws(StrataError) -> BoundExpression {
        guard case let .constant(value, type) = bound, type == .string else { return bound }
        guard let vector = try? Self.vector(from: value), vector.count == dimension else {
            throw .invalidQuery(message: "expected a vector of \(dimension) numbers", offset: e.offset)
        }
        return .constant(.vector(vector), .vector(dimension: dimension))
    }

    private func arithmetic(_ op: BinaryOperator, _ left: BoundExpression, _ right: BoundExpression, _ l: SQLExpression, _ r: SQLExpression,
                            at offset: Int) throws(StrataError) -> BoundExpression {
        switch (left.type, right.type) {
        case (.timestamp, .interval) where op == .add || op == .subtract:
            guard case let .interval(interval) = right else {
                throw .invalidQuery(message: "a timestamp moves by a constant interval", offset: r.offset)
            }
            return .shift(left, op == .add ? interval : interval.negated)
        case (.interval, .timestamp) where op == .add:
            guard case let .interval(interval) = left else { throw .invalidQuery(message: "a timestamp moves by a constant interval", offset: l.offset) }
            return .shift(right, interval)
        case (.timestamp, .timestamp) where op == .subtract:
            return .elapsed(left, right)
        case (.interval, .interval) where op == .add || op == .subtract:
            if case let .interval(a) = left, case let .interval(b) = right {
                return .interval(Interval(months: a.months + (op == .add ? b.months : -b.months), micros: a.micros + (op == .add ? b.micros : -b.micros)))
            }
            return .arithmetic(op, try exactMicros(left, l), try exactMicros(right, r), .interval)
        default: break
        }
        if left.type == .null || right.type == .null { return .constant(.null, left.type == .null ? right.type : left.type) }
        guard left.type.isNumeric, right.type.isNumeric else {
            let hint = left.type == .string || right.type == .string ? " (join text with ||)" : ""
            throw .invalidQuery(message: "\(op.rawValue) is not defined for \(left.type) and \(right.type)\(hint)", offset: offset)
        }
        let type: SQLType = left.type == .float || right.type == .float ? .float : .int
        return .arithmetic(op, convert(left, to: type), convert(right, to: type), type)
    }

    /// An interval operand as microseconds; calendar months have no fixed length.
    private func exactMicros(_ bound: BoundExpression, _ e: SQLExpression) throws(StrataError) -> BoundExpression {
        guard case let .interval(interval) = bound else { return bound }
        guard interval.months == 0 else {
            throw .invalidQuery(message: "an interval of months or years has no fixed length here; use days", offset: e.offset)
        }
        return .constant(.int(interval.micros), .interval)
    }

    /// `l op r` with both sides brought to one type.
    private func comparison(_ op: BinaryOperator, _ l: SQLExpression, _ r: SQLExpression, at offset: Int) throws(StrataError) -> BoundExpression {
        var left = try bind(l), right = try bind(r)
        if left.type == .interval { left = try exactMicros(left, l) }
        if right.type == .interval { right = try exactMicros(right, r) }
        (left, right) = try unify(left, right, l, r, at: offset)
        if case let .vector(a) = left.type {
            guard op == .equal || op == .notEqual else {
                throw .invalidQuery(message: "vectors compare only with = and <>; order by distance with <->, <=> or <#>", offset: offset)
            }
            if case let .vector(b) = right.type, a != b {
                throw .invalidQuery(message: "vectors of dimensions \(a) and \(b) never compare equal", offset: offset)
            }
        }
        return .compare(op, left, right)
    }

    /// The two operands converted to one type, or an error saying why they cannot be.
    private func unify(_ left: BoundExpression, _ right: BoundExpression, _ l: SQLExpression, _ r: SQLExpression,
                       at offset: Int) throws(StrataError) -> (BoundExpression, BoundExpression) {
        let a = left.type, b = right.type
        if a == b || a == .null || b == .null { return (left, right) }
        if a.isNumeric && b.isNumeric { return (convert(left, to: .float), convert(right, to: .float)) }
        if a == .json { return b.isNumeric ? (.cast(left, .float), convert(right, to: .float)) : (.cast(left, b), right) }
        if b == .json { return a.isNumeric ? (convert(left, to: .float), .cast(right, .float)) : (left, .cast(right, a)) }
        if a == .timestamp, b == .string { return (left, try stringTo(.timestamp, right, r)) }
        if b == .timestamp, a == .string { return (try stringTo(.timestamp, left, l), right) }
        if case let .vector(d) = a { return (left, try vectorOperand(right, dimension: d, r)) }
        if case let .vector(d) = b { return (try vectorOperand(left, dimension: d, l), right) }
        let hint = (a == .timestamp && b == .int) || (a == .int && b == .timestamp)
            ? " (write TIMESTAMP '2025-01-31 12:00:00', or to_timestamp(seconds))" : ""
        throw .invalidQuery(message: "cannot compare \(a) with \(b)\(hint)", offset: offset)
    }

    /// A string converted to `type`: a constant at once (an error here points at it), a
    /// column at run time.
    private func stringTo(_ type: SQLType, _ bound: BoundExpression, _ e: SQLExpression) throws(StrataError) -> BoundExpression {
        guard case let .constant(value, _) = bound else { return .cast(bound, type) }
        do {
            return .constant(try Casts.convert(value, from: .string, to: type), type)
        } catch {
            throw .invalidQuery(message: "\(ExpressionPrinter.literal(value)) is not a \(type): write 'YYYY-MM-DD[ HH:MM[:SS]]'", offset: e.offset)
        }
    }

    /// `bound` as a value of `type`: a constant converted now, anything else at run time.
    private func convert(_ bound: BoundExpression, to type: SQLType) -> BoundExpression {
        if bound.type == type || bound.type == .null { return bound }
        if case let .constant(value, from) = bound, let converted = try? Casts.convert(value, from: from, to: type) {
            return .constant(converted, type)
        }
        return .cast(bound, type)
    }

    private func inList(_ operand: SQLExpression, _ items: [SQLExpression], negated: Bool, at offset: Int) throws(StrataError) -> BoundExpression {
        var value = try bind(operand)
        var bound: [BoundExpression] = []
        for item in items {
            let (_, converted) = try unify(value, try bind(item), operand, item, at: item.offset)
            bound.append(try fold(converted, at: item.offset))
        }
        guard bound.allSatisfy({ if case .constant = $0 { true } else { false } }) else {
            // Items that are not constants: an OR of equalities.
            var equalities: [BoundExpression] = []
            for item in items { equalities.append(try comparison(.equal, operand, item, at: offset)) }
            return negated ? .not(.or(equalities)) : .or(equalities)
        }
        // One type for the operand and every item: a float item makes an int operand float,
        // a JSON operand takes the items' type.
        var type = value.type
        if type == .int, bound.contains(where: { $0.type == .float }) { type = .float }
        if type == .json, let first = bound.first(where: { $0.type != .null && $0.type != .json }) { type = first.type }
        if type != value.type { value = convert(value, to: type) }
        var constants: [Value] = []
        for item in bound {
            guard case let .constant(v, t) = item else { continue }
            constants.append(t == type || v.isNull ? v : (try? Casts.convert(v, from: t, to: type)) ?? v)
        }
        return .inList(value, constants, negated: negated)
    }

    private func call(_ name: String, _ arguments: [SQLExpression], _ named: [SQLExpression.NamedArgument], at offset: Int) throws(StrataError) -> BoundExpression {
        if name == "now" {
            guard arguments.isEmpty, named.isEmpty else { throw .invalidQuery(message: "now() takes no arguments", offset: offset) }
            return .constant(.timestamp(scope.now), .timestamp)
        }
        if name == "match" || name == "rrf" || name == "fuse_linear" {
            throw .invalidQuery(message: "\(name)(…) is a search, not a value: use MATCH as a condition of WHERE (joined by AND) and rrf or fuse_linear in ORDER BY", offset: offset)
        }
        guard let function = ScalarFunction(rawValue: name) else {
            throw .invalidQuery(message: "unknown function '\(name)'\(Suggestions.hint(for: name, among: ScalarFunction.allNames))", offset: offset)
        }
        guard named.isEmpty else { throw .invalidQuery(message: "\(name)() takes no named arguments", offset: named[0].value.offset) }
        var bound: [BoundExpression] = []
        for argument in arguments { bound.append(try bind(argument)) }
        let types = bound.map(\.type)
        func arity(_ range: ClosedRange<Int>) throws(StrataError) {
            guard range.contains(bound.count) else {
                let want = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
                throw .invalidQuery(message: "\(name)() takes \(want) argument\(range.upperBound == 1 ? "" : "s"), got \(bound.count)", offset: offset)
            }
        }
        func need(_ ok: (SQLType) -> Bool, _ what: String, _ i: Int = 0) throws(StrataError) {
            guard types[i] == .null || ok(types[i]) else {
                throw .invalidQuery(message: "\(name)() needs \(what), not \(types[i])", offset: arguments[i].offset)
            }
        }
        switch function {
        case .lower, .upper, .length:
            try arity(1...1)
            try need({ $0 == .string }, "a string")
        case .abs, .floor, .ceil:
            try arity(1...1)
            try need(\.isNumeric, "a number")
        case .round:
            try arity(1...2)
            try need(\.isNumeric, "a number")
            if bound.count == 2 { try need({ $0 == .int }, "an integer number of digits", 1) }
            if types[0] == .int && bound.count == 1 { return bound[0] }
        case .coalesce:
            try arity(1...64)
            var type = SQLType.null
            for (i, t) in types.enumerated() {
                guard let common = Self.common(type, t) else {
                    throw .invalidQuery(message: "coalesce() arguments of types \(type) and \(t) do not mix", offset: arguments[i].offset)
                }
                type = common
            }
            bound = bound.map { convert($0, to: type) }
        case .toTimestamp:
            try arity(1...1)
            try need(\.isNumeric, "seconds since 1970 (a number)")
        case .epoch:
            try arity(1...1)
            try need({ $0 == .timestamp }, "a timestamp")
        }
        return .function(function, bound)
    }

    /// Evaluates a subtree that reads no column once, at bind time (so `now() - INTERVAL
    /// '1 day'` is one constant, and a bad constant fails before any row is read).
    private func fold(_ bound: BoundExpression, at offset: Int) throws(StrataError) -> BoundExpression {
        switch bound {
        case .constant, .interval, .column: return bound
        default: break
        }
        guard bound.columns.isEmpty, bound.type != .interval else { return bound }
        do {
            let value = try Evaluator(rowsWithoutColumns: 1).evaluate(bound).value(0, type: bound.type)
            return .constant(value, bound.type)
        } catch let StrataError.invalidQuery(message, _) {
            throw .invalidQuery(message: message, offset: offset)
        }
    }

    /// The type both fit in, nil when there is none.
    static func common(_ a: SQLType, _ b: SQLType) -> SQLType? {
        if a == b || b == .null { return a }
        if a == .null { return b }
        if a.isNumeric && b.isNumeric { return .float }
        return nil
    }

    package static func double(_ value: Value) -> Double? {
        switch value {
        case let .int(v): return Double(v)
        case let .uint(v): return Double(v)
        case let .float32(v): return Double(v)
        case let .float64(v): return v
        default: return nil
        }
    }

    /// A vector value, or a string of JSON numbers `[…]`, as floats.
    package static func vector(from value: Value) throws(StrataError) -> [Float] {
        switch value {
        case let .vector(v): return v
        case let .string(text), let .json(text):
            guard case let .array(items) = try JSONParser.parse(text) else { throw .invalidInput(what: "vector", why: "not an array") }
            var out: [Float] = []
            for item in items {
                guard case let .number(n) = item, let x = Float(n), x.isFinite else { throw .invalidInput(what: "vector", why: "not numbers") }
                out.append(x)
            }
            guard !out.isEmpty else { throw .invalidInput(what: "vector", why: "empty") }
            return out
        default: throw .invalidInput(what: "vector", why: "not a vector")
        }
    }
}
