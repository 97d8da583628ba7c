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
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
