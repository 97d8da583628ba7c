import Foundation
import Strata

extension Shell {
    /// The size of the parts a file is parsed in (the progress bar moves once per part).
    static let importPart = 1 << 20

    /// `.import FILE TABLE`: a JSON Lines file (or CSV, for a `.csv` name) into TABLE in one
    /// commit, read a part at a time with a progress bar, cancellable at every part. A missing
    /// TABLE is created with the columns and types the whole file infers to (a first pass over
    /// the parts), and dropped again if the import fails, so a failed import leaves nothing
    /// behind. Values convert from their text to the table's column types.
    func importFile(_ file: String, into tableName: String) async throws(StrataError) {
        let table = Self.quotedName(tableName)
        let bytes = try Self.contents(of: file)
        let format: ImportFormat = file.lowercased().hasSuffix(".csv") ? .csv : .jsonl
        let parts = Self.parts(of: bytes, csv: format == .csv)
        let exists = database.tableExists(table)
        progress?.start("Importing \(file)", total: Int64(bytes.count) * (exists ? 1 : 2), unit: "bytes")
        defer { progress?.finish() }
        var created = false
        if !exists {
            var inferred: InferredColumns?
            for part in parts {
                try StrataError.checkCancellation()
                let columns = try Database.inferColumns(part.text, format: format, path: file, firstLine: part.firstLine)
                if inferred == nil { inferred = columns } else { inferred!.merge(columns) }
                progress?.update(done: Int64(part.end))
            }
            let schema = try inferred?.schema
            guard let schema, !schema.fields.isEmpty else { throw .invalidQuery(message: "\(file) holds no rows to make table '\(tableName)' from", offset: nil) }
            let columns = schema.fields.map { "\(Self.quotedColumn($0.name)) \($0.type)" }.joined(separator: ", ")
            try await database.execute("CREATE TABLE \(table) (\(columns))")
            created = true
        }
        do throws(StrataError) {
            let schema = try await database.schema(ofTable: table)
            var rows: [[Value]] = []
            for part in parts {
                try StrataError.checkCancellation()
                rows += try Database.parseRows(part.text, format: format, path: file, as: schema, firstLine: part.firstLine)
                progress?.update(done: Int64(part.end) + (exists ? 0 : Int64(bytes.count)))
            }
            try StrataError.checkCancellation()
            let count = try await database.insert(rows: rows, columns: schema.fields.map(\.name), into: table)
            if render.mode.isForPeople { try output.line("Imported \(count) row\(count == 1 ? "" : "s") into \(tableName)") }
        } catch {
            if created { _ = try? await database.execute("DROP TABLE \(table)") }
            throw error
        }
    }

    /// The bytes of the file at `path`.
    /// - Throws: `.notFound` when there is none, `.io` for a directory or an unreadable file.
    static func contents(of path: String) throws(StrataError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .notFound(path: path) }
        guard !isDirectory.boolValue else { throw .io(path: path, operation: "read", code: 0, message: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else { throw .io(path: path, operation: "read", code: 0, message: "cannot read the file") }
        return [UInt8](data)
    }

    /// One part of a file: its text (for CSV the header, then whole records), the file line
    /// that text starts on, and where the part ends in the file.
    struct ImportPart {
        let text: ArraySlice<UInt8>
        let firstLine: Int
        let end: Int
    }

    /// `bytes` cut into parts of about `importPart` bytes at line ends (for CSV at record
    /// ends, each part after the first led by the header).
    static func parts(of bytes: [UInt8], csv: Bool) -> [ImportPart] {
        let headerEnd = csv ? recordEnd(bytes, from: 0, atLeast: 0, csv: true) : 0
        let headerLines = bytes[..<headerEnd].count { $0 == 0x0A }
        var parts: [ImportPart] = []
        var start = headerEnd, line = 1 + headerLines
        repeat {
            let end = recordEnd(bytes, from: start, atLeast: start + importPart - 1, csv: csv)
            let text = csv ? ArraySlice(Array(bytes[..<headerEnd]) + bytes[start..<end]) : bytes[start..<end]
            parts.append(ImportPart(text: text, firstLine: line - (csv ? headerLines : 0), end: end))
            line += bytes[start..<end].count { $0 == 0x0A }
            start = end
        } while start < bytes.count
        return parts
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

    /// `.export TABLE FILE`: every row of TABLE as JSON Lines, or CSV for a `.csv` name,
    /// written a part at a time with a progress bar into a temporary file renamed over FILE
    /// at the end, so a failed or cancelled export leaves FILE as it was.
    func export(_ table: String, to file: String) async throws(StrataError) {
        let result = try await database.execute("SELECT * FROM \(Self.quotedName(table))")
        guard let rows = result.rows else { return }
        var settings = RenderSettings()
        settings.mode = file.lowercased().hasSuffix(".csv") ? .csv : .jsonl
        let temporary = file + ".exporting-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw .io(path: file, operation: "write", code: 0, message: "cannot create the file")
        }
        progress?.start("Exporting \(table)", total: Int64(rows.rowCount), unit: "rows")
        defer { progress?.finish() }
        do throws(StrataError) {
            for start in stride(from: 0, to: max(rows.rowCount, 1), by: 10_000) {
                try StrataError.checkCancellation()
                let range = start..<min(rows.rowCount, start + 10_000)
                let part = try RecordBatch(schema: rows.schema, columns: rows.columns.map { $0.slice(range) })
                settings.headers = start == 0
                let text = ResultRenderer(settings).lines(part).map { $0 + "\n" }.joined()
                do { try handle.write(contentsOf: Data(text.utf8)) } catch {
                    throw .io(path: file, operation: "write", code: 0, message: "\(error)")
                }
                progress?.update(done: Int64(range.upperBound))
            }
            try? handle.close()
            guard rename(temporary, file) == 0 else { throw .io(path: file, operation: "rename", code: errno, message: String(cString: strerror(errno))) }
        } catch {
            try? handle.close()
            unlink(temporary)
            throw error
        }
        if render.mode.isForPeople { try output.line("Exported \(rows.rowCount) row\(rows.rowCount == 1 ? "" : "s") to \(file)") }
    }
}
