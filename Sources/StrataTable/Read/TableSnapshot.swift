import StrataCore
import StrataFormat
import StrataStorage
import Synchronization

/// A read-only view of one version of a table (plus, for the table's own process, the rows
/// in its in-memory table at the moment the snapshot was taken). Every read through one
/// snapshot sees the same rows, whatever commits happen meanwhile.
public final class TableSnapshot: Sendable {
    /// The version's manifest.
    public let manifest: Manifest
    /// Rows logged but not yet flushed into a fragment, visible to this process only.
    public let pendingRows: [RecordBatch]
    package let location: TableLocation
    private let cache: BlockCache?
    /// Guards the fragment readers opened so far, by fragment id.
    private let readers = Mutex<[UInt32: FragmentReader]>([:])

    /// Loaded vector indexes, shared with the table and its other snapshots.
    package let loadedIndexes: IndexCache

    package init(manifest: Manifest, pendingRows: [RecordBatch], location: TableLocation, cache: BlockCache?,
                 loadedIndexes: IndexCache = IndexCache()) {
        self.loadedIndexes = loadedIndexes
        self.manifest = manifest
        self.pendingRows = pendingRows
        self.location = location
        self.cache = cache
    }

    /// The version number.
    public var version: UInt64 { manifest.version }
    /// The table's schema at this version.
    public var schema: Schema { manifest.schema }
    /// Visible rows: live rows of every fragment plus pending rows.
    public var rowCount: Int { manifest.rowCount + pendingRows.reduce(0) { $0 + $1.rowCount } }

    /// The reader of fragment `fragment`, opened once per snapshot.
    package func reader(for fragment: Fragment) async throws(StrataError) -> FragmentReader {
        if let open = readers.withLock({ $0[fragment.id] }) { return open }
        let opened = try await loadedIndexes.reader(fragment, schema: manifest.schema) { () throws(StrataError) in
            try await FragmentReader.open(fragment, schema: manifest.schema, location: location, cache: cache)
        }
        readers.withLock { $0[fragment.id] = opened }
        return opened
    }

    /// The fields named `columns` (nil: all), in that order.
    /// - Throws: `.invalidInput` for an unknown or repeated name.
    package func fields(_ columns: [String]?) throws(StrataError) -> [Field] {
        guard let columns else { return manifest.schema.fields }
        return try manifest.schema.indices(of: columns).map { manifest.schema.fields[$0] }
    }

    /// A scanner over the visible rows of `columns` (nil: all), in table order (fragments by
    /// id, then pending rows).
    /// - Parameter withAddresses: also return each row's address; pending rows have none,
    ///   so the scan then covers committed fragments only.
    public func scanner(columns: [String]? = nil, batchRows: Int = 65_536, withAddresses: Bool = false) throws(StrataError) -> TableScanner {
        precondition(batchRows > 0, "batchRows must be positive")
        return TableScanner(snapshot: self, fields: try fields(columns), batchRows: batchRows, withAddresses: withAddresses)
    }

    /// Every visible row of `columns` as one batch.
    public func readAll(columns: [String]? = nil) async throws(StrataError) -> RecordBatch {
        let scanner = try scanner(columns: columns)
        var batches: [RecordBatch] = []
        while let next = try await scanner.next() { batches.append(next.batch) }
        return RecordBatch.concatenate(batches, schema: scanner.schema)
    }

    /// The rows at `addresses` (any order, repeats allowed), of `columns` (nil: all).
    /// - Throws: `.invalidInput` for an address that names no row of this version or a
    ///   deleted row; corruption and I/O errors of the files read.
    public func take(_ addresses: [RowAddress], columns: [String]? = nil) async throws(StrataError) -> RecordBatch {
        let fields = try fields(columns)
        let schema = try Schema(fields: fields)
        var byFragment: [UInt32: [Int]] = [:]
        for (i, address) in addresses.enumerated() { byFragment[address.fragment, default: []].append(i) }
        var parts: [(columns: [ColumnBuffer], positions: [Int])] = []
        for (id, positions) in byFragment.sorted(by: { $0.key < $1.key }) {
            guard let fragment = manifest.fragment(id) else {
                throw .invalidInput(what: "row address \(addresses[positions[0]])", why: "fragment \(id) is not in version \(version)")
            }
            let reader = try await reader(for: fragment)
            var offsets: [Int] = []
            offsets.reserveCapacity(positions.count)
            for position in positions {
                let offset = Int(addresses[position].offset)
                guard offset < fragment.physicalRows, !reader.isDeleted(offset) else {
                    throw .invalidInput(what: "row address \(addresses[position])", why: "no such row in version \(version)")
                }
                offsets.append(offset)
            }
            parts.append((try await reader.take(offsets, fields: fields), positions))
        }
        // Put rows back in the asked order: concatenate by fragment, then gather.
        var order = [Int](repeating: 0, count: addresses.count)
        var next = 0
        for part in parts {
            for position in part.positions {
                order[position] = next
                next += 1
            }
        }
        let columns = fields.indices.map { c in
            ColumnBuffer.concatenate(parts.map { ($0.columns[c], 0..<$0.positions.count) }, type: fields[c].type).gather(order)
        }
        return try RecordBatch(schema: schema, columns: columns)
    }
}
