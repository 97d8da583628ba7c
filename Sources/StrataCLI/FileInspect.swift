import ArgumentParser
import Strata

/// `strata file inspect FILE`.
struct FileInspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a data file's schema and, per column, its pages with encoding, codec, sizes and statistics."
    )

    @Argument(help: "The data file.")
    var file: String

    func run() async throws {
        let reader = try await openReader(file)
        let out = StandardOutput.shared
        try out.line("file \(file): \(reader.fileSize) bytes, format \(reader.formatVersion), \(reader.rowCount) rows, written by \(reader.createdBy)")
        if !reader.metadata.isEmpty {
            try out.line("metadata: " + reader.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        try out.line("schema:")
        let nameWidth = max(4, reader.schema.fields.map(\.name.count).max() ?? 0)
        for field in reader.schema.fields {
            var line = "  " + pad(String(field.id), 4) + pad(field.name, nameWidth + 2) + pad(field.type.description, 22)
            line += field.nullable ? "nullable" : "not null"
            if !field.metadata.isEmpty { line += "  " + field.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") }
            try out.line(line)
        }
        for column in reader.columns {
            let stored = column.pages.reduce(0) { $0 + $1.storedLength }
            let body = column.pages.reduce(0) { $0 + $1.bodyLength }
            try out.line("column \(column.field.name) (\(column.field.type)): \(column.pages.count) pages, \(stored) bytes stored, \(body) bytes decoded")
            guard !column.pages.isEmpty else { continue }
            try out.line("  " + pad("page", 6) + pad("rows", 20) + pad("offset", 12) + pad("stored", 10) + pad("body", 10)
                         + pad("encoding", 17) + pad("codec", 6) + pad("nulls", 8) + "min … max")
            for page in column.pages {
                let stats = page.statistics
                var range = "-"
                if let min = stats.min, let max = stats.max { range = "\(describe(min)) … \(describe(max))" }
                if stats.nanCount > 0 { range += " (\(stats.nanCount) NaN)" }
                try out.line("  " + pad(String(page.index), 6) + pad("\(page.firstRow)..<\(page.firstRow + page.rowCount)", 20)
                             + pad(String(page.offset), 12) + pad(String(page.storedLength), 10) + pad(String(page.bodyLength), 10)
                             + pad(page.encoding.rawValue, 17) + pad(page.codec.rawValue, 6) + pad(String(stats.nullCount), 8) + range)
            }
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func describe(_ value: Value) -> String {
        let text = JSONRows.text(value)
        return text.count > 40 ? String(text.prefix(37)) + "…" : text
    }
}
