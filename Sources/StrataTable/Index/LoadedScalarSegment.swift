import StrataCore
import StrataIndex
import StrataKernels

/// The kinds of scalar index a table can hold (spec/indexes.md §7.5, §7.7).
public enum ScalarIndexKind: String, Sendable, CaseIterable {
    /// A B-tree: any number of distinct values.
    case btree
    /// A bitmap per distinct value: at most 65,536 of them.
    case bitmap
}

/// A segment of a scalar index read from its files, with its rows.
package final class LoadedScalarSegment: LoadedSegment {
    package let index: any ScalarIndex
    package let rows: IndexRowMap

    package init(index: any ScalarIndex, addresses: [UInt64], path: String) {
        self.index = index
        rows = IndexRowMap(addresses: addresses, path: path)
    }

    package func withRows(_ addresses: [UInt64], path: String) -> any LoadedSegment {
        LoadedScalarSegment(index: index, addresses: addresses, path: path)
    }

    /// Reads and validates both files of `segment`.
    static func load(_ segment: IndexSegment, location: TableLocation) async throws(StrataError) -> LoadedScalarSegment {
        let index = try ScalarIndexCoding.decode(try await location.read(segment.indexFile), path: location.object(segment.indexFile.path))
        let rowBytes = try await location.read(segment.rowsFile)
        let addresses = try IndexRows.decode(rowBytes, path: location.object(segment.rowsFile.path), expectedCount: index.rowCount)
        return LoadedScalarSegment(index: index, addresses: addresses, path: segment.rowsFile.path)
    }

    /// The ids whose value satisfies `comparison`, or nil when the index cannot answer its
    /// operator (`!=`, `IS NOT NULL`: a scan does).
    func ids(_ comparison: Predicate.Comparison) -> RoaringBitmap? {
        let value = comparison.literal
        switch comparison.op {
        case .equal: return index.equal(value)
        case .less: return index.range(from: nil, inclusive: false, to: value, inclusive: false)
        case .lessOrEqual: return index.range(from: nil, inclusive: false, to: value, inclusive: true)
        case .greater: return index.range(from: value, inclusive: false, to: nil, inclusive: false)
        case .greaterOrEqual: return index.range(from: value, inclusive: true, to: nil, inclusive: false)
        case .isNull: return index.nulls
        case .notEqual, .isNotNull: return nil
        }
    }
}

extension Table {
    /// Builds a scalar index — a B-tree, or a bitmap for a column of at most 65,536 distinct
    /// values — on `column` over every committed row, as one segment, and records it in a new
    /// version. Filters on the column (deletes, updates, search filters, `filter`) then read
    /// the rows it names instead of scanning; fragments written later are scanned (with zone
    /// maps) until `optimizeIndexes` adds them as a segment. An index of the same name is
    /// replaced.
    /// - Throws: `.invalidInput` for an unknown column, a vector column, a bitmap over too
    ///   many distinct values or a bad name; storage and commit errors.
    @discardableResult
    public func createScalarIndex(column: String, kind: ScalarIndexKind, name: String? = nil) async throws(StrataError) -> Manifest {
        try await createSegmentedIndex(column: column, kind: kind.rawValue, parameters: [:], name: name) { schema throws(StrataError) in
            try Self.field(column, in: schema, kind: "scalar") { if case .vector = $0 { false } else { true } }
        }
    }

    /// Indexes the values of `fragments` of `snapshot` and writes the segment's two files.
    func writeScalarSegment(_ snapshot: TableSnapshot, field: Field, fragments: [UInt32], entry: TableIndex) async throws(StrataError) -> (IndexSegment, any LoadedSegment) {
        var values: [Value] = [], addresses: [UInt64] = []
        let scanner = try snapshot.restricted(to: Set(fragments)).scanner(columns: [field.name], batchRows: 65_536, withAddresses: true)
        while let next = try await scanner.next() {
            let column = next.batch.columns[0]
            for row in 0..<next.batch.rowCount {
                values.append(column.value(at: row))
                addresses.append(next.addresses![row].rawValue)
            }
        }
        let index: any ScalarIndex, bytes: [UInt8]
        if entry.kind == ScalarIndexKind.bitmap.rawValue {
            let bitmap = try BitmapIndex(values: values)
            (index, bytes) = (bitmap, ScalarIndexCoding.encode(bitmap))
        } else {
            let tree = try BTreeIndex(values: values)
            (index, bytes) = (tree, ScalarIndexCoding.encode(tree))
        }
        let (segment, rows) = try await writeSegment(bytes, ext: "sidx", addresses: addresses, fragments: fragments, uuid: entry.uuid)
        return (segment, LoadedScalarSegment(index: index, addresses: addresses, path: rows))
    }
}
