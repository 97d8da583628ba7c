import StrataCore

/// Arithmetic kernels. Integer overflow and division by zero are errors, as in PostgreSQL:
/// a wrong number is worse than a failed statement.
package enum Arithmetic {
    static func apply(_ op: BinaryOperator, _ a: EvalVector, _ b: EvalVector, type: SQLType, text: String) throws(StrataError) -> EvalVector {
        let n = max(a.count, b.count)
        if type == .float {
            let x = Comparisons.floats(a), y = Comparisons.floats(b)
            var out = [Double](repeating: 0, count: n), valid = [Bool](repeating: true, count: n)
            for row in 0..<n {
                guard let p = element(x, row), let q = element(y, row) else { valid[row] = false; continue }
                switch op {
                case .add: out[row] = p + q
                case .subtract: out[row] = p - q
                case .multiply: out[row] = p * q
                case .divide:
                    guard q != 0 else { throw .invalidQuery(message: "division by zero in \(text)", offset: nil) }
                    out[row] = p / q
                default:
                    guard q != 0 else { throw .invalidQuery(message: "division by zero in \(text)", offset: nil) }
                    out[row] = p.truncatingRemainder(dividingBy: q)
                }
            }
            return .floats(out, valid: valid.allSatisfy { $0 } ? nil : valid)
        }
        let x = Comparisons.ints(a), y = Comparisons.ints(b)
        var out = [Int64](repeating: 0, count: n), valid = [Bool](repeating: true, count: n)
        for row in 0..<n {
            guard let p = element(x, row), let q = element(y, row) else { valid[row] = false; continue }
            var result: (partialValue: Int64, overflow: Bool)
            switch op {
            case .add: result = p.addingReportingOverflow(q)
            case .subtract: result = p.subtractingReportingOverflow(q)
            case .multiply: result = p.multipliedReportingOverflow(by: q)
            case .divide:
                guard q != 0 else { throw .invalidQuery(message: "division by zero in \(text)", offset: nil) }
                result = p.dividedReportingOverflow(by: q)
            default:
                guard q != 0 else { throw .invalidQuery(message: "division by zero in \(text)", offset: nil) }
                result = p.remainderReportingOverflow(dividingBy: q)
            }
            guard !result.overflow else { throw .invalidQuery(message: "integer out of range in \(text)", offset: nil) }
            out[row] = result.partialValue
        }
        return .ints(out, valid: valid.allSatisfy { $0 } ? nil : valid)
    }

    /// Timestamps moved by an interval.
    static func shift(_ a: EvalVector, by interval: Interval, text: String) throws(StrataError) -> EvalVector {
        let x = Comparisons.ints(a)
        var out = [Int64](repeating: 0, count: a.count), valid = [Bool](repeating: true, count: a.count)
        for row in 0..<a.count {
            guard let p = element(x, row) else { valid[row] = false; continue }
            guard let moved = interval.added(to: p), Self.timestampRange.contains(moved) else {
                throw .invalidQuery(message: "timestamp out of range (years 1…9999) in \(text)", offset: nil)
            }
            out[row] = moved
        }
        return .ints(out, valid: valid.allSatisfy { $0 } ? nil : valid)
    }

    /// The timestamps ISO-8601 text can carry: 0001-01-01 to 9999-12-31T23:59:59.999999.
    package static let timestampRange: ClosedRange<Int64> = -62_135_596_800_000_000 ... 253_402_300_799_999_999

    /// Row `row` of an operand, nil when null.
    @inline(__always)
    static func element<T>(_ operand: Operand<T>, _ row: Int) -> T? {
        switch operand {
        case let .array(values, valid): return valid?[row] == false ? nil : values[row]
        case let .scalar(v): return v
        case .null: return nil
        }
    }
}
