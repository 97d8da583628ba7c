import StrataCore
import StrataQuery

/// A call of a function an extension added, its arguments folded to constants.
public struct ExtensionCall: Sendable {
    /// The function's name, lower-cased.
    public let name: String
    /// The positional arguments.
    public let arguments: [Value]
    /// The named arguments (`name => value`), names lower-cased.
    public let named: [String: Value]
    /// Where the call starts in the statement (for errors).
    public let offset: Int

    /// The argument at `position`, else the one named `name`, else nil; NULL counts as absent.
    public func value(_ position: Int?, named name: String) -> Value? {
        if let position, position < arguments.count, !arguments[position].isNull { return arguments[position] }
        if let value = named[name], !value.isNull { return value }
        return nil
    }

    /// A text argument (positional at `position`, or named `name`).
    /// - Throws: `.invalidQuery` when it is missing (and `required`) or not text.
    public func string(_ position: Int?, named name: String, required: Bool = false) throws(StrataError) -> String? {
        guard let value = value(position, named: name) else {
            if required { throw .invalidQuery(message: "\(self.name) needs its argument '\(name)'", offset: offset) }
            return nil
        }
        guard case let .string(text) = value else { throw .invalidQuery(message: "\(self.name)'s argument '\(name)' must be text", offset: offset) }
        return text
    }

    /// An integer argument (positional at `position`, or named `name`).
    public func int(_ position: Int?, named name: String) throws(StrataError) -> Int? {
        guard let value = value(position, named: name) else { return nil }
        guard case let .int(n) = value, let small = Int(exactly: n) else { throw .invalidQuery(message: "\(self.name)'s argument '\(name)' must be an integer", offset: offset) }
        return small
    }

    /// Rejects named arguments outside `known` (a misspelt option would be silently ignored)
    /// and positional ones past `positional`.
    public func check(positional: Int, known: [String]) throws(StrataError) {
        guard arguments.count <= positional else {
            throw .invalidQuery(message: "\(name) takes at most \(positional) positional argument\(positional == 1 ? "" : "s")", offset: offset)
        }
        for key in named.keys.sorted() where !known.contains(key) {
            throw .invalidQuery(message: "\(name) has no argument '\(key)'\(Suggestions.hint(for: key, among: known))", offset: offset)
        }
    }
}

/// Rows a table function returns for a call.
public typealias TableFunctionBody = @Sendable (ExtensionCall) async throws(StrataError) -> RecordBatch
/// The value a constant function returns for a call (evaluated once, before planning).
public typealias ConstantFunctionBody = @Sendable (ExtensionCall) async throws(StrataError) -> Value

/// The functions extensions added to one database.
struct DatabaseExtensions {
    var tableFunctions: [String: TableFunctionBody] = [:]
    var constantFunctions: [String: ConstantFunctionBody] = [:]
}

extension Database {
    /// Adds table function `name` (`SELECT … FROM name(args, key => value)`), replacing
    /// one of the same name. Its arguments must be constants (or parameters, or constant
    /// functions of constants); its rows are then filtered, sorted and projected like a table's.
    public func register(tableFunction name: String, _ body: @escaping TableFunctionBody) {
        extensions.withLock { $0.tableFunctions[name.lowercased()] = body }
    }

    /// Adds constant function `name`: a call whose arguments are constants is replaced by
    /// its value before the statement is planned (so `ORDER BY v <=> embed('text')` is a
    /// vector search with a constant query vector).
    public func register(constantFunction name: String, _ body: @escaping ConstantFunctionBody) {
        extensions.withLock { $0.constantFunctions[name.lowercased()] = body }
    }

    /// The table functions statements may call: built in and registered.
    public var tableFunctionNames: [String] {
        (TableFunctions.builtIn + extensions.withLock { Array($0.tableFunctions.keys) }).sorted()
    }

    /// The constant functions registered.
    public var constantFunctionNames: [String] {
        extensions.withLock { Array($0.constantFunctions.keys) }.sorted()
    }

    /// The rows of a table-function call: a registered function's, else a built-in's.
    func tableFunctionRows(_ name: String, _ arguments: [SQLExpression], _ named: [SQLExpression.NamedArgument], parameters: [Value],
                           at offset: Int) async throws(StrataError) -> RecordBatch {
        guard let body = extensions.withLock({ $0.tableFunctions[name] }) else {
            if let first = named.first { throw .invalidQuery(message: "\(name) takes no named arguments", offset: first.value.offset) }
            return try TableFunctions.rows(name, arguments, parameters: parameters, at: offset, known: tableFunctionNames)
        }
        let call = try await call(name, arguments, named, parameters: parameters, at: offset)
        return try await Self.pointingAtCall(call) { () async throws(StrataError) in try await body(call) }
    }

