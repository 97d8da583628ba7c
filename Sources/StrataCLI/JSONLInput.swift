import Strata

/// Reads a schema file (`{"fields":[…]}`), naming the file in any error.
func loadSchema(_ path: String) throws(StrataError) -> Schema {
    let bytes = try readWholeFile(path)
    let schema: Schema
    do {
        schema = try Schema(json: bytes)
    } catch {
        throw .invalidInput(what: "schema file '\(path)'", why: error.description)
    }
    guard !schema.fields.isEmpty else { throw .invalidInput(what: "schema file '\(path)'", why: "needs at least one field") }
    return schema
}

/// Calls `body` with the rows of the JSON Lines file `path` ('-': standard input) as batches
/// of `schema` of at most `batchRows` rows. Blank lines are skipped; a bad line throws
/// `.invalidInput` naming its line number.
func forEachJSONLBatch(_ path: String, schema: Schema, batchRows: Int = 8192,
                       _ body: (RecordBatch) async throws -> Void) async throws {
    let lines = try LineReader(path: path)
    var builders = schema.fields.map { ColumnBuilder(type: $0.type) }
    var lineNumber = 0
    func emit() async throws {
        let batch = try RecordBatch(schema: schema, columns: builders.map { $0.finish() })
        builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        try await body(batch)
    }
    while let line = try lines.next() {
        lineNumber += 1
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
        do {
            let row = try JSONRows.row(line, schema: schema)
            for (c, value) in row.enumerated() { try builders[c].append(value) }
        } catch {
            throw StrataError.invalidInput(what: "input line \(lineNumber)", why: error.description)
        }
        if builders[0].count >= batchRows { try await emit() }
    }
    if builders[0].count > 0 { try await emit() }
}

/// Every row of the JSON Lines file `path` as batches of `schema`.
func readJSONLBatches(_ path: String, schema: Schema) async throws -> [RecordBatch] {
    var batches: [RecordBatch] = []
    try await forEachJSONLBatch(path, schema: schema, batchRows: 65_536) { batches.append($0) }
    return batches
}

/// Prints every row of `batch` as one JSON line.
func printRows(_ batch: RecordBatch) throws {
    for row in 0..<batch.rowCount { try StandardOutput.shared.line(JSONRows.line(batch, row: row)) }
}
