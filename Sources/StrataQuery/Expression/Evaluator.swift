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
        case let .interval(interval):
            // Intervals reach evaluation only to be shown (comparisons and arithmetic take
            // them as microseconds at bind time): their text keeps the months.
            return .constant(.string(interval.description), count: n)
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
        case let .function(.coalesce, arguments):
            return try coalesce(arguments, type: expression.type)
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

    /// Each row takes the result of the first clause whose condition is true. Each result
    /// is evaluated only on the rows that take it, so a branch never taken cannot fail.
    private func caseWhen(_ clauses: [BoundWhen], _ otherwise: BoundExpression, _ type: SQLType) throws(StrataError) -> EvalVector {
        var chosen = [Int](repeating: clauses.count, count: count)
        var open = Array(0..<count)  // rows no condition has taken yet
        for (i, clause) in clauses.enumerated() where !open.isEmpty {
            let codes = try restricted(to: open).evaluate(clause.condition).codes
            var still: [Int] = []
            for (j, row) in open.enumerated() {
                if codes[j] == EvalVector.trueCode { chosen[row] = i } else { still.append(row) }
            }
            open = still
        }
        return try assemble(type: type, parts: (clauses.map(\.result) + [otherwise]).indices.map { i in
            (i < clauses.count ? clauses[i].result : otherwise, (0..<count).filter { chosen[$0] == i })
        })
    }

    /// The first non-null argument per row, each argument evaluated only on the rows still
    /// null after the ones before it.
    private func coalesce(_ arguments: [BoundExpression], type: SQLType) throws(StrataError) -> EvalVector {
        var values = [Value](repeating: .null, count: count)
        var open = Array(0..<count)
        for argument in arguments where !open.isEmpty {
            let part = try restricted(to: open).evaluate(argument)
            var still: [Int] = []
            for (j, row) in open.enumerated() {
                let value = part.value(j, type: argument.type)
                if value.isNull { still.append(row) } else { values[row] = try Casts.convert(value, from: argument.type, to: type) }
            }
            open = still
        }
        return try .of(EvalVector.column(values, type: type))
    }

    /// Rows of each part's expression, evaluated on those rows only, placed back in order.
    private func assemble(type: SQLType, parts: [(BoundExpression, [Int])]) throws(StrataError) -> EvalVector {
        var values = [Value](repeating: .null, count: count)
        for (expression, rows) in parts where !rows.isEmpty {
            let part = try restricted(to: rows).evaluate(expression)
            for (j, row) in rows.enumerated() { values[row] = part.value(j, type: type) }
        }
        return try .of(EvalVector.column(values, type: type))
    }

    /// An evaluator over `rows` of this one's batch.
    private func restricted(to rows: [Int]) -> Evaluator {
        if rows.count == count { return self }
        if batch.schema.fields.isEmpty { return Evaluator(rowsWithoutColumns: rows.count) }
        return Evaluator(RecordBatch(checked: batch.schema, columns: batch.columns.map { $0.gather(rows) }))
    }
}
