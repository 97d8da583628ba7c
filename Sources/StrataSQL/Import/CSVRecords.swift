import StrataCore

/// The records of an RFC 4180 CSV text with a header line (spec/sql.md §5.3): quoted fields
/// may hold `,`, `""` and line breaks; an empty unquoted field is nil (NULL).
struct CSVRecords {
    /// The column names: the header's fields (`columnN` for an empty one).
    let names: [String]
    /// The records after the header, each with as many fields as the header.
    let body: [[String?]]
    /// The line (1-based, counted from `firstLine`) each record of `body` starts on.
    let lines: [Int]

    /// Splits `bytes`; `path` names the file in errors, whose line numbers start at `firstLine`
    /// (the header's line).
    /// - Throws: `.invalidQuery` for an empty text, an unclosed quote, or a record with a
    ///   different number of fields than the header (naming its line).
    init(_ bytes: [UInt8], path: String, firstLine: Int = 1) throws(StrataError) {
        let text = String(decoding: bytes, as: UTF8.self)
        var records: [[String?]] = [], starts: [Int] = [], record: [String?] = [], field = "", quoted = false, inQuotes = false
        var line = firstLine, recordStart = firstLine
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func endField() {
            record.append(field.isEmpty && !quoted ? nil : field)
            field = ""
            quoted = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if c == "\n" || c == "\r\n" { line += 1 }
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                    } else { inQuotes = false }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"": inQuotes = true; quoted = true
            case ",": endField()
            case "\n", "\r\n":
                endField()
                records.append(record)
                starts.append(recordStart)
                record = []
                recordStart = line
            case "\r": break
            default: field.append(c)
            }
        }
        guard !inQuotes else { throw .invalidQuery(message: "\(path) ends inside a quoted field (opened on line \(recordStart))", offset: nil) }
        if !field.isEmpty || quoted || !record.isEmpty {
            endField()
            records.append(record)
            starts.append(recordStart)
        }
        guard let header = records.first else { throw .invalidQuery(message: "\(path) is empty: a CSV file starts with a header line", offset: nil) }
        names = header.enumerated().map { $1 ?? "column\($0 + 1)" }
        body = Array(records.dropFirst())
        lines = Array(starts.dropFirst())
        if let twice = names.enumerated().first(where: { names[..<$0.offset].contains($0.element) })?.element {
            throw .invalidQuery(message: "\(path) names column '\(twice)' twice in its header", offset: nil)
        }
        for (i, row) in body.enumerated() where row.count != names.count {
            throw .invalidQuery(message: "\(path) line \(lines[i]) has \(row.count) fields, the header \(names.count)", offset: nil)
        }
    }

    /// The kinds the records infer to.
    func inferred() -> InferredColumns {
        var columns = InferredColumns(format: .csv)
        for (c, name) in names.enumerated() {
            var kind = InferredColumns.Kind.unknown
            for row in body { if let text = row[c] { kind = kind.merged(.init(csv: text), format: .csv) } }
            columns.add(name, kind)
        }
        return columns
    }
}
