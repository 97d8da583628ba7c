import Foundation
import StrataCore
import StrataQuery

/// Table functions usable in FROM (spec/sql.md, "Loading files"): `read_jsonl('file')`
/// and `read_csv('file')`. Column types are inferred from the whole file: integers, floats,
/// booleans, strings; in JSONL also arrays of numbers of one length (vectors) and other
/// JSON values (json). Inserting converts them to the target columns' types.
enum TableFunctions {
    /// The built-in table functions.
    static let builtIn = ["read_csv", "read_jsonl"]

    /// The rows of built-in `name`; `known` lists every table function, for the suggestion
    /// under an unknown name.
    static func rows(_ name: String, _ arguments: [SQLExpression], parameters: [Value], at offset: Int, known: [String]) throws(StrataError) -> RecordBatch {
        guard builtIn.contains(name) else {
            throw .invalidQuery(message: "unknown table function '\(name)'\(Suggestions.hint(for: name, among: known))", offset: offset)
        }
        let binder = Binder(BindingScope(columns: [], parameters: parameters, now: 0))
        guard arguments.count == 1, case let .constant(.string(path), _) = try binder.bind(arguments[0]) else {
            throw .invalidQuery(message: "\(name) takes one argument, the file's path in quotes", offset: offset)
        }
        guard var data = FileManager.default.contents(atPath: path) else {
            throw .invalidQuery(message: "cannot read '\(path)'", offset: arguments[0].offset)
        }
        // A UTF-8 byte-order mark is not part of the first column's name.
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        return name == "read_jsonl" ? try jsonl(Array(data), path: path) : try csv(Array(data), path: path)
    }

    /// The inferred type of a column so far.
    private enum Kind: Equatable {
        case unknown, bool, int, float, string, json
        case vector(Int)

        func merged(_ other: Kind) -> Kind {
            switch (self, other) {
            case (.unknown, _): return other
            case (_, .unknown): return self
            case _ where self == other: return self
            case (.int, .float), (.float, .int): return .float
            case (.string, _), (_, .string): return self == .json || other == .json ? .json : .string
            default: return .json
            }
        }

        var type: DataType {
            switch self {
            case .unknown, .string: return .string
            case .bool: return .bool
            case .int: return .int64
            case .float: return .float64
            case .json: return .json
            case let .vector(d): return .vector(.float32, dimension: d)
            }
        }
    }

    private static func kind(_ json: JSONValue) -> Kind {
        switch json {
        case .null: return .unknown
        case .bool: return .bool
        case let .number(n): return Int64(n) != nil ? .int : .float
        case .string: return .string
        case let .array(items):
            let numbers = items.allSatisfy { if case .number = $0 { true } else { false } }
            return numbers && !items.isEmpty && items.count <= DataType.maxVectorDimension ? .vector(items.count) : .json
        case .object: return .json
        }
    }

    private static func value(_ json: JSONValue, _ kind: Kind) -> Value {
        switch (json, kind) {
        case (.null, _): return .null
        case let (.bool(b), .bool): return .bool(b)
        case let (.number(n), .int): return Int64(n).map(Value.int) ?? .null
        case let (.number(n), .float): return Double(n).map(Value.float64) ?? .null
        case let (.string(s), .string): return .string(s)
        case let (.array(items), .vector):
            return .vector(items.compactMap { if case let .number(n) = $0 { Float(n) } else { nil } })
        case let (.string(s), .json): return .json(JSONText.quoted(s))
        default: return .json(json.text)
        }
    }

    static func jsonl(_ bytes: [UInt8], path: String) throws(StrataError) -> RecordBatch {
        var names: [String] = [], kinds: [String: Kind] = [:], objects: [[String: JSONValue]] = []
        var line = 1, start = 0
        for end in bytes.indices where bytes[end] == UInt8(ascii: "\n") || end == bytes.count - 1 {
            let stop = bytes[end] == UInt8(ascii: "\n") ? end : end + 1
            defer { start = end + 1; line += 1 }
            let text = bytes[start..<stop]
            guard text.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            let json: JSONValue
            do { json = try JSONParser.parse(Array(text)) } catch {
                throw .invalidQuery(message: "\(path) line \(line) is not JSON: \(error)", offset: nil)
            }
            guard case let .object(members) = json else { throw .invalidQuery(message: "\(path) line \(line) is not a JSON object", offset: nil) }
            var object: [String: JSONValue] = [:]
            for (key, value) in members {
                if kinds[key] == nil { names.append(key); kinds[key] = .unknown }
                kinds[key] = kinds[key]!.merged(kind(value))
                object[key] = value
            }
            objects.append(object)
        }
        let fields = names.enumerated().map { Field(id: UInt32($0), name: $1, type: kinds[$1]!.type, nullable: true) }
        let schema = try Schema(fields: fields)
        let rows = objects.map { object in names.map { value(object[$0] ?? .null, kinds[$0]!) } }
        return try RecordBatch(schema: schema, rows: rows)
    }

    /// RFC 4180 CSV with a header line; an empty field is NULL.
    static func csv(_ bytes: [UInt8], path: String) throws(StrataError) -> RecordBatch {
        let text = String(decoding: bytes, as: UTF8.self)
        var records: [[String?]] = [], record: [String?] = [], field = "", quoted = false, inQuotes = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func endField() {
            record.append(field.isEmpty && !quoted ? nil : field)
            field = ""
            quoted = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
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
                record = []
            case "\r": break
            default: field.append(c)
            }
        }
        guard !inQuotes else { throw .invalidQuery(message: "\(path) ends inside a quoted field", offset: nil) }
        if !field.isEmpty || quoted || !record.isEmpty { endField(); records.append(record) }
        guard let header = records.first else { throw .invalidQuery(message: "\(path) is empty: a CSV file starts with a header line", offset: nil) }
        let names = header.enumerated().map { $1 ?? "column\($0 + 1)" }
        let body = Array(records.dropFirst())
        for (i, row) in body.enumerated() where row.count != names.count {
            throw .invalidQuery(message: "\(path) line \(i + 2) has \(row.count) fields, the header \(names.count)", offset: nil)
        }
        let types: [DataType] = names.indices.map { c in
            let values = body.compactMap { $0[c] }
            if !values.isEmpty, values.allSatisfy({ Int64($0) != nil }) { return .int64 }
            if !values.isEmpty, values.allSatisfy({ Double($0) != nil }) { return .float64 }
            if !values.isEmpty, values.allSatisfy({ ["true", "false"].contains($0.lowercased()) }) { return .bool }
            return .string
        }
        let schema = try Schema(fields: names.enumerated().map { Field(id: UInt32($0), name: $1, type: types[$0], nullable: true) })
        let rows: [[Value]] = body.map { row in
            row.enumerated().map { c, text in
                guard let text else { return .null }
                switch types[c] {
                case .int64: return .int(Int64(text)!)
                case .float64: return .float64(Double(text)!)
                case .bool: return .bool(text.lowercased() == "true")
                default: return .string(text)
                }
            }
        }
        return try RecordBatch(schema: schema, rows: rows)
    }
}