    /// `work`'s result; an input error it throws becomes a query error at the call, so the
    /// caret points at it.
    static func pointingAtCall<T>(_ call: ExtensionCall, _ work: () async throws(StrataError) -> T) async throws(StrataError) -> T {
        do throws(StrataError) {
            return try await work()
        } catch let .invalidInput(what, why) {
            throw .invalidQuery(message: "\(call.name): invalid \(what): \(why)", offset: call.offset)
        } catch let .notFound(path) {
            throw .invalidQuery(message: "\(call.name): \(path) not found", offset: call.offset)
        }
    }

    /// A call with its arguments bound and folded to constants.
    private func call(_ name: String, _ arguments: [SQLExpression], _ named: [SQLExpression.NamedArgument], parameters: [Value],
                      at offset: Int) async throws(StrataError) -> ExtensionCall {
        let binder = Binder(BindingScope(columns: [], parameters: parameters, now: Timestamp.now()))
        func constant(_ e: SQLExpression) async throws(StrataError) -> Value {
            guard case let .constant(value, _) = try binder.bind(try await folded(e, parameters: parameters)) else {
                throw .invalidQuery(message: "\(name)'s arguments are constants", offset: e.offset)
            }
            return value
        }
        var positional: [Value] = []
        for argument in arguments { positional.append(try await constant(argument)) }
        var byName: [String: Value] = [:]
        for argument in named {
            guard byName[argument.name] == nil else { throw .invalidQuery(message: "\(name) names '\(argument.name)' twice", offset: argument.value.offset) }
            byName[argument.name] = try await constant(argument.value)
        }
        return ExtensionCall(name: name, arguments: positional, named: byName, offset: offset)
    }

    /// `select` with every call of a constant function replaced by its value.
    func folded(_ select: SelectStatement, parameters: [Value]) async throws(StrataError) -> SelectStatement {
        guard extensions.withLock({ !$0.constantFunctions.isEmpty }) else { return select }
        var select = select
        for i in select.query.items.indices {
            // A folded item keeps the name its text gives it (`embed('x')`, not its vector).
            if case let .expression(e, alias) = select.query.items[i] {
                let folding = try await folded(e, parameters: parameters)
                select.query.items[i] = .expression(folding, alias: alias ?? (folding != e ? e.description : nil))
            }
        }
        if let filter = select.query.filter { select.query.filter = try await folded(filter, parameters: parameters) }
        for i in select.query.orderBy.indices { select.query.orderBy[i].expression = try await folded(select.query.orderBy[i].expression, parameters: parameters) }
        return select
    }

    /// `e` with every call of a constant function replaced by its value.
    func folded(_ e: SQLExpression, parameters: [Value]) async throws(StrataError) -> SQLExpression {
        func fold(_ x: SQLExpression) async throws(StrataError) -> SQLExpression { try await folded(x, parameters: parameters) }
        func node(_ n: SQLExpression.Node) -> SQLExpression { SQLExpression(n, at: e.offset) }
        switch e.node {
        case .literal, .interval, .column, .parameter:
            return e
        case let .vector(items):
            var out: [SQLExpression] = []
            for item in items { out.append(try await fold(item)) }
            return node(.vector(out))
        case let .unary(op, x): return node(.unary(op, try await fold(x)))
        case let .binary(op, l, r): return node(.binary(op, try await fold(l), try await fold(r)))
        case let .isNull(x, negated): return node(.isNull(try await fold(x), negated: negated))
        case let .inList(x, items, negated):
            var out: [SQLExpression] = []
            for item in items { out.append(try await fold(item)) }
            return node(.inList(try await fold(x), out, negated: negated))
        case let .between(x, low, high, negated): return node(.between(try await fold(x), low: try await fold(low), high: try await fold(high), negated: negated))
        case let .like(x, pattern, negated, ci): return node(.like(try await fold(x), pattern: try await fold(pattern), negated: negated, caseInsensitive: ci))
        case let .jsonField(x, key, asText): return node(.jsonField(try await fold(x), key: try await fold(key), asText: asText))
        case let .cast(x, type): return node(.cast(try await fold(x), typeName: type))
        case let .caseWhen(clauses, otherwise):
            var out: [SQLExpression.WhenClause] = []
            for clause in clauses { out.append(.init(condition: try await fold(clause.condition), result: try await fold(clause.result))) }
            var foldedOtherwise: SQLExpression?
            if let otherwise { foldedOtherwise = try await fold(otherwise) }
            return node(.caseWhen(out, otherwise: foldedOtherwise))
        case let .call(name, arguments, named):
            var folded: [SQLExpression] = []
            for argument in arguments { folded.append(try await fold(argument)) }
            var foldedNamed: [SQLExpression.NamedArgument] = []
            for argument in named { foldedNamed.append(.init(name: argument.name, value: try await fold(argument.value))) }
            guard let body = extensions.withLock({ $0.constantFunctions[name] }) else {
                return node(.call(name: name, arguments: folded, named: foldedNamed))
            }
            let call = try await call(name, folded, foldedNamed, parameters: parameters, at: e.offset)
            return node(.literal(try await Self.pointingAtCall(call) { () async throws(StrataError) in try await body(call) }))
        }
    }
}
