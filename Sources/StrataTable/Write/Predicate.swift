import StrataCore

/// A conjunction of comparisons of a column with a literal, `col op literal [AND …]`: the
/// filter of deletes and updates until the query layer brings full expressions.
///
/// Operators: `=`, `!=` (or `<>`), `<`, `<=`, `>`, `>=`, and `IS NULL` / `IS NOT NULL`.
/// Literals are JSON values in the JSONL conventions (`'text'` is accepted for strings).
/// A comparison with a null value is false, as in SQL.
public struct Predicate: Sendable, CustomStringConvertible {
    /// One comparison.
    public struct Comparison: Sendable {
        /// A comparison of `column` with `literal` (a value of the column's type; null for
        /// the `IS` forms).
        public init(column: String, op: Operator, literal: Value) {
            self.column = column
            self.op = op
            self.literal = literal
        }

        /// The column compared.
        public var column: String
        /// The operator.
        public var op: Operator
        /// The literal (null for the `IS` forms).
        public var literal: Value
    }

    /// A comparison operator.
    public enum Operator: String, Sendable, CaseIterable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case isNull = "IS NULL", isNotNull = "IS NOT NULL"
    }

    /// The comparisons, all of which must hold.
    public var comparisons: [Comparison]

    /// The predicate's text.
    public var description: String {
        comparisons.map { c in
            c.op == .isNull || c.op == .isNotNull ? "\(c.column) \(c.op.rawValue)" : "\(c.column) \(c.op.rawValue) \(JSONRows.text(c.literal))"
        }.joined(separator: " AND ")
    }

    /// Parses `text` against `schema`, typing each literal by its column.
    /// - Throws: `.invalidInput` naming the part that does not parse or fit.
    public init(parsing text: String, schema: Schema) throws(StrataError) {
        var comparisons: [Comparison] = []
        for part in Self.splitConjunction(text) {
            comparisons.append(try Self.parseComparison(part, schema: schema))
        }
        guard !comparisons.isEmpty else { throw .invalidInput(what: "predicate '\(text)'", why: "is empty") }
        self.comparisons = comparisons
    }

    /// Whether row `row` of `batch` (which has every column the predicate names) matches.
    public func matches(_ batch: RecordBatch, row: Int) -> Bool {
        comparisons.allSatisfy { c in
            let value = batch.column(named: c.column)!.value(at: row)
            switch c.op {
            case .isNull: return value.isNull
            case .isNotNull: return !value.isNull
            default:
                guard !value.isNull, let order = ValueOrder.compare(value, c.literal) else { return false }
                switch c.op {
                case .equal: return order == 0
                case .notEqual: return order != 0
                case .less: return order < 0
                case .lessOrEqual: return order <= 0
                case .greater: return order > 0
                case .greaterOrEqual: return order >= 0
                case .isNull, .isNotNull: return false
                }
            }
        }
    }

    /// The rows of `batch` (which has every column the predicate names) that match, ascending:
    /// each comparison evaluated over the whole batch with its column resolved once, numeric
    /// columns compared on their raw values (the same answers as `matches`).
    public func matchingRows(_ batch: RecordBatch) -> [Int] {
        var rows = Array(0..<batch.rowCount)
        for comparison in comparisons where !rows.isEmpty {
            guard let column = batch.column(named: comparison.column) else { return [] }
            rows = Self.filter(rows, column, comparison)
        }
        return rows
    }

    /// The rows of `rows` whose value in `column` satisfies `comparison`.
    private static func filter(_ rows: [Int], _ column: ColumnBuffer, _ comparison: Comparison) -> [Int] {
        let op = comparison.op
        switch (op, column.type, comparison.literal) {
        case (.isNull, _, _): return rows.filter { column.isNull($0) }
        case (.isNotNull, _, _): return rows.filter { !column.isNull($0) }
        case let (_, .int64, .int(v)), let (_, .timestamp, .timestamp(v)), let (_, .timestamp, .int(v)), let (_, .int64, .timestamp(v)):
            return rows.filter { !column.isNull($0) && holds(op, column.fixed($0, as: Int64.self), v) }
        case let (_, .int32, .int(v)): return rows.filter { !column.isNull($0) && holds(op, Int64(column.fixed($0, as: Int32.self)), v) }
        case let (_, .int16, .int(v)): return rows.filter { !column.isNull($0) && holds(op, Int64(column.fixed($0, as: Int16.self)), v) }
        case let (_, .int8, .int(v)): return rows.filter { !column.isNull($0) && holds(op, Int64(column.fixed($0, as: Int8.self)), v) }
        case let (_, .uint64, .uint(v)): return rows.filter { !column.isNull($0) && holds(op, column.fixed($0, as: UInt64.self), v) }
        case let (_, .uint32, .uint(v)): return rows.filter { !column.isNull($0) && holds(op, UInt64(column.fixed($0, as: UInt32.self)), v) }
        case let (_, .float64, .float64(v)) where !v.isNaN:
            // A NaN value compares with nothing (not even `!=`), as in `matches`.
            return rows.filter { row in
                let x = Double(bitPattern: column.fixed(row, as: UInt64.self))
                return !column.isNull(row) && !x.isNaN && holds(op, x, v)
            }
        case let (_, .float32, .float32(v)) where !v.isNaN:
            return rows.filter { row in
                let x = Float(bitPattern: column.fixed(row, as: UInt32.self))
                return !column.isNull(row) && !x.isNaN && holds(op, x, v)
            }
        default:
            let single = Predicate(comparisons: [comparison])
            let batch = try? RecordBatch(schema: Schema(fields: [Field(id: 0, name: comparison.column, type: column.type, nullable: true)]), columns: [column])
            guard let batch else { return [] }
            return rows.filter { single.matches(batch, row: $0) }
        }
    }

    /// Whether `x op v` holds (for the ordering operators; never for the null tests).
    @inline(__always)
    private static func holds<T: Comparable>(_ op: Operator, _ x: T, _ v: T) -> Bool {
        switch op {
        case .equal: return x == v
        case .notEqual: return x != v
        case .less: return x < v
        case .lessOrEqual: return x <= v
        case .greater: return x > v
        case .greaterOrEqual: return x >= v
        case .isNull, .isNotNull: return false
        }
    }

    /// The conjunction of `comparisons` (at least one).
    public init(comparisons: [Comparison]) {
        precondition(!comparisons.isEmpty, "a predicate needs a comparison")
        self.comparisons = comparisons
    }

    /// The columns the predicate reads.
    public var columns: [String] { Array(Set(comparisons.map(\.column))).sorted() }

    /// Splits on ` AND ` (any case) outside quotes.
    private static func splitConjunction(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if let q = quote {
                if c == q { quote = nil }
                current.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                current.append(c)
            } else if c.isWhitespace, text[i...].count >= 5,
                      text[text.index(after: i)...].prefix(3).uppercased() == "AND",
                      text[text.index(i, offsetBy: 4)].isWhitespace {
                parts.append(current)
                current = ""
                i = text.index(i, offsetBy: 4)
                continue
            } else {
                current.append(c)
            }
            i = text.index(after: i)
        }
        parts.append(current)
        return parts.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    private static func parseComparison(_ text: String, schema: Schema) throws(StrataError) -> Comparison {
        let upper = text.uppercased()
        for form in [Operator.isNotNull, .isNull] where upper.hasSuffix(" " + form.rawValue) {
            let column = String(text.dropLast(form.rawValue.count + 1)).trimmingWhitespace()
            guard schema[column] != nil else { throw unknownColumn(column, schema) }
            return Comparison(column: column, op: form, literal: .null)
        }
        // The operator is the first of these found outside the column name; longer first.
        for symbol in ["<=", ">=", "!=", "<>", "=", "<", ">"] {
            guard let range = text.range(of: symbol) else { continue }
            let column = String(text[..<range.lowerBound]).trimmingWhitespace()
            var literalText = String(text[range.upperBound...]).trimmingWhitespace()
            guard let field = schema[column] else { throw unknownColumn(column, schema) }
            if literalText.count >= 2, literalText.hasPrefix("'"), literalText.hasSuffix("'") {
                literalText = JSONText.quoted(String(literalText.dropFirst().dropLast()).replacingAll("''", with: "'"))
            }
            let literal: Value
            do {
                literal = try FieldDefaults.parse(literalText, for: field)
            } catch {
                throw .invalidInput(what: "predicate '\(text)'", why: "'\(literalText)' is not a \(field.type) literal (\(error))")
            }
            guard !literal.isNull else {
                throw .invalidInput(what: "predicate '\(text)'", why: "compare with null using IS NULL")
            }
            let op: Operator = symbol == "<>" ? .notEqual : Operator(rawValue: symbol)!
            return Comparison(column: column, op: op, literal: literal)
        }
        throw .invalidInput(what: "predicate '\(text)'", why: "expected 'column op literal' with op one of = != < <= > >=, or 'column IS [NOT] NULL'")
    }

    private static func unknownColumn(_ column: String, _ schema: Schema) -> StrataError {
        .invalidInput(what: "column '\(column)'", why: "no such column; the columns are \(schema.fields.map(\.name).joined(separator: ", "))")
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
