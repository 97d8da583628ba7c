import Foundation
import Strata

/// The datasets of the format benchmark, generated bit-identically to
/// `Benchmarks/peers/format_peers.py` (see its README for the formulas and check values).
enum BenchDatasets {
    /// SplitMix64 of `x`: the mixing function both sides use.
    static func splitmix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    struct Dataset {
        var name: String
        var schema: Schema
        var batches: [RecordBatch]
        var rowCount: Int { batches.reduce(0) { $0 + $1.rowCount } }
        /// In-memory value bytes (the MB of MB/s): fixed widths, bools as ⅛ byte, string bytes.
        func rawBytes(columns: [String]? = nil) -> Int {
            var total = 0
            for (c, field) in schema.fields.enumerated() where columns?.contains(field.name) ?? true {
                for batch in batches {
                    let column = batch.columns[c]
                    if let width = field.type.fixedWidth { total += column.count * width }
                    else if field.type == .bool { total += 0 } else { total += column.values.count }
                }
                if field.type == .bool { total += (rowCount + 7) / 8 }
            }
            return total
        }
    }

    static let batchRows = 65_536

    static func mixed(rows: Int = 1_000_000) throws -> Dataset {
        let schema = try Schema([("id", .int64, false), ("user_id", .int32, false), ("score", .float64, false), ("created_at", .timestamp, false),
                                 ("flag", .bool, false), ("small", .int8, false), ("category", .string, false)])
        var batches: [RecordBatch] = []
        for start in stride(from: 0, to: rows, by: batchRows) {
            let end = min(rows, start + batchRows)
            var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: end - start) }
            for i in start..<end {
                let h = splitmix64(UInt64(i))
                builders[0].appendRaw(Int64(i))
                builders[1].appendRaw(Int32(h % 100_000))
                builders[2].appendRaw((Double(h >> 11) / 9_007_199_254_740_992).bitPattern)
                builders[3].appendRaw(Int64(1_700_000_000_000_000 + i * 1_000_000 + Int(h % 1_000_000)))
                try builders[4].append(.bool((h >> 7) & 1 == 1))
                builders[5].appendRaw(Int8((h >> 32) % 100))
                builders[6].appendBytes(Array("category-\((h >> 20) % 16)".utf8))
            }
            batches.append(try RecordBatch(schema: schema, columns: builders.map { $0.finish() }))
        }
        return Dataset(name: "mixed", schema: schema, batches: batches)
    }

    static func vectors(rows: Int = 100_000, dimension: Int = 384) throws -> Dataset {
        let schema = try Schema([("id", .int64, false), ("emb", .vector(.float32, dimension: dimension), false)])
        var batches: [RecordBatch] = []
        for start in stride(from: 0, to: rows, by: 8192) {
            let end = min(rows, start + 8192)
            var ids = ColumnBuilder(type: .int64, capacity: end - start)
            var embeddings = ColumnBuilder(type: schema.fields[1].type, capacity: end - start)
            var row = [UInt8](repeating: 0, count: dimension * 4)
            for i in start..<end {
                ids.appendRaw(Int64(i))
                for j in 0..<dimension {
                    let h = splitmix64(UInt64(i * dimension + j))
                    let value = Float(Double(h >> 40) / 16_777_216 * 2 - 1)
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { row.replaceSubrange((j * 4)..<(j * 4 + 4), with: $0) }
                }
                embeddings.appendFixedBytes(row)
            }
            batches.append(try RecordBatch(schema: schema, columns: [ids.finish(), embeddings.finish()]))
        }
        return Dataset(name: "vectors", schema: schema, batches: batches)
    }

    /// The SQuAD passages, or nil when the shared data is absent.
    static func passages(dataDirectory: String) throws -> Dataset? {
        guard let contents = FileManager.default.contents(atPath: dataDirectory + "/squad/passages.jsonl") else { return nil }
        let schema = try Schema([("pid", .string, false), ("title", .string, false), ("text", .string, false)])
        var builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        for line in contents.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            let object = try JSONParser.parse(Array(line))
            for (c, name) in ["pid", "title", "text"].enumerated() {
                guard case let .string(text)? = object[name] else { throw StrataError.invalidInput(what: "passage", why: "no \(name)") }
                try builders[c].append(.string(text))
            }
        }
        return Dataset(name: "passages", schema: schema, batches: [try RecordBatch(schema: schema, columns: builders.map { $0.finish() })])
    }
}
