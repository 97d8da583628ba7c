import StrataCore
import StrataIndex
import StrataKernels

/// Kernels of the built-in functions, `||`, the distance operators and JSON paths.
enum Functions {
    static func apply(_ function: ScalarFunction, _ args: [EvalVector], types: [SQLType], count n: Int) throws(StrataError) -> EvalVector {
        switch function {
        case .lower, .upper:
            return strings(args[0], count: n) { function == .lower ? $0.lowercased() : $0.uppercased() }
        case .length:
            var out = [Int64](repeating: 0, count: n), valid = [Bool](repeating: true, count: n)
            for row in 0..<n {
                guard let bytes = Comparisons.bytes(args[0], row) else { valid[row] = false; continue }
                out[row] = Int64(String(decoding: bytes, as: UTF8.self).count)
            }
            return .ints(out, valid: valid.allSatisfy { $0 } ? nil : valid)
        case .abs, .round, .floor, .ceil:
            if types[0] == .int {
                if function == .round, args.count > 1 { return try roundInteger(args[0], digits: args[1], count: n) }
                guard function == .abs else { return args[0] }
                return try Arithmetic.apply(.multiply, args[0], .ints((0..<n).map { row in
                    if case let .scalar(v) = Comparisons.ints(args[0]) { return v < 0 ? -1 : 1 }
                    if case let .array(values, _) = Comparisons.ints(args[0]) { return values[row] < 0 ? -1 : 1 }
                    return 1
                }, valid: nil), type: .int, text: "abs")
            }
            let x = Comparisons.floats(args[0])
            var digits: Int64 = 0
            if args.count > 1, case let .scalar(d) = Comparisons.ints(args[1]) { digits = d }
            let scale = pow10(max(-15, min(15, digits)))
            var out = [Double](repeating: 0, count: n), valid = [Bool](repeating: true, count: n)
            for row in 0..<n {
                guard let v = Arithmetic.element(x, row) else { valid[row] = false; continue }
                switch function {
                case .abs: out[row] = Swift.abs(v)
                case .floor: out[row] = v.rounded(.down)
                case .ceil: out[row] = v.rounded(.up)
                default: out[row] = (v * scale).rounded(.toNearestOrAwayFromZero) / scale
                }
            }
            return .floats(out, valid: valid.allSatisfy { $0 } ? nil : valid)
        case .coalesce:
            preconditionFailure("coalesce is evaluated lazily by the evaluator, an argument only where the ones before it are null")
        case .toTimestamp:
            let x = Comparisons.floats(args[0])
            var out = [Int64](repeating: 0, count: n), valid = [Bool](repeating: true, count: n)
            for row in 0..<n {
                guard let seconds = Arithmetic.element(x, row) else { valid[row] = false; continue }
                let micros = (seconds * 1_000_000).rounded()
                guard micros.isFinite, Swift.abs(micros) < 9.2e18 else {
                    throw .invalidQuery(message: "to_timestamp(\(seconds)) is out of the timestamp range", offset: nil)
                }
                out[row] = Int64(micros)
            }
            return .ints(out, valid: valid.allSatisfy { $0 } ? nil : valid)
        case .epoch:
            guard case let .ints(values, valid) = try Casts.cast(args[0], from: types[0], to: .timestamp) else {
                if case .constant(.timestamp(let v), _) = args[0] { return .constant(.float64(Double(v) / 1e6), count: n) }
                return .constant(.null, count: n)
            }
            return .floats(values.map { Double($0) / 1e6 }, valid: valid)
        }
    }

    /// An integer rounded to `digits` decimal places: unchanged for digits ≥ 0, to tens,
    /// hundreds, … (half away from zero) for negative digits; stays an integer.
    private static func roundInteger(_ values: EvalVector, digits: EvalVector, count n: Int) throws(StrataError) -> EvalVector {
        let x = Comparisons.ints(values), d = Comparisons.ints(digits)
        var out = [Int64](repeating: 0, count: n), valid = [Bool](repeating: true, count: n)
        for row in 0..<n {
            guard let v = Arithmetic.element(x, row), let places = Arithmetic.element(d, row) else { valid[row] = false; continue }
            guard places < 0 else { out[row] = v; continue }
            guard places > -19 else { out[row] = 0; continue }
            var scale: Int64 = 1
            for _ in 0..<(-places) { scale *= 10 }
            let (quotient, remainder) = v.quotientAndRemainder(dividingBy: scale)
            var rounded = quotient
            if remainder.magnitude * 2 >= UInt64(scale) { rounded += v < 0 ? -1 : 1 }
            let (result, overflow) = rounded.multipliedReportingOverflow(by: scale)
            guard !overflow else { throw .invalidQuery(message: "round(\(v), \(places)) is out of the int range", offset: nil) }
            out[row] = result
        }
        return .ints(out, valid: valid.allSatisfy { $0 } ? nil : valid)
    }

