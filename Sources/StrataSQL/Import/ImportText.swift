import StrataCore
import StrataQuery

/// A JSON Lines or CSV text split into its records, ready to infer column types from
/// (`read_jsonl`, `read_csv`, a new table of `.import`) or to convert to the columns of a
/// given schema (an existing table): each value goes from its text to the column's type
/// directly, so a CSV `02134` into a string column stays `02134`, a JSONL number into a
/// string column is its text, and a base64 string into a binary column is its bytes.
struct ImportText {
    /// One JSON Lines record: its members with the source text of each value.
    private typealias Members = [(key: String, value: JSONValue, source: ArraySlice<UInt8>)]

    let format: ImportFormat
    /// The file's name, for errors.
    let path: String
    /// JSONL: each object with its line number.
    private var objects: [(line: Int, members: Members)] = []
    /// CSV: the records.
    private var csv: CSVRecords?

    /// Splits `bytes`; errors name lines counted from `firstLine`.
    /// - Throws: `.invalidQuery` for a line that is not a JSON object, or CSV that does not
    ///   parse (spec/sql.md §5.3).
    init(_ bytes: [UInt8], format: ImportFormat, path: String, firstLine: Int = 1) throws(StrataError) {
        self.format = format
        self.path = path
        guard format == .jsonl else {
            csv = try CSVRecords(bytes, path: path, firstLine: firstLine)
            return
        }
        var line = firstLine, start = 0
        for end in bytes.indices where bytes[end] == UInt8(ascii: "\n") || end == bytes.count - 1 {
            let stop = bytes[end] == UInt8(ascii: "\n") ? end : end + 1
            defer { start = end + 1; line += 1 }
            let text = bytes[start..<stop]
            guard text.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            do {
                objects.append((line, try JSONParser.parseObjectWithSources(Array(text))))
            } catch {
                throw .invalidQuery(message: "\(path) line \(line): \(error)", offset: nil)
            }
        }
    }

    /// The columns and types the records infer to.
    func inferred() -> InferredColumns {
        if let csv { return csv.inferred() }
        var columns = InferredColumns(format: .jsonl)
        for object in objects { for member in object.members { columns.add(member.key, .init(member.value)) } }
        return columns
    }

    /// The rows as values of `schema`'s columns, in its order (NULL where a record has no
    /// value). A record's column is matched to the schema by name, exactly or else ignoring
    /// case when that is unique.
    /// - Throws: `.invalidQuery` naming the file, line and column for a column the schema
    ///   lacks or a value its column's type cannot hold.
    func rows(as schema: Schema) throws(StrataError) -> [[Value]] {
        func position(_ name: String) throws(StrataError) -> Int {
            if let exact = schema.index(of: name) { return exact }
            let folded = schema.fields.indices.filter { schema.fields[$0].name.lowercased() == name.lowercased() }
            guard folded.count == 1 else {
                let hint = Suggestions.hint(for: name, among: schema.fields.map(\.name))
                throw .invalidQuery(message: "\(path) has a column '\(name)' that the table lacks\(hint)", offset: nil)
            }
            return folded[0]
        }
        /// Two names of the file for one column of the table would lose a value.
        func twice(_ first: String, _ second: String, _ column: Int, line: Int?) -> StrataError {
            .invalidQuery(message: "\(path)\(line.map { " line \($0)" } ?? "") has columns '\(first)' and '\(second)', both the table's '\(schema.fields[column].name)'", offset: nil)
        }
        func checked(_ row: [Value], line: Int) throws(StrataError) -> [Value] {
            for (field, value) in zip(schema.fields, row) where value.isNull && !field.nullable {
                throw .invalidQuery(message: "\(path) line \(line): column '\(field.name)' is NOT NULL and has no value", offset: nil)
            }
            return row
        }
        if let csv {
            let positions = try csv.names.map(position)
            for (c, p) in positions.enumerated() {
                if let earlier = positions[..<c].firstIndex(of: p) { throw twice(csv.names[earlier], csv.names[c], p, line: nil) }
            }
            return try csv.body.enumerated().map { (r, record) throws(StrataError) -> [Value] in
                var row = [Value](repeating: .null, count: schema.fields.count)
                for (c, text) in record.enumerated() {
                    guard let text else { continue }
                    let field = schema.fields[positions[c]]
                    row[positions[c]] = try convert(Self.json(csv: text, for: field.type), source: Array(text.utf8)[...], to: field, line: csv.lines[r])
                }
                return try checked(row, line: csv.lines[r])
            }
        }
        var positions: [String: Int] = [:]
        return try objects.map { (object) throws(StrataError) -> [Value] in
            var row = [Value](repeating: .null, count: schema.fields.count)
            var keys = [String?](repeating: nil, count: schema.fields.count)
            for member in object.members {
                let p: Int
                if let known = positions[member.key] { p = known } else { p = try position(member.key); positions[member.key] = p }
                if let earlier = keys[p] { throw twice(earlier, member.key, p, line: object.line) }
                keys[p] = member.key
                row[p] = try convert(member.value, source: member.source, to: schema.fields[p], line: object.line)
            }
            return try checked(row, line: object.line)
        }
    }

