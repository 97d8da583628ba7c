import StrataCore
import StrataIndex
import StrataKernels

/// A vector index read from its files, with the mapping between its internal ids and the
/// table's row addresses.
package final class LoadedVectorIndex: Sendable {
    package let entry: TableIndex
    package let index: any VectorIndex
    /// Ids to row addresses and back.
    package let rows: IndexRowMap

    init(entry: TableIndex, index: any VectorIndex, addresses: [UInt64]) {
        self.entry = entry
        self.index = index
        rows = IndexRowMap(addresses: addresses, path: entry.rowsFile.path)
    }

    /// Row address of each internal id (`IndexRows.removed` for rows gone).
    package var addresses: [UInt64] { rows.addresses }

    /// Reads and validates both files of `entry`.
    static func load(_ entry: TableIndex, location: TableLocation) async throws(StrataError) -> LoadedVectorIndex {
        let indexBytes = try await location.read(entry.indexFile)
        let index: any VectorIndex
        if entry.vectorFiles.isEmpty {
            index = try VectorIndexCoding.decode(indexBytes, path: location.object(entry.indexFile.path))
        } else {
            var segments: [(bytes: [UInt8], path: String)] = []
            for file in entry.vectorFiles { segments.append((try await location.read(file), location.object(file.path))) }
            index = try VectorIndexCoding.decode(indexBytes, path: location.object(entry.indexFile.path), segments: segments)
        }
        guard index.kind.rawValue == entry.kind, index.metric.rawValue == entry.metric else {
            throw .corruption(path: location.object(entry.indexFile.path), offset: nil, kind: .malformedMetadata,
                              detail: "holds a \(index.kind.rawValue) \(index.metric.rawValue) index, the manifest says \(entry.kind) \(entry.metric)")
        }
        let rowBytes = try await location.read(entry.rowsFile)
        let addresses = try IndexRows.decode(rowBytes, path: location.object(entry.rowsFile.path), expectedCount: index.count)
        return LoadedVectorIndex(entry: entry, index: index, addresses: addresses)
    }
}

extension TableLocation {
    /// The bytes of an index object, checked against the size the manifest gives.
    /// - Throws: `.corruption` (*truncated*) on a size mismatch; storage errors.
    func read(_ file: IndexFileReference) async throws(StrataError) -> [UInt8] {
        let bytes = try await read(file.path)
        guard UInt64(bytes.count) == file.sizeBytes else {
            throw .corruption(path: object(file.path), offset: nil, kind: .truncated,
                              detail: "\(bytes.count) bytes, the manifest says \(file.sizeBytes)")
        }
        return bytes
    }
}
