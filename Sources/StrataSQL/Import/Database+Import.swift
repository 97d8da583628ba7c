import StrataCore
import StrataQuery
import StrataTable

/// The text formats rows are imported from.
public enum ImportFormat: String, Sendable {
    /// JSON Lines: one object per line, keys naming columns (`read_jsonl`'s rules).
    case jsonl
    /// CSV with a header line (`read_csv`'s rules).
    case csv
}

extension Database {
    /// The columns and types a JSON Lines or CSV text infers to by `read_jsonl`'s and
    /// `read_csv`'s rules (spec/sql.md §5.3); merge the inferences of a file's parts to type
    /// the whole file. `path` names the source in errors, whose lines count from `firstLine`.
    /// - Throws: `.invalidQuery` for text that does not parse.
    public static func inferColumns(_ bytes: ArraySlice<UInt8>, format: ImportFormat, path: String, firstLine: Int = 1) throws(StrataError) -> InferredColumns {
        try ImportText(withoutByteOrderMark(bytes), format: format, path: path, firstLine: firstLine).inferred()
    }

    /// The rows of a JSON Lines or CSV text as values of `schema`'s columns, in its order:
    /// each value converted from its text to its column's type (spec/sql.md §5.3, "Into an
    /// existing table"). `path` names the source in errors, whose lines count from `firstLine`.
    /// - Throws: `.invalidQuery` naming the line and column of a value that does not fit, or
    ///   a column the schema lacks.
    public static func parseRows(_ bytes: ArraySlice<UInt8>, format: ImportFormat, path: String, as schema: Schema, firstLine: Int = 1) throws(StrataError) -> [[Value]] {
        try ImportText(withoutByteOrderMark(bytes), format: format, path: path, firstLine: firstLine).rows(as: schema)
    }

    /// A UTF-8 byte-order mark is not part of the first column's name.
    private static func withoutByteOrderMark(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes)
    }

    /// The schema of the table `name` refers to.
    /// - Throws: `.invalidQuery` for an unknown table.
    public func schema(ofTable name: String) async throws(StrataError) -> Schema {
        try await writableTable(try Self.tableName(name)).latestManifest().schema
    }

    /// Inserts `rows` into the table `name` refers to, in one commit: values by column name
    /// (columns the rows lack are NULL), each coerced to its column's type as INSERT does.
    /// Returns the number of rows written.
    /// - Throws: `.invalidQuery` for an unknown table or column, or a value that does not
    ///   fit its column (naming the row); nothing is written then.
    @discardableResult
    public func insert(rows: [[Value]], columns: [String], into name: String) async throws(StrataError) -> Int {
        let tableName = try Self.tableName(name)
        let table = try await writableTable(tableName)
        let schema = try await table.latestManifest().schema
        let targets = try columns.map { (c) throws(StrataError) in try Self.columnName(c, in: schema, at: 0) }
        guard Set(targets).count == targets.count else { throw .invalidQuery(message: "a column is named twice", offset: nil) }
        return try await insertRows(rows, columns: targets, into: table, schema: schema, key: nil, name: tableName).rowsAffected ?? 0
    }

    /// Whether `name` refers to an existing table.
    public func tableExists(_ name: String) -> Bool {
        guard let tableName = try? Self.tableName(name) else { return false }
        return (try? resolve(tableName)) != nil
    }

    /// A table name as SQL parses it (`t`, `ns.t`, quoted parts).
    static func tableName(_ text: String) throws(StrataError) -> TableName {
        var parser = try Parser(text)
        let name = try parser.tableName()
        guard parser.atEnd else { throw .invalidQuery(message: "'\(text)' is not a table name", offset: nil) }
        return name
    }
}
