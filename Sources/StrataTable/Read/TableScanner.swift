import StrataCore
import StrataFormat

/// Rows of a snapshot in table order, one batch at a time, deleted rows left out.
///
/// A fragment whose projected columns all live in one data file is read with that file's
/// page-aligned scanner (no stitching, no copies for pages without deletions); otherwise its
/// rows are read range by range from each file. A scanner belongs to one task at a time.
public final class TableScanner {
    /// A batch of visible rows, with their addresses when asked for.
    public struct Batch: Sendable {
        /// The rows.
        public let batch: RecordBatch
        /// Each row's address (only when the scanner was made `withAddresses`).
        public let addresses: [RowAddress]?
    }

    /// The schema of the batches.
    public let schema: Schema
    private let snapshot: TableSnapshot
    private let fields: [Field]
    private let batchRows: Int
    private let withAddresses: Bool
    private var fragmentIndex = 0
    private var pendingIndex = 0
    /// The fragment being read: its reader, the file scanner (fast path) and the next offset.
    private var current: (reader: FragmentReader, scanner: FileScanner?, offset: Int)?

    init(snapshot: TableSnapshot, fields: [Field], batchRows: Int, withAddresses: Bool) {
        self.snapshot = snapshot
        self.fields = fields
        self.batchRows = batchRows
        self.withAddresses = withAddresses
        // Fields come from a valid schema, so they are unique.
        self.schema = try! Schema(fields: fields, metadata: snapshot.schema.metadata)
    }

    /// The next batch of visible rows (never empty), or nil at the end.
    public func next() async throws(StrataError) -> Batch? {
        while true {
            if let batch = try await nextFromFragment() { return batch }
            if current != nil { continue }
            guard fragmentIndex >= snapshot.manifest.fragments.count else { continue }
            // Pending (in-memory) rows come last and have no addresses.
            guard !withAddresses, pendingIndex < snapshot.pendingRows.count else { return nil }
            let pending = snapshot.pendingRows[pendingIndex]
            pendingIndex += 1
            guard pending.rowCount > 0 else { continue }
            let columns = try fields.map { (field) throws(StrataError) -> ColumnBuffer in
                if let column = pending.schema.fields.firstIndex(where: { $0.id == field.id }) { return pending.columns[column] }
                return try FieldDefaults.constantColumn(field, count: pending.rowCount)
            }
            return Batch(batch: RecordBatch(checked: schema, columns: columns), addresses: nil)
        }
    }

    /// The next non-empty batch of the current fragment (opening the next fragment when there
    /// is none), or nil when the current fragment just ended or the fragments are exhausted.
    private func nextFromFragment() async throws(StrataError) -> Batch? {
        if current == nil {
            guard fragmentIndex < snapshot.manifest.fragments.count else { return nil }
            let fragment = snapshot.manifest.fragments[fragmentIndex]
            let reader = try await snapshot.reader(for: fragment)
            var scanner: FileScanner?
            if let (file, names) = reader.singleFile(for: fields) {
                scanner = try file.scanner(columns: names, batchRows: batchRows)
            }
            current = (reader, scanner, 0)
        }
        let (reader, scanner, offset) = current!
        let physical = reader.fragment.physicalRows
        var columns: [ColumnBuffer]
        if let scanner {
            guard let batch = try await scanner.next() else { return endFragment() }
            columns = batch.columns
        } else {
            guard offset < physical else { return endFragment() }
            columns = try await reader.take(Array(offset..<min(physical, offset + batchRows)), fields: fields)
        }
        let count = columns.first?.count ?? min(batchRows, physical - offset)
        guard count > 0 else { return endFragment() }
        current!.offset += count
        var keep: [Int]?
        if reader.deleted != nil {
            let live = (offset..<(offset + count)).filter { !reader.isDeleted($0) }
            if live.count < count { keep = live.map { $0 - offset } }
        }
        let rows = keep?.count ?? count
        guard rows > 0 else { return try await nextFromFragment() }
        if let keep { columns = columns.map { $0.gather(keep) } }
        var addresses: [RowAddress]?
        if withAddresses {
            let id = reader.fragment.id
            addresses = keep.map { $0.map { RowAddress(fragment: id, offset: UInt32(offset + $0)) } }
                ?? (offset..<(offset + count)).map { RowAddress(fragment: id, offset: UInt32($0)) }
        }
        return Batch(batch: RecordBatch(checked: schema, columns: columns), addresses: addresses)
    }

    private func endFragment() -> Batch? {
        current = nil
        fragmentIndex += 1
        return nil
    }
}
