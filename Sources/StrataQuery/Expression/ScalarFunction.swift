import StrataCore

/// The built-in scalar functions (spec/sql.md, "Functions"). `now()` is not here: the
/// binder replaces it with the statement's timestamp, one value for the whole statement.
public enum ScalarFunction: String, Sendable, Hashable, CaseIterable {
    case lower, upper, length, abs, round, floor, ceil, coalesce
    /// Seconds since the Unix epoch (int or float) to a timestamp.
    case toTimestamp = "to_timestamp"
    /// A timestamp to seconds since the Unix epoch (float).
    case epoch

    /// The name as written in SQL.
    public var name: String { rawValue }

    /// The names of every function — `now`, the searches and the aggregates included — for
    /// "did you mean" hints and completion.
    public static var allNames: [String] { allCases.map(\.name) + ["now", "match", "rrf", "fuse_linear", "count", "sum", "avg", "min", "max"] }

    /// The type of the result for arguments of `types` (checked by the binder beforehand).
    public func resultType(_ types: [SQLType]) -> SQLType {
        switch self {
        case .lower, .upper: return .string
        case .length: return .int
        case .abs, .round, .floor, .ceil: return types.first ?? .float
        case .coalesce: return types.first { $0 != .null } ?? .null
        case .toTimestamp: return .timestamp
        case .epoch: return .float
        }
    }
}
