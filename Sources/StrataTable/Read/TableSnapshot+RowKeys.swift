import StrataCore

/// Row keys name the visible rows of one snapshot, committed or not: a committed row's key
/// is its address's raw value (below 2⁶³); the i-th in-memory row's (in scan order) is
/// 2⁶³ + i. Keys order rows as a scan does, so they break ties deterministically.
extension TableSnapshot {
    /// The key of the committed row at `address`.
    public static func rowKey(_ address: RowAddress) -> UInt64 { address.rawValue }

    /// The key of the `ordinal`-th in-memory row (in scan order).
    public static func pendingKey(_ ordinal: Int) -> UInt64 { 1 << 63 | UInt64(ordinal) }

    /// Whether `key` names an in-memory row.
    public static func isPending(_ key: UInt64) -> Bool { key >> 63 == 1 }

    /// The rows with `keys`, in that order, of `columns` (nil: all).
    /// - Throws: `.invalidInput` for an unknown column or a key that names no visible row.
    public func rows(keys: [UInt64], columns: [String]? = nil) async throws(StrataError) -> RecordBatch {
        let output = try fields(columns).map(\.name)
        var pending: [(batch: RecordBatch, row: Int)] = []
        if keys.contains(where: Self.isPending) {
            let scanner = try inMemoryOnly().scanner(columns: output)
            while let next = try await scanner.next() { pending += (0..<next.batch.rowCount).map { (next.batch, $0) } }
            if let bad = keys.first(where: { Self.isPending($0) && Int($0 & ~(1 << 63)) >= pending.count }) {
                throw .invalidInput(what: "row key \(bad)", why: "names no in-memory row of this snapshot")
            }
        }
        return try await resultRows(keys, pending: pending, columns: output)
    }
}
