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
    /// The live ids ordered by their addresses, and those addresses: a fragment's ids are
    /// one contiguous run, found by binary search (no per-offset table, whose size a damaged
    /// rows file could inflate).
    private let idsByAddress: [UInt32]
    private let sortedAddresses: [UInt64]
    /// Guards the searchable-id masks computed so far, by manifest version (nil: all ids).
    private let liveMasks = Mutex<[UInt64: IDBitset?]>([:])

    init(entry: TableIndex, index: any VectorIndex, addresses: [UInt64]) {
        self.entry = entry
        self.index = index
        self.addresses = addresses
        let live = addresses.indices.filter { addresses[$0] != VectorIndexRows.removed }.sorted { addresses[$0] < addresses[$1] }
        idsByAddress = live.map { UInt32($0) }
        sortedAddresses = live.map { addresses[$0] }
    }

    /// Reads and validates both files of `entry`.
    static func load(_ entry: TableIndex, location: TableLocation) async throws(StrataError) -> LoadedVectorIndex {
        let indexBytes = try await read(entry.indexFile, location: location)
        let index: any VectorIndex
        if entry.vectorFiles.isEmpty {
            index = try VectorIndexCoding.decode(indexBytes, path: location.object(entry.indexFile.path))
        } else {
            var segments: [(bytes: [UInt8], path: String)] = []
            for file in entry.vectorFiles { segments.append((try await read(file, location: location), location.object(file.path))) }
            index = try VectorIndexCoding.decode(indexBytes, path: location.object(entry.indexFile.path), segments: segments)
        }
        guard index.kind.rawValue == entry.kind, index.metric.rawValue == entry.metric else {
            throw .corruption(path: location.object(entry.indexFile.path), offset: nil, kind: .malformedMetadata,
                              detail: "holds a \(index.kind.rawValue) \(index.metric.rawValue) index, the manifest says \(entry.kind) \(entry.metric)")
        }
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
    /// - Complexity: O(log n).
    package func id(of address: RowAddress) -> UInt32? {
        let position = firstPosition(atOrAfter: address.rawValue)
        guard position < sortedAddresses.count, sortedAddresses[position] == address.rawValue else { return nil }
        return idsByAddress[position]
    }

    /// The first position in `sortedAddresses` holding `value` or more.
    private func firstPosition(atOrAfter value: UInt64) -> Int {
        var low = 0, high = sortedAddresses.count
        while low < high {
            let middle = (low + high) / 2
            if sortedAddresses[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The ids a search of `snapshot` may return: rows of covered fragments still in the
    /// snapshot and not deleted there. Nil when that is every id (the unfiltered fast path).
    /// - Throws: `.corruption` when the rows file names an offset past its fragment's rows.
    package func liveIDs(in snapshot: TableSnapshot, covered: Set<UInt32>) async throws(StrataError) -> IDBitset? {
        if let known = liveMasks.withLock({ $0[snapshot.version] }) { return known }
        var mask = IDBitset(capacity: index.count)
        for fragment in snapshot.manifest.fragments where covered.contains(fragment.id) {
            let first = firstPosition(atOrAfter: RowAddress(fragment: fragment.id, offset: 0).rawValue)
            let end = fragment.id == UInt32.max ? sortedAddresses.count
                : firstPosition(atOrAfter: RowAddress(fragment: fragment.id + 1, offset: 0).rawValue)
            guard first < end else { continue }
            guard Int(RowAddress(rawValue: sortedAddresses[end - 1]).offset) < fragment.physicalRows else {
                throw .corruption(path: snapshot.location.object(entry.rowsFile.path), offset: nil, kind: .malformedMetadata,
                                  detail: "an address past the \(fragment.physicalRows) rows of fragment \(fragment.id)")
            }
            let reader = fragment.deletion == nil ? nil : try await snapshot.reader(for: fragment)
            for position in first..<end {
                if let reader, reader.isDeleted(Int(RowAddress(rawValue: sortedAddresses[position]).offset)) { continue }
                mask.insert(idsByAddress[position])
            }
        }
        let result: IDBitset? = mask.count == index.count ? nil : mask
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
        if let hit = loaded.withLock({ $0[Self.key(entry)] }) { return hit }
        let index = try await LoadedVectorIndex.load(entry, location: location)
        insert([index])
        return index
    }

    /// Remembers indexes this process just built and committed, so that the next search or
    /// optimization does not read back what it wrote.
    package func insert(_ indexes: [LoadedVectorIndex]) {
        loaded.withLock { cache in
            if cache.count + indexes.count > 8 { cache.removeAll() }
            for index in indexes { cache[Self.key(index.entry)] = index }
        }
    }

    private static func key(_ entry: TableIndex) -> String { entry.indexFile.path + "|" + entry.rowsFile.path }
}
