import StrataCore
import StrataIndex

/// Evaluates bound expressions over whole batches (spec/sql.md, "Evaluation"): each node
/// turns its operands' vectors into one vector, so work per row is a tight loop, not a
/// walk of the tree. NULL follows SQL: an operator with a null operand yields null, AND
/// and OR use three-valued logic, and a filter keeps only the rows where it is true.
package struct Evaluator {
    /// The rows expressions read their columns from.
    package let batch: RecordBatch

    /// The number of rows evaluated.
    package let count: Int

    /// An evaluator over `batch`.
    package init(_ batch: RecordBatch) {
        self.batch = batch
        count = batch.rowCount
    }

    /// An evaluator over `count` rows without columns (for constant expressions).
    package init(rowsWithoutColumns count: Int) {
        batch = RecordBatch(checked: try! Schema(fields: []), columns: [])
        self.count = count
    }

    /// The rows (ascending) where `condition` is true.
    package func matchingRows(_ condition: BoundExpression) throws(StrataError) -> [Int] {
        let result = try evaluate(condition)
        if case let .constant(value, _) = result { return value == .bool(true) ? Array(0..<count) : [] }
        let codes = result.codes
        var rows: [Int] = []
        rows.reserveCapacity(codes.count)
        for row in codes.indices where codes[row] == EvalVector.trueCode { rows.append(row) }
        return rows
    }

    /// The values of `expression` for every row.
    /// - Throws: `.invalidQuery` for an integer overflow, a division by zero, a failed cast,
    ///   or a timestamp out of range.
    package func evaluate(_ expression: BoundExpression) throws(StrataError) -> EvalVector {
        let n = count
        switch expression {
        case let .constant(value, _): return .constant(value, count: n)
        case let .interval(interval): return .constant(.int(interval.micros), count: n)
        case let .column(name, _):
            guard let column = batch.column(named: name) else {
                throw .invalidQuery(message: "column '\(name)' is missing from the input rows", offset: nil)
            }
            return try .of(column)
        case let .not(operand):
            let codes = try evaluate(operand).codes
            return .bools(codes.map { EvalVector.trueCode - $0 })
        case let .and(items): return try logical(items, and: true)
        case let .or(items): return try logical(items, and: false)
        case let .compare(op, l, r):
            return try Comparisons.compare(op, try evaluate(l), try evaluate(r), type: l.type)
        case let .arithmetic(op, l, r, type):
            return try Arithmetic.apply(op, try evaluate(l), try evaluate(r), type: type, text: expression.description)
        case let .negate(operand):
            return try Arithmetic.apply(.subtract, .constant(operand.type == .float ? .float64(0) : .int(0), count: n), try evaluate(operand),
                                        type: operand.type, text: expression.description)
        case let .shift(operand, interval):
            return try Arithmetic.shift(try evaluate(operand), by: interval, text: expression.description)
        case let .elapsed(l, r):
            return try Arithmetic.apply(.subtract, try evaluate(l), try evaluate(r), type: .int, text: expression.description)
        case let .concat(l, r):
            return try Functions.concat(try evaluate(l), l.type, try evaluate(r), r.type)
        case let .distance(op, l, r):
            return try Functions.distance(op, try evaluate(l), try evaluate(r), count: n)
        case let .isNull(operand, negated):
            let values = try evaluate(operand)
            return .bools((0..<n).map { values.isNull($0) != negated ? EvalVector.trueCode : EvalVector.falseCode })
        case let .inList(operand, list, negated):
            return try Comparisons.inList(try evaluate(operand), list, type: operand.type, negated: negated)
        case let .like(operand, pattern, negated):
            return Comparisons.like(try evaluate(operand), pattern, negated: negated)
        case let .function(function, arguments):
            var values: [EvalVector] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            return try Functions.apply(function, values, types: arguments.map(\.type), count: n)
        case let .jsonPath(operand, steps, asText):
            return Functions.jsonPath(try evaluate(operand), steps, asText: asText)
        case let .cast(operand, type):
            return try Casts.cast(try evaluate(operand), from: operand.type, to: type)
        case let .caseWhen(clauses, otherwise, type):
            return try caseWhen(clauses, otherwise, type)
        }
    }

    /// AND (minimum of codes) or OR (maximum), skipping the rest once every row is decided.
    private func logical(_ items: [BoundExpression], and: Bool) throws(StrataError) -> EvalVector {
        var codes = [UInt8](repeating: and ? EvalVector.trueCode : EvalVector.falseCode, count: count)
        let decided = and ? EvalVector.falseCode : EvalVector.trueCode
        for item in items {
            let next = try evaluate(item)
            if case let .constant(value, _) = next {
                let code = value == .bool(true) ? EvalVector.trueCode : value == .bool(false) ? EvalVector.falseCode : EvalVector.unknownCode
                for row in codes.indices { codes[row] = and ? min(codes[row], code) : max(codes[row], code) }
            } else {
                let other = next.codes
                for row in codes.indices { codes[row] = and ? min(codes[row], other[row]) : max(codes[row], other[row]) }
            }
            if codes.allSatisfy({ $0 == decided }) { break }
        }
        return .bools(codes)
    }

    /// Each row takes the result of the first clause whose condition is true.
    private func caseWhen(_ clauses: [BoundWhen], _ otherwise: BoundExpression, _ type: SQLType) throws(StrataError) -> EvalVector {
        let n = count
        var chosen = [Int](repeating: clauses.count, count: n)
        for (i, clause) in clauses.enumerated() {
            let codes = try evaluate(clause.condition).codes
            for row in 0..<n where chosen[row] == clauses.count && codes[row] == EvalVector.trueCode { chosen[row] = i }
        }
        var results: [EvalVector] = []
        for clause in clauses { results.append(try evaluate(clause.result)) }
        results.append(try evaluate(otherwise))
        var builder = ColumnBuilder(type: type.dataType, capacity: n)
        for row in 0..<n {
            let value = results[chosen[row]].value(row, type: type)
            if value.isNull { builder.appendNull() } else { try? builder.append(value) }
        }
        return try .of(builder.finish())
    }
}
