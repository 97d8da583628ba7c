import Strata

/// The rows of the table benchmark, identical to `make_rows` in
/// `Benchmarks/peers/table_peers.py` (README there has check values).
enum TableRows {
    static let words = [
        "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
        "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "they", "you", "were", "her", "she",
        "there", "been", "one", "all", "we", "their", "has", "would", "when", "if", "so", "no", "will", "more", "time", "can",
        "its", "other", "data", "table", "column", "river", "stone", "light", "quiet", "winter", "garden", "market", "signal",
        "paper", "window", "morning",
    ]

    static let schema = try! Schema([("id", .int64, true), ("session", .string, true), ("ts", .timestamp, true), ("text", .string, true)])

    static func next(_ state: UInt64) -> UInt64 { state &* 6364136223846793005 &+ 1442695040888963407 }

    /// The pseudo-text of row `id`: 120–307 bytes of words from a 64-bit LCG.
    static func text(_ id: Int) -> String {
        var state = next(UInt64(id))
        let target = 120 + Int((state >> 40) % 181)
        var text = ""
        while text.utf8.count < target {
            state = next(state)
            let word = words[Int((state >> 33) % 64)]
            text += text.isEmpty ? word : " " + word
        }
        return text
    }

    /// Rows `start ..< start + count`, and their size as Arrow counts it (28 bytes a row of
    /// fixed parts and offsets, plus the text bytes), for MB/s figures comparable with the peer's.
    static func batch(_ start: Int, _ count: Int) -> (RecordBatch, bytes: Int) {
        var ids = ColumnBuilder(type: .int64, capacity: count)
        var sessions = ColumnBuilder(type: .string, capacity: count)
        var times = ColumnBuilder(type: .timestamp, capacity: count)
        var texts = ColumnBuilder(type: .string, capacity: count)
        var bytes = 0
        for id in start..<(start + count) {
            let text = text(id)
            bytes += 28 + text.utf8.count
            try! ids.append(.int(Int64(id)))
            let session = String(id % 100)
            try! sessions.append(.string("s" + String(repeating: "0", count: 3 - session.count) + session))
            try! times.append(.timestamp(1_700_000_000_000_000 + Int64(id) * 1_000_000))
            try! texts.append(.string(text))
        }
        return (try! RecordBatch(schema: schema, columns: [ids.finish(), sessions.finish(), times.finish(), texts.finish()]), bytes)
    }
}
