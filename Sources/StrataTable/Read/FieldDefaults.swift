import StrataCore

/// Defaults of columns added after data was written: the value rows read where no data file
/// holds the column. Stored in the field's metadata under `strata.default` as JSON text in the
/// JSONL conventions of spec/format.md §13 (spec/table.md §3.3).
package enum FieldDefaults {
    /// The metadata key of a field's default.
    package static let metadataKey = "strata.default"

    /// The default of `field`: its stored default, or null.
    /// - Throws: `.invalidInput` when the stored default does not fit the field's type.
    package static func value(of field: Field) throws(StrataError) -> Value {
        guard let text = field.metadata[metadataKey] else { return .null }
        return try parse(text, for: field)
    }

    /// Parses `text` (JSON) as a value of `field`'s type.
    package static func parse(_ text: String, for field: Field) throws(StrataError) -> Value {
        let bytes = Array(text.utf8)
        let json = try JSONParser.parse(bytes)
        return try JSONRows.value(json, source: bytes[...], type: field.type)
    }

    /// A column of `count` copies of `field`'s default.
    package static func constantColumn(_ field: Field, count: Int) throws(StrataError) -> ColumnBuffer {
        let value = try value(of: field)
        var builder = ColumnBuilder(type: field.type, capacity: count)
        for _ in 0..<count { try builder.append(value) }
        return builder.finish()
    }
}
