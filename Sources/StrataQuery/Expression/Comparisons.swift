import StrataCore

/// One operand of a vectorised comparison: a whole column of values or one value for all.
enum Operand<T> {
    case array([T], valid: [Bool]?)
    case scalar(T)
    case null
}

/// Comparison kernels: `= <> < <= > >=`, IN and LIKE, in Kleene codes.
enum Comparisons {
    static func compare(_ op: BinaryOperator, _ a: EvalVector, _ b: EvalVector, type: SQLType) throws(StrataError) -> EvalVector {
        let n = max(a.count, b.count)
        switch type {
        case .int, .timestamp, .interval:
            return .bools(numeric(op, ints(a), ints(b), count: n))
        case .float:
            return .bools(numeric(op, floats(a), floats(b), count: n))
        case .bool:
            let x = a.codes, y = b.codes
            return .bools((0..<n).map { row in
                let p = x[row], q = y[row]
                guard p != EvalVector.unknownCode, q != EvalVector.unknownCode else { return EvalVector.unknownCode }
                return holds(op, p, q) ? EvalVector.trueCode : EvalVector.falseCode
            })
        case .vector:
            // By value, element by element (-0.0 equals 0.0), not by stored bits.
            return .bools((0..<n).map { row in
                guard case let .vector(x) = a.value(row, type: type), case let .vector(y) = b.value(row, type: type) else { return EvalVector.unknownCode }
                let same = x.count == y.count && zip(x, y).allSatisfy { $0 == $1 }
                return (op == .equal) == same ? EvalVector.trueCode : EvalVector.falseCode
            })
        case .string, .binary, .json:
            if case let .buffer(column) = a, column.type.isVariableWidth, case let .constant(value, _) = b, let y = constantBytes(value) {
                return .bools(againstConstant(column, y) { holds(op, $0, 0) })
            }
            if case let .buffer(column) = b, column.type.isVariableWidth, case let .constant(value, _) = a, let x = constantBytes(value) {
                return .bools(againstConstant(column, x) { holds(op.swapped, $0, 0) })
            }
            return .bools((0..<n).map { row in
                guard let x = bytes(a, row), let y = bytes(b, row) else { return EvalVector.unknownCode }
                let sign = x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { q in Self.order(p, q) } }
                return holds(op, sign, 0) ? EvalVector.trueCode : EvalVector.falseCode
            })
        case .null:
            return .constant(.null, count: n)
        }
    }

    /// Each row of a variable-width column ordered against `constant`, then `test`ed.
    @inline(__always)
    static func againstConstant(_ column: ColumnBuffer, _ constant: [UInt8], _ test: (Int) -> Bool) -> [UInt8] {
        var out = [UInt8](repeating: EvalVector.unknownCode, count: column.count)
        column.values.withUnsafeBufferPointer { values in
            constant.withUnsafeBufferPointer { y in
                for row in 0..<column.count where !column.isNull(row) {
                    let start = column.offsets[row], end = column.offsets[row + 1]
                    let x = UnsafeBufferPointer(rebasing: values[start..<end])
                    out[row] = test(order(x, y)) ? EvalVector.trueCode : EvalVector.falseCode
                }
            }
        }
        return out
    }

    /// Whether `x op y` holds.
    @inline(__always)
    static func holds<T: Comparable>(_ op: BinaryOperator, _ x: T, _ y: T) -> Bool {
        switch op {
        case .equal: return x == y
        case .notEqual: return x != y
        case .less: return x < y
        case .lessOrEqual: return x <= y
        case .greater: return x > y
        case .greaterOrEqual: return x >= y
        default: return false
        }
    }

    /// Compares two numeric operands row by row. NaN compares with nothing (the result is
    /// unknown), as the table's filters and zone maps treat it, so a plan's choice of path
    /// never changes an answer.
    static func numeric<T: Comparable>(_ op: BinaryOperator, _ a: Operand<T>, _ b: Operand<T>, count n: Int) -> [UInt8] {
        var out = [UInt8](repeating: EvalVector.unknownCode, count: n)
        switch (a, b) {
        case (.null, _), (_, .null): return out
        case let (.array(x, valid), .scalar(y)):
            guard y == y else { return out }
            for row in 0..<n where valid?[row] ?? true && x[row] == x[row] {
                out[row] = holds(op, x[row], y) ? EvalVector.trueCode : EvalVector.falseCode
            }
        case let (.scalar(x), .array(y, valid)):
            guard x == x else { return out }
            for row in 0..<n where valid?[row] ?? true && y[row] == y[row] {
                out[row] = holds(op, x, y[row]) ? EvalVector.trueCode : EvalVector.falseCode
            }
        case let (.array(x, vx), .array(y, vy)):
            for row in 0..<n where (vx?[row] ?? true) && (vy?[row] ?? true) && x[row] == x[row] && y[row] == y[row] {
                out[row] = holds(op, x[row], y[row]) ? EvalVector.trueCode : EvalVector.falseCode
            }
        case let (.scalar(x), .scalar(y)):
            if x == x && y == y { out = [UInt8](repeating: holds(op, x, y) ? EvalVector.trueCode : EvalVector.falseCode, count: n) }
        }
        return out
    }

    /// An int, timestamp or interval vector as an operand.
    static func ints(_ v: EvalVector) -> Operand<Int64> {
        switch v {
        case let .ints(values, valid): return .array(values, valid: valid)
        case let .constant(.int(x), _), let .constant(.timestamp(x), _): return .scalar(x)
        case let .constant(.uint(x), _): return x <= UInt64(Int64.max) ? .scalar(Int64(x)) : .null
        default: return .null
        }
    }

    /// A float vector as an operand.
    static func floats(_ v: EvalVector) -> Operand<Double> {
        switch v {
        case let .floats(values, valid): return .array(values, valid: valid)
        case let .ints(values, valid): return .array(values.map(Double.init), valid: valid)
        case let .constant(.float64(x), _): return .scalar(x)
        case let .constant(.float32(x), _): return .scalar(Double(x))
        case let .constant(.int(x), _): return .scalar(Double(x))
        default: return .null
        }
    }

    /// The bytes of row `row` of a string, binary, json or vector vector (nil when null).
    static func bytes(_ v: EvalVector, _ row: Int) -> [UInt8]? {
        switch v {
        case let .buffer(column):
            if column.isNull(row) { return nil }
            if column.type.isVariableWidth { return Array(column.bytes(at: row)) }
            guard let width = column.type.fixedWidth else { return nil }
            return Array(column.values[(row * width)..<((row + 1) * width)])
        case let .constant(value, _): return constantBytes(value)
        default: return nil
        }
    }

    /// The bytes of a constant as its column would store them.
    static func constantBytes(_ value: Value) -> [UInt8]? {
        switch value {
        case let .string(s), let .json(s): return Array(s.utf8)
        case let .binary(b): return b
        case let .vector(v): return v.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }
        default: return nil
        }
    }

    /// Byte-wise order (UTF-8 byte order is code point order).
    static func order(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(x.count, y.count)
        for i in 0..<common where x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
        return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
    }

    /// `operand [NOT] IN (list)`: true when a list value equals it; otherwise unknown when
    /// the operand or a list value is null, else false (then negated for NOT IN).
    static func inList(_ operand: EvalVector, _ list: [Value], type: SQLType, negated: Bool) throws(StrataError) -> EvalVector {
        let n = operand.count
        let listHasNull = list.contains { $0.isNull }
        let miss = listHasNull ? EvalVector.unknownCode : EvalVector.falseCode
        var codes = [UInt8](repeating: EvalVector.unknownCode, count: n)
        switch type {
        case .int, .timestamp, .interval:
            let set = Set(list.compactMap { value -> Int64? in if case let .int(v) = value { v } else if case let .timestamp(v) = value { v } else { nil } })
            if case let .array(values, valid) = ints(operand) {
                for row in 0..<n where valid?[row] ?? true { codes[row] = set.contains(values[row]) ? EvalVector.trueCode : miss }
            } else if case let .scalar(x) = ints(operand) {
                codes = [UInt8](repeating: set.contains(x) ? EvalVector.trueCode : miss, count: n)
            }
        case .float:
            let set = Set(list.compactMap { value -> Double? in if case let .float64(v) = value { v } else { nil } })
            if case let .array(values, valid) = floats(operand) {
                for row in 0..<n where valid?[row] ?? true && !values[row].isNaN { codes[row] = set.contains(values[row]) ? EvalVector.trueCode : miss }
            } else if case let .scalar(x) = floats(operand), !x.isNaN {
                codes = [UInt8](repeating: set.contains(x) ? EvalVector.trueCode : miss, count: n)
            }
        case .bool:
            let set = Set(list.compactMap { value -> UInt8? in if case let .bool(b) = value { b ? EvalVector.trueCode : EvalVector.falseCode } else { nil } })
            for row in 0..<n where operand.code(row) != EvalVector.unknownCode { codes[row] = set.contains(operand.code(row)) ? EvalVector.trueCode : miss }
        default:
            let set = Set(list.compactMap(constantBytes))
            for row in 0..<n { if let x = bytes(operand, row) { codes[row] = set.contains(x) ? EvalVector.trueCode : miss } }
        }
        if negated { codes = codes.map { EvalVector.trueCode - $0 } }
        return .bools(codes)
    }

    /// `operand [NOT] LIKE pattern` over strings.
    static func like(_ operand: EvalVector, _ pattern: LikePattern, negated: Bool) -> EvalVector {
        var codes = [UInt8](repeating: EvalVector.unknownCode, count: operand.count)
        for row in codes.indices {
            guard var value = bytes(operand, row) else { continue }
            if pattern.caseInsensitive { value = Array(String(decoding: value, as: UTF8.self).lowercased().utf8) }
            let matched = value.withUnsafeBufferPointer { pattern.matches($0) }
            codes[row] = matched != negated ? EvalVector.trueCode : EvalVector.falseCode
        }
        return .bools(codes)
    }
}
