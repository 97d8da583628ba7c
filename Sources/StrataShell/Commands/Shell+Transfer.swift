import Foundation
import Strata

extension Shell {
    /// The size of the parts a file is parsed in (the progress bar moves once per part).
    static let importPart = 1 << 20

    /// `.import FILE TABLE`: a JSON Lines file (or CSV, for a `.csv` name) into TABLE in one
    /// commit, parsed a part at a time with a progress bar. A missing TABLE is created with
    /// the columns and types the whole file infers to, and dropped again if the import fails,
    /// so a failed import leaves nothing behind.
    func importFile(_ file: String, into table: String) async throws(StrataError) {
        guard let data = FileManager.default.contents(atPath: file) else { throw .notFound(path: file) }
        let bytes = [UInt8](data)
        let format: ImportFormat = file.lowercased().hasSuffix(".csv") ? .csv : .jsonl
        var created = false
        if !database.tableExists(table) {
            let inferred = try Database.parseRows(bytes, format: format, path: file).schema
            guard !inferred.fields.isEmpty else { throw .invalidQuery(message: "\(file) holds no rows to make table '\(table)' from", offset: nil) }
            let columns = inferred.fields.map { "\(Self.quotedName($0.name)) \($0.type)" }.joined(separator: ", ")
            try await database.execute("CREATE TABLE \(Self.quotedName(table)) (\(columns))")
            created = true
        }
        do throws(StrataError) {
            let count = try await importParts(bytes, format: format, file: file, into: table)
            if render.mode.isForPeople { try output.line("Imported \(count) row\(count == 1 ? "" : "s") into \(table)") }
        } catch {
            if created { _ = try? await database.execute("DROP TABLE \(Self.quotedName(table))") }
            throw error
        }
    }

    /// Parses `bytes` part by part (whole lines; for CSV whole records, each part after the
    /// first with the header before it), then writes every row in one commit.
    private func importParts(_ bytes: [UInt8], format: ImportFormat, file: String, into table: String) async throws(StrataError) -> Int {
        progress?.start("Importing \(file)", total: Int64(bytes.count), unit: "bytes")
        defer { progress?.finish() }
        var columns: [String] = []
        var rows: [[Value]] = []
        let header = format == .csv ? bytes[..<Self.recordEnd(bytes, from: 0, atLeast: 0, csv: true)] : []
        var start = header.count
        while start < bytes.count {
            try StrataError.checkCancellation()
            let end = Self.recordEnd(bytes, from: start, atLeast: start + Self.importPart - 1, csv: format == .csv)
            let part = Array(header) + bytes[start..<end]
            let batch = try Database.parseRows(part, format: format, path: file)
            let positions = batch.schema.fields.map { field in
                if let known = columns.firstIndex(of: field.name) { return known }
                columns.append(field.name)
                for i in rows.indices { rows[i].append(.null) }
                return columns.count - 1
            }
            for r in 0..<batch.rowCount {
                var row = [Value](repeating: .null, count: columns.count)
                for (c, column) in batch.columns.enumerated() { row[positions[c]] = column.value(at: r) }
                rows.append(row)
            }
            start = end
            progress?.update(done: Int64(start))
        }
        return try await database.insert(rows: rows, columns: columns, into: table)
    }

    /// The index just past the first line break at or after `target` that ends a line (for
    /// CSV a record: a break outside quotes, scanning from `start`, a record's start), or the
    /// end of `bytes`.
    static func recordEnd(_ bytes: [UInt8], from start: Int, atLeast target: Int, csv: Bool) -> Int {
        var i = csv ? start : max(start, target), quoted = false
        while i < bytes.count {
            if csv && bytes[i] == UInt8(ascii: "\"") { quoted.toggle() }
            if bytes[i] == 0x0A && !quoted && i >= target { return i + 1 }
            i += 1
        }
        return bytes.count
    }

    /// `.export TABLE FILE`: every row of TABLE as JSON Lines, or CSV for a `.csv` name.
    func export(_ table: String, to file: String) async throws(StrataError) {
        let result = try await database.execute("SELECT * FROM \(Self.quotedName(table))")
        guard let rows = result.rows else { return }
        var settings = RenderSettings()
        settings.mode = file.lowercased().hasSuffix(".csv") ? .csv : .jsonl
        let text = ResultRenderer(settings).lines(rows).map { $0 + "\n" }.joined()
        guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8)) else {
            throw .io(path: file, operation: "write", code: 0, message: "cannot create the file")
        }
        if render.mode.isForPeople { try output.line("Exported \(rows.rowCount) row\(rows.rowCount == 1 ? "" : "s") to \(file)") }
    }
}
