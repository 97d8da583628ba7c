import StrataCore
import StrataIndex
import StrataKernels
import Synchronization

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
    /// The answers to the last few distinct comparisons, newest last: a segment never
    /// changes, and the same filter (a tenant, an agent) comes with query after query.
    private let recent = Mutex<[(key: [Predicate.Comparison], ids: RoaringBitmap)]>([])
    /// Answers kept.
    private static let recentLimit = 16

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

    /// The operators an index answers (`!=` and `IS NOT NULL` are left to a scan).
    static func answers(_ op: Predicate.Operator) -> Bool { op != .notEqual && op != .isNotNull }

    /// The ids whose value satisfies every one of `comparisons` (all on the indexed column,
    /// each of an operator the index answers): their bounds combined into one range, so that
    /// `x >= a AND x < b` reads the rows between a and b, not every row above a.
    func ids(_ comparisons: [Predicate.Comparison]) -> RoaringBitmap {
        if let known = recent.withLock({ $0.last { Self.same($0.key, comparisons) }?.ids }) { return known }
        let ids = computeIDs(comparisons)
        recent.withLock { recent in
            if recent.count >= Self.recentLimit { recent.removeFirst() }
            recent.append((comparisons, ids))
        }
        return ids
    }

    private static func same(_ a: [Predicate.Comparison], _ b: [Predicate.Comparison]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.column == $1.column && $0.op == $1.op && $0.literal == $1.literal }
    }

    private func computeIDs(_ comparisons: [Predicate.Comparison]) -> RoaringBitmap {
        if comparisons.contains(where: { $0.op == .isNull }) {
            // Null satisfies no comparison: with another one on the column, nothing matches.
            return comparisons.count == 1 ? index.nulls : RoaringBitmap()
        }
        var lower: (value: Value, inclusive: Bool)?, upper: (value: Value, inclusive: Bool)?
        /// The tighter of two bounds (`above`: a lower bound); nil when they do not compare.
        func tighter(_ current: (value: Value, inclusive: Bool)?, _ new: (value: Value, inclusive: Bool), above: Bool) -> (value: Value, inclusive: Bool)?? {
            guard let current else { return .some(new) }
            guard let order = ValueOrder.compare(new.value, current.value) else { return .none }
            if order == 0 { return .some((current.value, current.inclusive && new.inclusive)) }
            return .some((order > 0) == above ? new : current)
        }
        for comparison in comparisons {
            let value = comparison.literal
            var bounds: [(bound: (value: Value, inclusive: Bool), above: Bool)] = []
            switch comparison.op {
            case .equal: bounds = [((value, true), true), ((value, true), false)]
            case .greater: bounds = [((value, false), true)]
            case .greaterOrEqual: bounds = [((value, true), true)]
            case .less: bounds = [((value, false), false)]
            case .lessOrEqual: bounds = [((value, true), false)]
            case .notEqual, .isNull, .isNotNull: continue
            }
            for (bound, above) in bounds {
                guard let next = tighter(above ? lower : upper, bound, above: above) else { return RoaringBitmap() }
                if above { lower = next } else { upper = next }
            }
        }
        return index.range(from: lower?.value, inclusive: lower?.inclusive ?? true, to: upper?.value, inclusive: upper?.inclusive ?? true)
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
