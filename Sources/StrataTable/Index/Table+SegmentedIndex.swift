import Foundation
import StrataCore
import StrataIndex

/// A loaded segment of a full-text or scalar index (or an on-the-fly index of unindexed
/// rows): its structure, and its ids' row addresses.
package protocol LoadedSegment: Sendable {
    /// Ids to row addresses and back.
    var rows: IndexRowMap { get }
    /// The same structure with other row addresses (after a compaction's remap).
    func withRows(_ addresses: [UInt64], path: String) -> any LoadedSegment
}

extension Table {
    /// Creates an index of a segmented kind (spec/indexes.md §7.6–7.7) on `column`: one
    /// segment over every committed row, committed in a new `index` version. `field` finds
    /// the column and checks its type.
    func createSegmentedIndex(column: String, kind: String, parameters: [String: String], name: String?,
                              field: (Schema) throws(StrataError) -> Field) async throws(StrataError) -> Manifest {
        let indexName = try Self.indexName(name, column: column)
        _ = try field(try await latestManifest().schema)  // a bad column fails before any work
        try await flushSmallWrites()
        var built: [String: any LoadedSegment] = [:]
        let (manifest, committed) = try await commitRerunning { (snapshot) throws(StrataError) -> PendingCommit? in
            let column = try field(snapshot.schema)
            var entry = TableIndex(name: indexName, uuid: UUID().uuidString.lowercased(), fieldIds: [column.id], kind: kind,
                                   metric: "", fragmentIds: [], indexFile: IndexFileReference(path: "", sizeBytes: 0),
                                   rowsFile: IndexFileReference(path: "", sizeBytes: 0), parameters: parameters, createdVersion: 0)
            built = [:]
            let fragments = snapshot.manifest.fragments.map(\.id)
            if !fragments.isEmpty {
                let (segment, loaded) = try await writeSegment(of: entry, snapshot, field: column, fragments: fragments)
                entry.segments = [segment]
                entry.fragmentIds = fragments
                built[IndexCache.key(segment)] = loaded
            }
            return indexCommit(snapshot, [entry], detail: "create \(kind) index \(indexName) on \(column.name)", newName: true)
        }
        if committed { loadedIndexes.insertSegments(built) }
        return manifest
    }

    /// `entry` with the fragments of `snapshot` it does not cover added as a new segment,
    /// then merged by the policy: while the newest-but-one segment holds fewer than twice
    /// the rows of the newest, the two become one, rebuilt from the table's rows (which
    /// drops deleted rows). Nil when the index covers every fragment or its column is gone.
    func optimizedSegments(_ entry: TableIndex, in snapshot: TableSnapshot, built: inout [String: any LoadedSegment]) async throws(StrataError) -> TableIndex? {
        let present = Set(snapshot.manifest.fragments.map(\.id))
        let uncovered = present.subtracting(entry.fragmentIds).sorted()
        guard !uncovered.isEmpty, let field = snapshot.schema.fields.first(where: { $0.id == entry.fieldIds.first }) else { return nil }
        // An entry naming a column of a type its kind cannot index (a damaged or foreign
        // manifest) is left as it is rather than read wrongly.
        switch (entry.kind, field.type) {
        case (TextIndexSettings.kind, .string): break
        case (TextIndexSettings.kind, _), (_, .vector): return nil
        default: break
        }
        var segments = entry.segments.map { segment in
            var kept = segment
            kept.fragmentIds = segment.fragmentIds.filter(present.contains)
            return kept
        }.filter { !$0.fragmentIds.isEmpty }
        var pending = uncovered  // fragments of the segment still to write
        func rows(_ fragments: [UInt32]) -> Int { fragments.reduce(0) { $0 + (snapshot.manifest.fragment($1)?.physicalRows ?? 0) } }
        while let last = segments.last, rows(last.fragmentIds) < 2 * rows(pending) {
            pending = (last.fragmentIds + pending).sorted()
            segments.removeLast()
        }
        let (segment, loaded) = try await writeSegment(of: entry, snapshot, field: field, fragments: pending)
        built[IndexCache.key(segment)] = loaded
        var next = entry
        next.segments = segments + [segment]
        next.fragmentIds = next.segments.flatMap(\.fragmentIds).sorted()
        return next
    }

    /// Builds the segment of `entry`'s kind over `fragments` and writes its files.
    private func writeSegment(of entry: TableIndex, _ snapshot: TableSnapshot, field: Field, fragments: [UInt32]) async throws(StrataError) -> (IndexSegment, any LoadedSegment) {
        if entry.kind == TextIndexSettings.kind { return try await writeTextSegment(snapshot, field: field, fragments: fragments, entry: entry) }
        return try await writeScalarSegment(snapshot, field: field, fragments: fragments, entry: entry)
    }

    /// Writes a segment's structure (`bytes`, a file of extension `ext`) and rows file;
    /// returns the segment and its rows file's path.
    func writeSegment(_ bytes: [UInt8], ext: String, addresses: [UInt64], fragments: [UInt32], uuid: String) async throws(StrataError) -> (IndexSegment, String) {
        let indexFile = IndexFileReference(path: TablePaths.newIndexFile(uuid: uuid, ext: ext), sizeBytes: UInt64(bytes.count))
        try await location.store.write(location.object(indexFile.path), bytes: bytes)
        let rowsFile = try await writeRows(addresses, uuid: uuid)
        return (IndexSegment(fragmentIds: fragments, indexFile: indexFile, rowsFile: rowsFile), rowsFile.path)
    }

    /// `entry` with each segment that covers a removed fragment given remapped addresses
    /// (`remapped`: the addresses and what the segment covers then) in a new rows file; a
    /// segment left covering nothing is dropped.
    func remappedSegments(_ entry: TableIndex, in snapshot: TableSnapshot, removed: Set<UInt32>, built: inout [String: any LoadedSegment],
                          remapped: ([UInt64], [UInt32]) -> ([UInt64], [UInt32])) async throws(StrataError) -> TableIndex {
        var next = entry
        next.segments = []
        for segment in entry.segments {
            guard !removed.isDisjoint(with: segment.fragmentIds) else {
                next.segments.append(segment)
                continue
            }
            let loaded = try await snapshot.loadedIndexes.segment(segment, kind: entry.kind, location: location)
            let (addresses, covered) = remapped(loaded.rows.addresses, segment.fragmentIds)
            guard !covered.isEmpty else { continue }
            let rows = try await writeRows(addresses, uuid: entry.uuid)
            let moved = IndexSegment(fragmentIds: covered, indexFile: segment.indexFile, rowsFile: rows)
            next.segments.append(moved)
            built[IndexCache.key(moved)] = loaded.withRows(addresses, path: rows.path)
        }
        next.fragmentIds = next.segments.flatMap(\.fragmentIds).sorted()
        return next
    }
}
