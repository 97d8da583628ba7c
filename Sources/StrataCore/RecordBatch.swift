/// Rows of a schema held column by column: every column has the same number of rows.
public struct RecordBatch: Sendable {
    /// The columns' fields.
    public let schema: Schema
    /// One buffer per field, in schema order.
    public let columns: [ColumnBuffer]
    /// Number of rows.
    public let rowCount: Int

    /// Creates a batch after checking the columns against the schema.
    /// - Throws: `StrataError.invalidInput` when a column's type or length differs from the
    ///   schema's, or a non-nullable column holds a null.
    public init(schema: Schema, columns: [ColumnBuffer]) throws(StrataError) {
        guard columns.count == schema.fields.count else {
            throw .invalidInput(what: "record batch", why: "\(columns.count) columns for a schema of \(schema.fields.count) fields")
        }
        let rows = columns.first?.count ?? 0
        for (field, column) in zip(schema.fields, columns) {
            guard column.type == field.type else {
                throw .invalidInput(what: "column '\(field.name)'", why: "holds \(column.type), the schema says \(field.type)")
            }
            guard column.count == rows else {
                throw .invalidInput(what: "column '\(field.name)'", why: "has \(column.count) rows, the first column \(rows)")
            }
            guard field.nullable || column.nullCount == 0 else {
                throw .invalidInput(what: "column '\(field.name)'", why: "is not nullable but holds \(column.nullCount) nulls")
            }
        }
        self.schema = schema
        self.columns = columns
        self.rowCount = rows
    }

    /// The column named `name`, if any.
    public func column(named name: String) -> ColumnBuffer? {
        schema.index(of: name).map { columns[$0] }
    }

    /// Row `index` as values, in schema order.
    public func row(_ index: Int) -> [Value] {
        columns.map { $0.value(at: index) }
    }

    /// Concatenates batches of one schema.
    /// - Precondition: every batch has `schema`.
    public static func concatenate(_ batches: [RecordBatch], schema: Schema) -> RecordBatch {
        let columns = schema.fields.indices.map { c in
            ColumnBuffer.concatenate(batches.map { ($0.columns[c], 0..<$0.rowCount) }, type: schema.fields[c].type)
        }
        return RecordBatch(checked: schema, columns: columns)
    }

    /// For columns already known to match `schema` (slices and projections of valid batches).
    package init(checked schema: Schema, columns: [ColumnBuffer]) {
        self.schema = schema
        self.columns = columns
        self.rowCount = columns.first?.count ?? 0
    }
}