    private static func pow10(_ digits: Int64) -> Double {
        var scale = 1.0
        for _ in 0..<Swift.abs(digits) { scale *= 10 }
        return digits < 0 ? 1 / scale : scale
    }

    /// A string function applied row by row.
    static func strings(_ values: EvalVector, count n: Int, _ transform: (String) -> String) -> EvalVector {
        var builder = ColumnBuilder(type: .string, capacity: n)
        for row in 0..<n {
            guard let bytes = Comparisons.bytes(values, row) else { builder.appendNull(); continue }
            builder.appendBytes(Array(transform(String(decoding: bytes, as: UTF8.self)).utf8))
        }
        return .buffer(builder.finish())
    }

    /// `a || b`: strings joined; non-string operands are rendered as text first.
    static func concat(_ a: EvalVector, _ aType: SQLType, _ b: EvalVector, _ bType: SQLType) throws(StrataError) -> EvalVector {
        let n = max(a.count, b.count)
        var builder = ColumnBuilder(type: .string, capacity: n)
        for row in 0..<n {
            guard let x = try text(a, aType, row), let y = try text(b, bType, row) else { builder.appendNull(); continue }
            builder.appendBytes(Array((x + y).utf8))
        }
        return .buffer(builder.finish())
    }

    private static func text(_ values: EvalVector, _ type: SQLType, _ row: Int) throws(StrataError) -> String? {
        if type == .string, let bytes = Comparisons.bytes(values, row) { return String(decoding: bytes, as: UTF8.self) }
        let converted = try Casts.convert(values.value(row, type: type), from: type, to: .string)
        if case let .string(s) = converted { return s }
        return nil
    }

    /// Distances between two vector operands (one usually a constant query): L2 (Euclidean,
    /// not squared, as pgvector's `<->`), cosine distance, negative inner product.
    static func distance(_ op: BinaryOperator, _ a: EvalVector, _ b: EvalVector, count n: Int) throws(StrataError) -> EvalVector {
        let metric: VectorMetric = op == .l2Distance ? .l2 : op == .cosineDistance ? .cosine : .dot
        var out = [Double](repeating: 0, count: n), valid = [Bool](repeating: true, count: n)
        if case let .buffer(column) = a, case let .constant(.vector(query), _) = b {
            fill(&out, &valid, column, query, metric)
        } else if case let .buffer(column) = b, case let .constant(.vector(query), _) = a {
            fill(&out, &valid, column, query, metric)
        } else {
            for row in 0..<n {
                guard case let .vector(x) = a.value(row, type: .vector(dimension: 0)), case let .vector(y) = b.value(row, type: .vector(dimension: 0)),
                      x.count == y.count else {
                    valid[row] = false
                    continue
                }
                out[row] = VectorDistanceReference.distance(metric, x, y)
            }
        }
        if metric == .l2 { out = out.map { $0.squareRoot() } }
        return .floats(out, valid: valid.allSatisfy { $0 } ? nil : valid)
    }

    private static func fill(_ out: inout [Double], _ valid: inout [Bool], _ column: ColumnBuffer, _ query: [Float], _ metric: VectorMetric) {
        for row in 0..<column.count where column.isNull(row) { valid[row] = false }
        ColumnDistances.forEach(column, query: query, metric: metric) { row, distance in out[row] = Double(distance) }
    }

    /// A JSON path applied to JSON text, row by row: a missing member or element, or a
    /// step into a scalar, gives null.
    static func jsonPath(_ values: EvalVector, _ steps: [JSONPathStep], asText: Bool) -> EvalVector {
        var builder = ColumnBuilder(type: asText ? .string : .json, capacity: values.count)
        for row in 0..<values.count {
            guard let bytes = Comparisons.bytes(values, row), var json = try? JSONParser.parse(bytes) else { builder.appendNull(); continue }
            var found = true
            for step in steps {
                switch (step, json) {
                case let (.member(name), .object): if let next = json[name] { json = next } else { found = false }
                case let (.element(i), .array(items)):
                    let index = i < 0 ? items.count + i : i
                    if items.indices.contains(index) { json = items[index] } else { found = false }
                default: found = false
                }
                if !found { break }
            }
            guard found, json != .null else { builder.appendNull(); continue }
            if asText, case let .string(s) = json { builder.appendBytes(Array(s.utf8)) } else { builder.appendBytes(Array(json.text.utf8)) }
        }
        return .buffer(builder.finish())
    }
}
