extension RecordBatch {
    /// A batch of `schema` from rows of values, each already of its column's type.
    /// - Throws: `.invalidInput` when a value does not fit its column.
    public init(schema: Schema, rows: [[Value]]) throws(StrataError) {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for row in rows {
            for c in builders.indices { try builders[c].append(row[c]) }
        }
        try self.init(schema: schema, columns: builders.map { $0.finish() })
    }
}
