/// An ordered list of fields with unique ids and names, plus key/value metadata.
public struct Schema: Sendable, Hashable {
    /// The fields, in column order.
    public let fields: [Field]
    /// Free-form key/value metadata.
    public let metadata: [String: String]

    /// Creates a schema after checking that names are non-empty and unique and ids unique.
    /// - Throws: `StrataError.invalidInput` naming the offending field.
    public init(fields: [Field], metadata: [String: String] = [:]) throws(StrataError) {
        var names = Set<String>()
        var ids = Set<UInt32>()
        for field in fields {
            guard !field.name.isEmpty else {
                throw .invalidInput(what: "schema", why: "field \(field.id) has an empty name")
            }
            guard names.insert(field.name).inserted else {
                throw .invalidInput(what: "schema", why: "duplicate field name '\(field.name)'")
            }
            guard ids.insert(field.id).inserted else {
                throw .invalidInput(what: "schema", why: "duplicate field id \(field.id) ('\(field.name)')")
            }
        }
        self.fields = fields
        self.metadata = metadata
    }

    /// Builds a schema from (name, type, nullable) triples, numbering ids 0, 1, 2, ….
    public init(_ columns: [(String, DataType, Bool)], metadata: [String: String] = [:]) throws(StrataError) {
        try self.init(
            fields: columns.enumerated().map { Field(id: UInt32($0.offset), name: $0.element.0, type: $0.element.1, nullable: $0.element.2) },
            metadata: metadata)
    }

    /// The position of the field named `name`, if any.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// The field named `name`, if any.
    public subscript(name: String) -> Field? {
        index(of: name).map { fields[$0] }
    }

    /// The positions of `names`, in the given order.
    /// - Throws: `StrataError.invalidInput` for an unknown or repeated name.
    public func indices(of names: [String]) throws(StrataError) -> [Int] {
        var seen = Set<String>()
        var result: [Int] = []
        for name in names {
            guard let index = index(of: name) else {
                throw .invalidInput(
                    what: "column '\(name)'", why: "no such column; the columns are \(fields.map(\.name).joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else {
                throw .invalidInput(what: "column '\(name)'", why: "listed twice")
            }
            result.append(index)
        }
        return result
    }

    /// The schema of the columns at `indices`, in that order.
    public func projected(_ indices: [Int]) -> Schema {
        Schema(checkedFields: indices.map { fields[$0] }, metadata: metadata)
    }

    /// For fields already known to be unique (a subset of a valid schema).
    private init(checkedFields: [Field], metadata: [String: String]) {
        self.fields = checkedFields
        self.metadata = metadata
    }
}
