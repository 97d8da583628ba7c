import StrataCore
import StrataIndex
import StrataKernels
import Synchronization

/// A vector index read from its files, with the mapping between its internal ids and the
/// table's row addresses in both directions.
package final class LoadedVectorIndex: Sendable {
    package let entry: TableIndex
    package let index: any VectorIndex
    /// Row address of each internal id (`VectorIndexRows.removed` for rows gone).
    package let addresses: [UInt64]
    /// Per fragment: offset → internal id (`UInt32.max` where the index has no vector).
    private let idsByFragment: [UInt32: [UInt32]]
    /// Guards the searchable-id masks computed so far, by manifest version (nil: all ids).
    private let liveMasks = Mutex<[UInt64: IDBitset?]>([:])

    init(entry: TableIndex, index: any VectorIndex, addresses: [UInt64]) {
        self.entry = entry
        self.index = index
        self.addresses = addresses
        var ids: [UInt32: [UInt32]] = [:]
        for (id, raw) in addresses.enumerated() where raw != VectorIndexRows.removed {
            let address = RowAddress(rawValue: raw)
            var offsets = ids[address.fragment] ?? []
            if offsets.count <= Int(address.offset) { offsets += repeatElement(UInt32.max, count: Int(address.offset) + 1 - offsets.count) }
            offsets[Int(address.offset)] = UInt32(id)
            ids[address.fragment] = offsets
        }
        idsByFragment = ids
    }

    /// Reads and validates both files of `entry`.
    static func load(_ entry: TableIndex, location: TableLocation) async throws(StrataError) -> LoadedVectorIndex {
        let indexBytes = try await read(entry.indexFile, location: location)
        let index = try VectorIndexCoding.decode(indexBytes, path: location.object(entry.indexFile.path))
        let rowBytes = try await read(entry.rowsFile, location: location)
        let addresses = try VectorIndexRows.decode(rowBytes, path: location.object(entry.rowsFile.path), expectedCount: index.count)
        return LoadedVectorIndex(entry: entry, index: index, addresses: addresses)
    }

    private static func read(_ file: IndexFileReference, location: TableLocation) async throws(StrataError) -> [UInt8] {
        let bytes = try await location.read(file.path)
        guard UInt64(bytes.count) == file.sizeBytes else {
            throw .corruption(path: location.object(file.path), offset: nil, kind: .truncated,
                              detail: "\(bytes.count) bytes, the manifest says \(file.sizeBytes)")
        }
        return bytes
    }

    /// The internal id of the row at `address`, if the index holds it.
    package func id(of address: RowAddress) -> UInt32? {
        guard let offsets = idsByFragment[address.fragment], Int(address.offset) < offsets.count else { return nil }
        let id = offsets[Int(address.offset)]
        return id == UInt32.max ? nil : id
    }

    /// The ids a search of `snapshot` may return: rows of covered fragments still in the
    /// snapshot and not deleted there. Nil when that is every id (the unfiltered fast path).
    package func liveIDs(in snapshot: TableSnapshot, covered: Set<UInt32>) async throws(StrataError) -> IDBitset? {
        if let known = liveMasks.withLock({ $0[snapshot.version] }) { return known }
        var mask = IDBitset(capacity: index.count)
        var everything = true
        for fragment in snapshot.manifest.fragments where covered.contains(fragment.id) {
            guard let offsets = idsByFragment[fragment.id] else { continue }
            let reader = fragment.deletion == nil ? nil : try await snapshot.reader(for: fragment)
            for (offset, id) in offsets.enumerated() where id != UInt32.max {
                if let reader, reader.isDeleted(offset) { everything = false; continue }
                mask.insert(id)
            }
        }
        if mask.count != index.count { everything = false }
        let result: IDBitset? = everything ? nil : mask
        liveMasks.withLock { if $0.count > 16 { $0.removeAll() }; $0[snapshot.version] = result }
        return result
    }
}

/// The vector indexes a table has loaded, by index file path (files are immutable, so a
/// path always means the same index).
package final class VectorIndexCache: Sendable {
    /// Guards the loaded indexes; held only to look up or insert.
    private let loaded = Mutex<[String: LoadedVectorIndex]>([:])

    package init() {}

    package func index(_ entry: TableIndex, location: TableLocation) async throws(StrataError) -> LoadedVectorIndex {
        if let hit = loaded.withLock({ $0[entry.indexFile.path + "|" + entry.rowsFile.path] }) { return hit }
        let index = try await LoadedVectorIndex.load(entry, location: location)
        loaded.withLock { cache in
            if cache.count >= 8 { cache.removeAll() }
            cache[entry.indexFile.path + "|" + entry.rowsFile.path] = index
        }
        return index
    }
}
