import ArgumentParser
import Strata

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `strata demo [DIR]`: writes a sample of an agent's conversation log to a data file and
/// walks through what the format does with it (encodings chosen per page, projection, random
/// access by row, verification), then through a versioned table of the same turns.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write a sample data file and show what Strata does with it."
    )

    @Argument(help: "Directory for the demo file (default: $XDG_DATA_HOME/strata/demo or ~/.local/share/strata/demo).")
    var directory: String?

    @Option(name: .long, help: "Rows to generate.")
    var rows = 50_000

    func run() async throws {
        guard rows >= 1 else { throw StrataError.invalidInput(what: "--rows \(rows)", why: "must be at least 1") }
        let out = StandardOutput.shared
        let directory = self.directory ?? DemoCommand.defaultDirectory()
        let store = try LocalFileStore(directory: directory)
        let schema = try Schema([
            ("turn_id", .int64, false), ("session_id", .string, false), ("role", .string, false),
            ("created_at", .timestamp, false), ("content", .string, false), ("tokens", .int32, false),
            ("relevance", .float32, true), ("pinned", .bool, false), ("metadata", .json, true),
            ("embedding", .vector(.float32, dimension: 16), false),
        ])
        let clock = ContinuousClock()
        let started = clock.now
        let writer = try await FileWriter(store: store, path: "turns.strata", schema: schema)
        var next = 0
        while next < rows {
            let count = min(8192, rows - next)
            try await writer.write(try DemoData.batch(schema: schema, rows: next..<(next + count)))
            next += count
        }
        let summary = try await writer.finish()
        let elapsed = clock.now - started
        try out.line("Wrote \(summary.rowCount) conversation turns to \(directory)/turns.strata: \(summary.bytes) bytes in \(summary.pages) pages (\(elapsed.formatted)).")

        let reader = try await FileReader.open(store: store, path: "turns.strata")
        try out.line("\nEncodings chosen from the data, per column (first page):")
        for column in reader.columns {
            guard let page = column.pages.first else { continue }
            let stored = column.pages.reduce(0) { $0 + $1.storedLength }
            try out.line("  \(column.field.name.padding(12)) \(column.field.type.description.padding(22)) \(page.encoding.rawValue.padding(16)) \(page.codec.rawValue.padding(5)) \(stored) bytes in \(column.pages.count) pages")
        }

        let picks = [0, rows / 2, rows - 1]
        let takeStart = clock.now
        let taken = try await reader.take(picks, columns: ["turn_id", "session_id", "role", "content", "created_at"])
        try out.line("\nRandom access: rows \(picks.map(String.init).joined(separator: ", ")) (only the pages that hold them are read, \((clock.now - takeStart).formatted)):")
        for row in 0..<taken.rowCount { try out.line("  " + JSONRows.line(taken, row: row)) }

        let scanStart = clock.now
        let scanner = try reader.scanner(columns: ["tokens", "pinned"])
        var tokens = 0, pinned = 0
        while let batch = try await scanner.next() {
            for row in 0..<batch.rowCount {
                if case let .int(n) = batch.columns[0].value(at: row) { tokens += Int(n) }
                if case .bool(true) = batch.columns[1].value(at: row) { pinned += 1 }
            }
        }
        try out.line("\nProjection: scanned only 'tokens' and 'pinned': \(tokens) tokens in all, \(pinned) pinned turns (\((clock.now - scanStart).formatted)).")

        let report = try await reader.verify()
        try out.line("\nVerify: \(report.pagesChecked) pages and \(report.blocksChecked) checksum blocks, \(report.problems.isEmpty ? "all sound" : "\(report.problems.count) damaged").")
        try await DemoTableTour.run(directory: directory, schema: schema, rows: rows)
        try await DemoSQLTour.run(directory: directory, schema: schema, rows: rows)
        try await DemoContextTour.run(directory: directory)
        let strata = CommandLine.arguments[0]
        try out.line("""

            Try next:
              \(strata) file inspect \(directory)/turns.strata
              \(strata) file cat \(directory)/turns.strata --columns role,content --rows 7,42
              \(strata) table versions \(directory)/turns-table
              \(strata) table cat \(directory)/turns-table --tag after-import --columns turn_id,content | head
              \(strata) table search \(directory)/turns-table --column content --text 'pricing enterprise' -k 3 --columns turn_id,content
              \(strata) table cat \(directory)/turns-table --where "tokens >= 405 AND role = 'user'" --columns turn_id,tokens
              \(strata) table verify \(directory)/turns-table
              \(strata) sql \(directory)/db -c "SHOW TABLES; DESCRIBE turns"
              \(strata) sql \(directory)/db -c "SELECT turn_id, content FROM turns WHERE MATCH(content, 'roadmap') AND role = 'user' LIMIT 5"
              \(strata) sql \(directory)/db --format json -c "SELECT role, metadata->>'agent' AS agent FROM turns WHERE tokens > 400 LIMIT 3"
            """)
    }

    static func defaultDirectory() -> String {
        if let data = getenv("XDG_DATA_HOME").map({ String(cString: $0) }), !data.isEmpty { return data + "/strata/demo" }
        let home = getenv("HOME").map { String(cString: $0) } ?? "."
        return home + "/.local/share/strata/demo"
    }
}

/// A deterministic sample of conversation turns.
enum DemoData {
    static let roles = ["user", "assistant", "tool"]
    static let phrases = [
        "what did we decide about pricing for the enterprise tier?",
        "We agreed to keep usage-based pricing and cap it at 40k tokens per seat.",
        "search_docs(query: \"refund policy\") returned 3 passages",
        "Can you summarise yesterday's incident review?",
        "The outage was caused by an expired certificate on the ingest gateway.",
        "Remind me to follow up with Dana about the Q3 roadmap.",
    ]

    static func batch(schema: Schema, rows: Range<Int>) throws(StrataError) -> RecordBatch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for i in rows {
            var h = UInt64(i) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            try builders[0].append(.int(Int64(i)))
            try builders[1].append(.string("session-\(i / 40)"))
            try builders[2].append(.string(roles[i % 3]))
            try builders[3].append(.timestamp(1_735_689_600_000_000 + Int64(i) * 2_500_000))
            try builders[4].append(.string(phrases[Int(h % UInt64(phrases.count))] + " (turn \(i))"))
            try builders[5].append(.int(Int64(8 + h % 400)))
            try builders[6].append(i % 7 == 0 ? .null : .float32(Float(h % 1000) / 1000))
            try builders[7].append(.bool(h % 11 == 0))
            try builders[8].append(i % 5 == 0 ? .null : .json("{\"agent\":\"agent-\(i % 4)\",\"latency_ms\":\(h % 900)}"))
            try builders[9].append(.vector((0..<16).map { Float(Int((h >> UInt64($0)) & 0xFF) - 128) / 128 }))
        }
        return try RecordBatch(schema: schema, columns: builders.map { $0.finish() })
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

extension Duration {
    var formatted: String {
        let micros = Double(components.seconds) * 1e6 + Double(components.attoseconds) / 1e12
        return micros >= 1000 ? "\(Int(micros / 1000)) ms" : "\(Int(micros)) µs"
    }
}
