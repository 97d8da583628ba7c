import Strata

/// Turns a statement's rows into printed lines, in any `OutputMode`.
public struct ResultRenderer: Sendable {
    /// The settings in effect.
    public let settings: RenderSettings

    /// A renderer with `settings`.
    public init(_ settings: RenderSettings) {
        self.settings = settings
    }

    /// The lines for `rows`.
    public func lines(_ rows: RecordBatch) -> [String] {
        switch settings.mode {
        case .jsonl: return (0..<rows.rowCount).map { JSONRows.line(rows, row: $0) }
        case .json:
            guard rows.rowCount > 0 else { return ["[]"] }
            return (0..<rows.rowCount).map { row in
                (row == 0 ? "[" : " ") + JSONRows.line(rows, row: row) + (row == rows.rowCount - 1 ? "]" : ",")
            }
        case .csv:
            let body = (0..<rows.rowCount).map { row in
                rows.columns.map { column in
                    let value = column.value(at: row)
                    // An empty string is quoted: an empty unquoted field is NULL (spec/sql.md §5.3).
                    if case let .string(s) = value { return s.isEmpty ? "\"\"" : Self.csvField(s) }
                    return value.isNull ? "" : Self.csvField(Self.plain(value, type: column.type, width: nil))
                }.joined(separator: ",")
            }
            return settings.headers ? [rows.schema.fields.map { Self.csvField($0.name) }.joined(separator: ",")] + body : body
        case .table:
            // A plan prints as its lines, never cut.
            if rows.schema.fields.map(\.name) == ["plan"] { return (0..<rows.rowCount).map { Self.plain(rows.columns[0].value(at: $0), type: .string, width: nil) } }
            return TableLayout(rows: rows, settings: settings).lines()
        case .line: return lineMode(rows)
        case .markdown: return markdown(rows)
        }
    }

    /// The rows a mode for people shows (all of them for programs).
    func shownRows(_ rows: RecordBatch) -> Int {
        guard settings.mode.isForPeople, let limit = settings.maxRows else { return rows.rowCount }
        return min(rows.rowCount, limit)
    }

    /// The count line under rows for people: "(3 rows)", or how many were left out.
    func countLine(_ rows: RecordBatch) -> String {
        let shown = shownRows(rows)
        let total = "\(rows.rowCount) row\(rows.rowCount == 1 ? "" : "s")"
        return shown < rows.rowCount ? "(\(total), first \(shown) shown; .maxrows to change)" : "(\(total))"
    }

    /// A cell as people read it, NULL as the setting says (dimmed on a colour terminal).
    func cell(_ value: Value, type: DataType, width: Int?) -> (text: String, isNull: Bool) {
        value.isNull ? (settings.nullText, true) : (Self.plain(value, type: type, width: width), false)
    }

    /// `text` dimmed when it stands for NULL on a colour terminal.
    func styled(_ text: String, isNull: Bool) -> String {
        isNull && settings.colour ? "\u{1B}[2m" + text + "\u{1B}[0m" : text
    }

    private func lineMode(_ rows: RecordBatch) -> [String] {
        let names = rows.schema.fields.map(\.name)
        let nameWidth = names.map(DisplayWidth.of).max() ?? 0
        var out: [String] = []
        for row in 0..<shownRows(rows) {
            if row > 0 { out.append("") }
            for (c, column) in rows.columns.enumerated() {
                let (text, isNull) = cell(column.value(at: row), type: column.type, width: nil)
                out.append(DisplayWidth.padded(names[c], to: nameWidth, left: true) + " = " + styled(text, isNull: isNull))
            }
        }
        if shownRows(rows) < rows.rowCount { out.append(countLine(rows)) }
        return out
    }

    private func markdown(_ rows: RecordBatch) -> [String] {
        func escaped(_ text: String) -> String { text.replacingAll("\\", with: "\\\\").replacingAll("|", with: "\\|") }
        let numeric = rows.schema.fields.map { Self.isNumeric($0.type) }
        var out = ["| " + rows.schema.fields.map { escaped($0.name) }.joined(separator: " | ") + " |",
                   "|" + numeric.map { $0 ? "---:" : "---" }.joined(separator: "|") + "|"]
        for row in 0..<shownRows(rows) {
            out.append("| " + rows.columns.map { escaped(cell($0.value(at: row), type: $0.type, width: nil).text) }.joined(separator: " | ") + " |")
        }
        if shownRows(rows) < rows.rowCount { out.append(countLine(rows)) }
        return out
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    public static func csvField(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.doublingQuotes("\"") + "\""
    }

    /// A value as people read it: text unquoted, timestamps in ISO-8601, line breaks as
    /// spaces; vectors and long text cut to `width` columns with an ellipsis.
    public static func plain(_ value: Value, type: DataType, width: Int?) -> String {
        var text: String
        switch value {
        case .null: return "NULL"
        case let .string(s): text = s
        case let .json(j): text = j
        case let .vector(v) where width != nil:
            // The first elements that fit (at most four), then the length when some are left out.
            text = ""
            for shown in stride(from: min(4, v.count), through: 0, by: -1) {
                let elements = v.prefix(shown).map { JSONText.number($0) }
                text = "[" + (elements + (shown < v.count ? ["… (\(v.count))"] : [])).joined(separator: ", ") + "]"
                if DisplayWidth.of(text) <= width! { break }
            }
        case let .binary(bytes): text = Base64.encode(bytes)
        default:
            text = JSONRows.text(value, type: type)
            // Timestamps and NaN / ±Infinity are JSON strings; people and CSV read them bare.
            if text.hasPrefix("\"") { text = String(text.dropFirst().dropLast()) }
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) { text = visible(text) }
        if let width { text = DisplayWidth.truncated(text, to: width) }
        return text
    }

    /// `text` safe to print on a terminal, one column per character: line breaks and tabs
    /// as spaces, other control characters (an escape sequence in the data would restyle or
    /// move the terminal's cursor) as their Unicode control pictures (␛ for ESC), C1 controls
    /// as U+FFFD.
    private static func visible(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x09, 0x0D: out.append(" ")
            case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: out.append("\u{2421}")
            case 0x80...0x9F: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    static func isNumeric(_ type: DataType) -> Bool {
        switch type {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64: return true
        default: return false
        }
    }
}

extension String {
    /// The string with every `target` replaced by `replacement` (no Foundation needed).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
