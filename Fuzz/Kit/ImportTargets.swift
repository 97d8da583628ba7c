import Strata

extension FuzzTargets {
    /// Text imported into a table (`read_jsonl`, `read_csv`, the shell's `.import`): the first
    /// byte picks JSON Lines or CSV (bit 0) and the schema values convert to (bit 1: the
    /// inferred one, or one column of every type, named `a`, `b`, …); the rest is the text.
    /// Inferring a text in two parts, split at a line break, must give the whole text's
    /// columns, and converting must give one row per record.
    public static func importText(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let format: ImportFormat = selector & 1 == 0 ? .jsonl : .csv
        let text = bytes.dropFirst()
        guard let whole = try? Database.inferColumns(text, format: format, path: "fuzz") else { return }
        let schema = selector & 2 == 0 ? try? whole.schema : everyType
        if let schema, let rows = try? Database.parseRows(text, format: format, path: "fuzz", as: schema) {
            precondition(rows.allSatisfy { $0.count == schema.fields.count }, "a row of another width")
        }
        // JSON Lines split after the line break nearest the middle: the parts' merged columns
        // are the whole's.
        guard format == .jsonl, let cut = text[(text.startIndex + text.count / 2)...].firstIndex(of: 0x0A) else { return }
        let first = try? Database.inferColumns(text[..<(cut + 1)], format: .jsonl, path: "fuzz")
        let second = try? Database.inferColumns(text[(cut + 1)...], format: .jsonl, path: "fuzz")
        guard var merged = first, let second else {
            preconditionFailure("a part of a text that parses does not parse")
        }
        merged.merge(second)
        precondition(merged == whole, "the parts infer other columns than the whole")
    }

    /// `allTypes` with its columns named `a`, `b`, … (short keys for the fuzzer to find).
    static let everyType: Schema = {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return try! Schema(allTypes.fields.enumerated().map { (String(letters[$0]), $1.type, true) })
    }()
}
