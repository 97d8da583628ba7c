import StrataCore

/// The type of an expression's values, coarser than a column's `DataType`: every integer
/// width is `int` (Int64), both float widths `float` (Double).
public enum SQLType: Sendable, Hashable, CustomStringConvertible {
    /// The type of a bare NULL, which fits any other.
    case null
    case bool, int, float, timestamp, interval, string, binary, json
    /// A vector of `dimension` float32 elements.
    case vector(dimension: Int)

    /// The expression type of a column of type `type`.
    public init(_ type: DataType) {
        switch type {
        case .bool: self = .bool
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: self = .int
        case .float32, .float64: self = .float
        case .timestamp: self = .timestamp
        case .string: self = .string
        case .binary: self = .binary
        case .json: self = .json
        case let .vector(_, dimension): self = .vector(dimension: dimension)
        }
    }

    /// The column type that holds values of this type in results.
    public var dataType: DataType {
        switch self {
        case .null, .string, .interval: return .string
        case .bool: return .bool
        case .int: return .int64
        case .float: return .float64
        case .timestamp: return .timestamp
        case .binary: return .binary
        case .json: return .json
        case let .vector(dimension): return .vector(.float32, dimension: dimension)
        }
    }

    /// Whether values are numbers (int or float).
    public var isNumeric: Bool { self == .int || self == .float }

    /// The name used in messages and plans.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .timestamp: return "timestamp"
        case .interval: return "interval"
        case .string: return "string"
        case .binary: return "binary"
        case .json: return "json"
        case let .vector(dimension): return "vector(\(dimension))"
        }
    }

    /// Parses a type name as written in CAST: the column type names of spec/format and the
    /// usual SQL spellings (`INT`, `BIGINT`, `TEXT`, `VARCHAR`, `DOUBLE`, `REAL`, `BOOLEAN`).
    /// - Throws: `.invalidQuery` at `offset` for an unknown name.
    public init(parsing name: String, offset: Int) throws(StrataError) {
        let plain = name.lowercased()
        switch plain {
        case "bool", "boolean": self = .bool
        case "int", "integer", "bigint", "smallint", "tinyint", "int8", "int16", "int32", "int64",
             "uint8", "uint16", "uint32", "uint64": self = .int
        case "float", "double", "real", "float32", "float64", "numeric", "decimal": self = .float
        case "timestamp", "timestamptz", "datetime": self = .timestamp
        case "text", "string", "varchar", "char": self = .string
        case "binary", "bytea", "blob": self = .binary
        case "json", "jsonb": self = .json
        case "interval":
            throw .invalidQuery(message: "an interval is written INTERVAL '3 days', not cast", offset: offset)
        default:
            guard let type = try? DataType(parsing: ColumnTypeNames.normalized(plain)) else {
                throw .invalidQuery(message: "unknown type '\(name)'", offset: offset)
            }
            self = SQLType(type)
        }
    }
}

/// Column type names as SQL writes them, mapped to Strata's (`VECTOR(384)` is
/// `vector(float32,384)`).
package enum ColumnTypeNames {
    /// `name` (lower case, no spaces) in Strata's spelling.
    package static func normalized(_ name: String) -> String {
        if name.hasPrefix("vector("), !name.contains(",") {
            return "vector(float32," + name.dropFirst("vector(".count)
        }
        return name
    }
}
