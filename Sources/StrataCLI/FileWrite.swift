import ArgumentParser
import Strata

/// `strata file write --schema S.json IN.jsonl OUT`.
struct FileWrite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write a data file from JSON Lines.",
        discussion: """
            The schema is JSON: {"fields":[{"name":"id","type":"int64","nullable":false}, \
            {"name":"emb","type":"vector(float32,384)"}]}. Types: bool, int8…int64, uint8…uint64, \
            float32, float64, timestamp, string, binary, json, vector(float32|float16|int8,DIM). \
            In the input, binary is base64, timestamps are ISO-8601 or integer microseconds, \
            floats may be "NaN", "Infinity", "-Infinity". IN may be '-' for standard input.
            """
    )

    @Option(name: .long, help: "The schema, as a JSON file.")
    var schema: String

    @Option(name: .long, help: "Force an encoding for every column that supports it: plain, bitpacked, dictionary, varbinary, fixed-size-list.")
    var encoding: String?

    @Option(name: .long, help: "Force a codec for every page: none, lz4, zstd.")
    var codec: String?

    @Argument(help: "Input JSON Lines file ('-' for standard input).")
    var input: String

    @Argument(help: "Output data file.")
    var output: String

    func run() async throws {
        let parsedSchema = try loadSchema(schema)
        var options = FileWriterOptions()
        if let codec {
            guard let value = PageCodec(rawValue: codec) else {
                throw StrataError.invalidInput(what: "codec '\(codec)'", why: "expected none, lz4 or zstd")
            }
            options.codec = value
        }
        if let encoding {
            guard let value = PageEncoding(rawValue: encoding) else {
                throw StrataError.invalidInput(what: "encoding '\(encoding)'",
                                               why: "expected \(PageEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for field in parsedSchema.fields where value.supports(field.type) { options.encodings[field.name] = value }
        }
        let (store, name) = try openLocal(output)
        let writer = try await FileWriter(store: store, path: name, schema: parsedSchema, options: options)
        do {
            try await forEachJSONLBatch(input, schema: parsedSchema) { try await writer.write($0) }
            let summary = try await writer.finish()
            try StandardOutput.shared.line("wrote \(summary.rowCount) rows, \(summary.pages) pages, \(summary.bytes) bytes to \(output)")
        } catch {
            await writer.abort()
            throw error
        }
    }
}
