import StrataCore

/// The columns a JSON Lines or CSV text infers to, by `read_jsonl`'s and `read_csv`'s rules
/// (spec/sql.md §5.3), kept open so that the inference of one part of a file can merge with
/// the next: a file imported part by part gets the types its whole text infers to.
public struct InferredColumns: Sendable, Equatable {
    /// The inferred type of one column so far.
    enum Kind: Equatable, Sendable {
        /// Only nulls (or nothing) seen yet.
        case unknown, bool, int, float, string, json
        case vector(Int)

        /// The kind of a column holding values of both kinds: in JSONL a mix is json; in CSV
        /// (where every value is text) a mix of non-numbers is string.
        func merged(_ other: Kind, format: ImportFormat) -> Kind {
            switch (self, other) {
            case (.unknown, _): return other
            case (_, .unknown): return self
            case _ where self == other: return self
            case (.int, .float), (.float, .int): return .float
            default: return format == .csv ? .string : .json
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

        /// The kind of one JSON value.
        init(_ json: JSONValue) {
            switch json {
            case .null: self = .unknown
            case .bool: self = .bool
            case let .number(n): self = Int64(n) != nil ? .int : .float
            case .string: self = .string
            case let .array(items):
                let numbers = items.allSatisfy { if case .number = $0 { true } else { false } }
                self = numbers && !items.isEmpty && items.count <= DataType.maxVectorDimension ? .vector(items.count) : .json
            case .object: self = .json
            }
        }

        /// The kind of one CSV field's text.
        init(csv text: String) {
            if Int64(text) != nil { self = .int } else if Double(text) != nil { self = .float } else if ["true", "false"].contains(text.lowercased()) { self = .bool } else { self = .string }
        }
    }

    /// The format whose rules merge the kinds.
    let format: ImportFormat
    /// Column names in first-seen order.
    public private(set) var names: [String] = []
    /// Each column's kind, by name.
    private(set) var kinds: [String: Kind] = [:]

    init(format: ImportFormat) { self.format = format }

    /// Adds a value's kind to column `name` (new columns go last).
    mutating func add(_ name: String, _ kind: Kind) {
        if let known = kinds[name] {
            kinds[name] = known.merged(kind, format: format)
        } else {
            names.append(name)
            kinds[name] = kind
        }
    }

    /// The columns of both (this one's first), each column's kinds merged.
    public mutating func merge(_ other: InferredColumns) {
        for name in other.names { add(name, other.kinds[name]!) }
    }

    /// The kind of column `name` (unknown when absent).
    func kind(_ name: String) -> Kind { kinds[name] ?? .unknown }

    /// The schema: a nullable column per name, of the inferred type (string for a column
    /// that held only nulls).
    public var schema: Schema {
        get throws(StrataError) {
            try Schema(fields: names.enumerated().map { Field(id: UInt32($0), name: $1, type: kinds[$1]!.type, nullable: true) })
        }
    }
}
