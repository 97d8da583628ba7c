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
        return try batch(Array(data), format: name == "read_jsonl" ? .jsonl : .csv, path: path)
    }

    /// `read_jsonl` / `read_csv`: the file's rows, typed as the whole file infers.
    static func batch(_ bytes: [UInt8], format: ImportFormat, path: String) throws(StrataError) -> RecordBatch {
        let text = try ImportText(bytes, format: format, path: path)
        let schema = try text.inferred().schema
        return try RecordBatch(schema: schema, rows: try text.rows(as: schema))
    }
}
