/// One column of a schema: a stable id, a name, a type, nullability and key/value metadata.
///
/// The id is what stored data refers to, so a column keeps its id when it is renamed, and a
/// dropped column's id is never reused.
public struct Field: Sendable, Hashable {
    /// Stable identifier, unique within a schema.
    public var id: UInt32
    /// Column name, unique within a schema, non-empty.
    public var name: String
    /// Logical type.
    public var type: DataType
    /// Whether the column may hold nulls.
    public var nullable: Bool
    /// Free-form key/value metadata.
    public var metadata: [String: String]

    /// Creates a field.
    public init(id: UInt32, name: String, type: DataType, nullable: Bool = true, metadata: [String: String] = [:]) {
        self.id = id
        self.name = name
        self.type = type
        self.nullable = nullable
        self.metadata = metadata
    }
}
