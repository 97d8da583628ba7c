import Strata

/// The `table` mode's box: each column as wide as its widest shown value (at most
/// `maxWidth`), the widest columns narrowed in turn until the box fits the terminal, values
/// cut with an ellipsis, numbers right-aligned, then the row count.
struct TableLayout {
    let rows: RecordBatch
    let settings: RenderSettings

    /// The narrowest a column is made to fit the terminal.
    static let narrowest = 4

    func lines() -> [String] {
        let renderer = ResultRenderer(settings)
        let names = rows.schema.fields.map(\.name)
        let shown = renderer.shownRows(rows)
        var cells = (0..<shown).map { row in rows.columns.map { renderer.cell($0.value(at: row), type: $0.type, width: settings.maxWidth) } }
        var widths = names.indices.map { c in max(DisplayWidth.of(names[c]), cells.map { DisplayWidth.of($0[c].text) }.max() ?? 0) }
        let numeric = rows.schema.fields.map { ResultRenderer.isNumeric($0.type) }
        if let terminal = settings.terminalWidth { fit(&widths, into: terminal, numeric: numeric) }
        // A narrowed vector column shows fewer elements rather than losing its length.
        for (c, column) in rows.columns.enumerated() {
            guard case .vector = column.type else { continue }
            for row in 0..<shown where DisplayWidth.of(cells[row][c].text) > widths[c] {
                cells[row][c] = renderer.cell(column.value(at: row), type: column.type, width: widths[c])
            }
        }

        func border(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
        }
        func line(_ values: [(text: String, isNull: Bool)], align: Bool) -> String {
            "│" + values.enumerated().map { c, value in
                let text = DisplayWidth.truncated(value.text, to: widths[c])
                let padded = DisplayWidth.padded(text, to: widths[c], left: align && numeric[c] && !value.isNull)
                return " " + (value.isNull ? renderer.styled(padded, isNull: true) : padded) + " "
            }.joined(separator: "│") + "│"
        }
        var out = [border("┌", "┬", "┐")]
        if settings.headers {
            out.append(line(names.map { ($0, false) }, align: false))
            out.append(border("├", "┼", "┤"))
        }
        out += cells.map { line($0, align: true) }
        out.append(border("└", "┴", "┘"))
        out.append(renderer.countLine(rows))
        return out
    }

    /// Narrows the widest column by one until the box fits `terminal` columns or every
    /// column is at its narrowest (a box wider than the terminal then wraps, as psql's does).
    /// Numbers are narrowed only when nothing else can be: a cut number misleads.
    private func fit(_ widths: inout [Int], into terminal: Int, numeric: [Bool]) {
        var excess = widths.reduce(0, +) + 3 * widths.count + 1 - terminal
        for includeNumbers in [false, true] {
            while excess > 0 {
                let candidates = widths.indices.filter { (includeNumbers || !numeric[$0]) && widths[$0] > Self.narrowest }
                guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
                widths[widest] -= 1
                excess -= 1
            }
        }
    }
}
