import StrataCore
import StrataTable
import Synchronization

/// Rows flowing between plan nodes: a batch and each row's key (`TableSnapshot.rowKey`),
/// which identifies the row for fusion and breaks ties.
package struct KeyedBatch: Sendable {
    /// The rows.
    package var batch: RecordBatch
    /// Each row's key.
    package var keys: [UInt64]
}

/// One operator of a physical plan. A node pulls batches from its children; `next()`
/// returns nil when it is exhausted. Each node counts the rows it produced and the time
/// spent inside it (children included), which EXPLAIN ANALYZE prints.
///
/// A plan is driven by one task at a time, except that a fusion node runs its inputs
/// concurrently, each in its own task: no node is shared by two running tasks, and the
/// counters are guarded by a mutex for the reader that prints them.
package class PlanNode: @unchecked Sendable {
    /// The inputs.
    package var children: [PlanNode]
    /// Guards the counters: rows produced, nanoseconds inside `next()`, and notes that
    /// execution adds (the strategy a search took, candidates it saw).
    private let counters = Mutex<(rows: Int, nanos: UInt64, notes: [String])>((0, 0, []))

    package init(children: [PlanNode] = []) { self.children = children }

    /// The node's one-line description in EXPLAIN: name and settings.
    package var title: String { fatalError("subclass") }

    /// Extra lines under the title (filters, estimates).
    package var details: [String] { [] }

    /// The next batch, or nil at the end.
    package final func next() async throws(StrataError) -> KeyedBatch? {
        // Every batch of every node is a point where a cancelled query stops.
        try StrataError.checkCancellation()
        let start = ContinuousClock.now
        let batch = try await produce()
        let nanos = Self.nanoseconds(since: start)
        counters.withLock {
            $0.nanos += nanos
            $0.rows += batch?.batch.rowCount ?? 0
        }
        return batch
    }

    /// Produces the next batch; subclasses implement it.
    package func produce() async throws(StrataError) -> KeyedBatch? { fatalError("subclass") }

    /// Records a fact learnt while executing, for EXPLAIN ANALYZE.
    package func note(_ text: String) { counters.withLock { $0.notes.append(text) } }

    /// Runs one stage of the node's work and notes its time under `label`.
    package func stage<T>(_ label: String, _ body: () async throws(StrataError) -> T) async throws(StrataError) -> T {
        let start = ContinuousClock.now
        let result = try await body()
        note("\(label): \(Self.milliseconds(Self.nanoseconds(since: start))) ms")
        return result
    }

    /// Nanoseconds from `start` to now.
    static func nanoseconds(since start: ContinuousClock.Instant) -> UInt64 {
        let elapsed = ContinuousClock.now - start
        return UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
    }

    /// Every batch, concatenated (schema of the first; an empty batch of `schema` when none).
    package func collect() async throws(StrataError) -> [KeyedBatch] {
        var batches: [KeyedBatch] = []
        while let batch = try await next() { batches.append(batch) }
        return batches
    }

    /// The plan tree as text, one node per line, children indented under their parent;
    /// with `analyze`, each node's rows and time.
    package func explain(analyze: Bool) -> String {
        var lines: [String] = []
        render(into: &lines, prefix: "", childPrefix: "", analyze: analyze)
        return lines.joined(separator: "\n")
    }

    private func render(into lines: inout [String], prefix: String, childPrefix: String, analyze: Bool) {
        let (rows, nanos, notes) = counters.withLock { ($0.rows, $0.nanos, $0.notes) }
        var line = prefix + title
        if analyze { line += "  (rows=\(rows) time=\(Self.milliseconds(nanos)) ms)" }
        lines.append(line)
        let bar = children.isEmpty ? "   " : "│  "
        for detail in details { lines.append(childPrefix + bar + detail) }
        if analyze { for n in notes { lines.append(childPrefix + bar + n) } }
        for (i, child) in children.enumerated() {
            let last = i == children.count - 1
            child.render(into: &lines, prefix: childPrefix + (last ? "└─ " : "├─ "), childPrefix: childPrefix + (last ? "   " : "│  "), analyze: analyze)
        }
    }

    /// Nanoseconds as milliseconds with three decimals.
    static func milliseconds(_ nanos: UInt64) -> String {
        let micros = (nanos + 500) / 1_000
        let fraction = String(micros % 1_000)
        return "\(micros / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// Rows gathered from keyed batches, one batch (empty batches of `schema` give none).
package func concatenate(_ batches: [KeyedBatch], schema: Schema) -> KeyedBatch {
    KeyedBatch(batch: RecordBatch.concatenate(batches.map(\.batch), schema: schema), keys: batches.flatMap(\.keys))
}

/// `batch` with `column` appended under `name` (a field id after the batch's own; replacing
/// a column of that name if there is one).
package func appending(_ batch: RecordBatch, name: String, column: ColumnBuffer) throws(StrataError) -> RecordBatch {
    var fields = batch.schema.fields, columns = batch.columns
    if let existing = fields.firstIndex(where: { $0.name == name }) {
        fields.remove(at: existing)
        columns.remove(at: existing)
    }
    let id = (fields.map(\.id).max() ?? 0) &+ 1
    fields.append(Field(id: id, name: name, type: column.type, nullable: column.nullCount > 0))
    return RecordBatch(checked: try Schema(fields: fields), columns: columns + [column])
}
