import Strata

/// How `strata sql` prints rows.
enum ResultFormat: String, CaseIterable {
    /// A box-drawn table for people; long values shortened with an ellipsis.
    case table
    /// One JSON object per row (JSON lines), every value in full.
    case json
    /// RFC 4180 CSV with a header line; NULL is an empty field.
    case csv

    /// The lines for `rows`.
    func lines(_ rows: RecordBatch) -> [String] {
        switch self {
        case .json: return (0..<rows.rowCount).map { JSONRows.line(rows, row: $0) }
        case .csv:
            let header = rows.schema.fields.map { Self.csvField($0.name) }.joined(separator: ",")
            return [header] + (0..<rows.rowCount).map { row in
                rows.columns.map { column in
                    let value = column.value(at: row)
                    if case let .string(s) = value { return Self.csvField(s) }
                    return value.isNull ? "" : Self.csvField(Self.plain(value, type: column.type, width: nil))
                }.joined(separator: ",")
            }
        case .table:
            // A plan prints as its lines, never cut.
            if rows.schema.fields.map(\.name) == ["plan"] { return (0..<rows.rowCount).map { Self.plain(rows.columns[0].value(at: $0), type: .string, width: nil) } }
            return Self.box(rows)
        }
    }

    static func csvField(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.doublingQuotes("\"") + "\""
    }

    /// A value as people read it: text unquoted, timestamps in ISO-8601, vectors and long
    /// text cut to `width` characters with an ellipsis.
    static func plain(_ value: Value, type: DataType, width: Int?) -> String {
        var text: String
        switch value {
        case .null: return "NULL"
        case let .string(s): text = s
        case let .json(j): text = j
        case let .vector(v) where width != nil:
            text = "[" + v.prefix(4).map { JSONText.number($0) }.joined(separator: ", ") + (v.count > 4 ? ", … (\(v.count))]" : "]")
        default:
            text = JSONRows.text(value, type: type)
            if case .timestamp = value, text.hasPrefix("\"") { text = String(text.dropFirst().dropLast()) }
        }
        text = String(text.map { $0 == "\n" || $0 == "\t" || $0 == "\r" ? " " : $0 })
        if let width, text.count > width { text = String(text.prefix(width - 1)) + "…" }
        return text
    }

    /// Rows drawn in a box, numbers right-aligned.
    static func box(_ rows: RecordBatch) -> [String] {
        let names = rows.schema.fields.map(\.name)
        let cells = (0..<rows.rowCount).map { row in rows.columns.map { plain($0.value(at: row), type: $0.type, width: 60) } }
        let widths = names.indices.map { c in max(names[c].count, cells.map { $0[c].count }.max() ?? 0) }
        let numeric = rows.schema.fields.map { field -> Bool in
            switch field.type {
            case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64: return true
            default: return false
            }
        }
        func line(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
        }
        func row(_ values: [String], align: Bool) -> String {
            "│" + values.enumerated().map { c, v in
                let pad = String(repeating: " ", count: widths[c] - v.count)
                return " " + (align && numeric[c] ? pad + v : v + pad) + " "
            }.joined(separator: "│") + "│"
        }
        var out = [line("┌", "┬", "┐"), row(names, align: false), line("├", "┼", "┤")]
        out += cells.map { row($0, align: true) }
        out.append(line("└", "┴", "┘"))
        out.append("(\(rows.rowCount) row\(rows.rowCount == 1 ? "" : "s"))")
        return out
    }
}
