import Strata
import TestSupport

/// Small tables for the table tests: `id` int64 (not null), `name` string, `score` float64.
enum Fixtures {
    static let schema = try! Schema([("id", .int64, false), ("name", .string, true), ("score", .float64, true)])

    /// Rows `ids` with names "n<id>" and score id / 2 (null for multiples of 7).
    static func batch(_ ids: some Sequence<Int>) -> RecordBatch {
        let ids = Array(ids)
        return try! RecordBatch(schema: schema, columns: [
            ColumnBuilder.column(.int64, ids.map { .int(Int64($0)) }),
            ColumnBuilder.column(.string, ids.map { .string("n\($0)") }),
            ColumnBuilder.column(.float64, ids.map { $0 % 7 == 0 ? .null : .float64(Double($0) / 2) }),
        ])
    }

    /// The `id` column of every visible row of `snapshot`, in table order.
    static func ids(_ snapshot: TableSnapshot) async throws -> [Int] {
        let batch = try await snapshot.readAll(columns: ["id"])
        return (0..<batch.rowCount).map { row in
            guard case let .int(v) = batch.columns[0].value(at: row) else { return -1 }
            return Int(v)
        }
    }
}