    /// A value of `field`'s type from a JSON value (JSONRows's conventions: binary as base64,
    /// timestamps as ISO-8601 text or microseconds), with one addition: a string column takes
    /// any JSON value, a non-string as its JSON text.
    private func convert(_ json: JSONValue?, source: ArraySlice<UInt8>, to field: Field, line: Int) throws(StrataError) -> Value {
        guard let json else {
            throw .invalidQuery(message: "\(path) line \(line): column '\(field.name)' is \(field.type); \(Self.describe(source)) is not valid JSON", offset: nil)
        }
        switch (field.type, json) {
        case (.string, .string), (.string, .null): break
        case (.string, _): return .string(String(decoding: source, as: UTF8.self))
        default: break
        }
        do {
            return try JSONRows.value(json, source: source, type: field.type)
        } catch {
            // The reason, unless it only restates that the kinds differ.
            var reason = ""
            if case let .invalidInput(_, why) = error, !why.hasPrefix("cannot be stored") { reason = " (\(why))" }
            throw .invalidQuery(message: "\(path) line \(line): column '\(field.name)' is \(field.type); \(Self.describe(source)) does not fit\(reason)", offset: nil)
        }
    }

    /// A CSV field as the JSON value that converts to `type`: numbers for numeric and
    /// timestamp columns when the text is one, the parsed text for json and vector columns
    /// (nil when it does not parse), a boolean for bool columns, else the text as a string.
    private static func json(csv text: String, for type: DataType) -> JSONValue? {
        let numeric = text.first.map { $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." } == true
        switch type {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64:
            return numeric ? .number(text) : .string(text)
        case .float32, .float64:
            switch text.lowercased() {
            case "nan", "+nan", "-nan": return .string("NaN")
            case "inf", "+inf", "infinity", "+infinity": return .string("Infinity")
            case "-inf", "-infinity": return .string("-Infinity")
            default: return numeric ? .number(text) : .string(text)
            }
        case .timestamp:
            return numeric && Int64(text) != nil ? .number(text) : .string(text)
        case .bool:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .string(text)
            }
        case .json, .vector: return try? JSONParser.parse(Array(text.utf8))
        case .string, .binary: return .string(text)
        }
    }

    /// A value's text as an error quotes it: shortened past 40 characters, in JSON quotes
    /// when it holds a control character (an error is one line).
    private static func describe(_ source: ArraySlice<UInt8>) -> String {
        var text = String(decoding: source, as: UTF8.self)
        if text.count > 40 { text = String(text.prefix(40)) + "…" }
        return text.unicodeScalars.contains { $0.value < 0x20 } ? JSONText.quoted(text) : text
    }
}
