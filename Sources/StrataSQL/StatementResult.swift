import StrataCore

/// What a statement returned: rows for queries (SELECT, SHOW, DESCRIBE, EXPLAIN), and a
/// short status for every statement (`INSERT 3`, `CREATE TABLE`).
public struct StatementResult: Sendable {
    /// The rows, for statements that return rows.
    public var rows: RecordBatch?
    /// The status, as psql prints it: the command and, for writes, the rows affected.
    public var status: String
    /// Rows inserted, updated or deleted (nil for other statements).
    public var rowsAffected: Int?

    /// A result; see each property.
    public init(rows: RecordBatch? = nil, status: String, rowsAffected: Int? = nil) {
        self.rows = rows
        self.status = status
        self.rowsAffected = rowsAffected
    }

    /// The rows as typed rows (empty when the statement returned none).
    public var typedRows: [Row] {
        guard let rows else { return [] }
        let names = rows.schema.fields.map(\.name)
        return (0..<rows.rowCount).map { Row(names: names, values: rows.row($0)) }
    }
}

/// One result row: values by column name or position, with typed accessors.
public struct Row: Sendable, Hashable {
    /// The column names, in order.
    public let names: [String]
    /// The values, in column order.
    public let values: [Value]

    /// The value of column `name` (`.null` when there is no such column).
    public subscript(_ name: String) -> Value {
        names.firstIndex(of: name).map { values[$0] } ?? .null
    }

    /// The value at `position`.
    public subscript(_ position: Int) -> Value { values[position] }

    /// Column `name` as an integer (ints and timestamps), nil when null or of another type.
    public func int(_ name: String) -> Int64? {
        switch self[name] {
        case let .int(v), let .timestamp(v): return v
        case let .uint(v): return Int64(exactly: v)
        default: return nil
        }
    }

    /// Column `name` as a double (any number).
    public func double(_ name: String) -> Double? {
        switch self[name] {
        case let .int(v): return Double(v)
        case let .uint(v): return Double(v)
        case let .float32(v): return Double(v)
        case let .float64(v): return v
        default: return nil
        }
    }

    /// Column `name` as text (strings and JSON).
    public func string(_ name: String) -> String? {
        switch self[name] {
        case let .string(v), let .json(v): return v
        default: return nil
        }
    }

    /// Column `name` as a boolean.
    public func bool(_ name: String) -> Bool? {
        if case let .bool(v) = self[name] { return v }
        return nil
    }

    /// Column `name` as a vector.
    public func vector(_ name: String) -> [Float]? {
        if case let .vector(v) = self[name] { return v }
        return nil
    }
}
