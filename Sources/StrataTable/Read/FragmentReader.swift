import StrataCore
import StrataFormat
import StrataKernels
import StrataStorage

/// Reads one fragment of a snapshot: its data files, matched to the table's columns by field
/// id, its deletion vector, and defaults for columns that no file holds (added later).
package final class FragmentReader: Sendable {
    package let fragment: Fragment
    /// The opened data files, parallel to `fragment.files`.
    private let files: [FileReader]
    /// The deleted row offsets, nil when none are deleted.
    package let deleted: RoaringBitmap?
    /// Table field id → (file index, the column's name inside that file).
    private let sources: [UInt32: (file: Int, name: String)]

    private init(fragment: Fragment, files: [FileReader], deleted: RoaringBitmap?, sources: [UInt32: (file: Int, name: String)]) {
        self.fragment = fragment
        self.files = files
        self.deleted = deleted
        self.sources = sources
    }

    /// Opens the fragment's files and deletion vector, checking them against the manifest
    /// and `schema` (sizes, row counts, column types).
    /// - Throws: `.corruption` naming the file that disagrees; `.notFound`, `.io`.
    package static func open(_ fragment: Fragment, schema: Schema, location: TableLocation, cache: BlockCache?) async throws(StrataError) -> FragmentReader {
        var files: [FileReader] = []
        var sources: [UInt32: (file: Int, name: String)] = [:]
        let types = Dictionary(schema.fields.map { ($0.id, $0.type) }, uniquingKeysWith: { a, _ in a })
        for (index, file) in fragment.files.enumerated() {
            let path = location.object(file.path)
            let reader: FileReader
            do {
                reader = try await FileReader.open(store: location.store, path: path, cache: cache)
            } catch .notFound {
                // The manifest names it: a missing data file is damage, not a bad request.
                throw .corruption(path: path, offset: 0, kind: .truncated, detail: "the data file fragment \(fragment.id) needs is missing")
            }
            guard reader.fileSize == file.sizeBytes else {
                throw .corruption(path: path, offset: reader.fileSize, kind: .truncated,
                                  detail: "\(reader.fileSize) bytes, the manifest says \(file.sizeBytes)")
            }
            guard reader.rowCount == fragment.physicalRows else {
                throw .corruption(path: path, offset: nil, kind: .malformedMetadata,
                                  detail: "\(reader.rowCount) rows, fragment \(fragment.id) has \(fragment.physicalRows)")
            }
            for id in file.fieldIds {
                guard let type = types[id] else { continue }  // a dropped column
                guard let field = reader.schema.fields.first(where: { $0.id == id }), field.type == type else {
                    throw .corruption(path: path, offset: nil, kind: .malformedMetadata,
                                      detail: "the manifest says the file holds field \(id) of type \(type)")
                }
                sources[id] = (index, field.name)
            }
            files.append(reader)
        }
        var deleted: RoaringBitmap?
        if let deletion = fragment.deletion {
            let path = location.object(deletion.path)
            let bytes = try await location.store.read(path)
            deleted = try DeletionVector.decode(bytes, path: path, physicalRows: fragment.physicalRows, expectedCount: deletion.deletedRows)
        }
        return FragmentReader(fragment: fragment, files: files, deleted: deleted, sources: sources)
    }

    /// The single data file holding every one of `fields`, with their names in it, if one does.
    package func singleFile(for fields: [Field]) -> (FileReader, [String])? {
        guard let first = fields.first.flatMap({ sources[$0.id] }) else { return nil }
        var names: [String] = []
        for field in fields {
            guard let source = sources[field.id], source.file == first.file else { return nil }
            names.append(source.name)
        }
        return (files[first.file], names)
    }

    /// The pages of `field` in the file holding it (nil when no file does: it reads as its
    /// default), with their first rows and statistics.
    package func pages(of field: Field) -> [PageInfo]? {
        guard let source = sources[field.id] else { return nil }
        return files[source.file].columns.first { $0.field.name == source.name }?.pages
    }

    /// The physical rows at `offsets` (any order) of `fields`, deleted or not, one buffer per field.
    package func take(_ offsets: [Int], fields: [Field]) async throws(StrataError) -> [ColumnBuffer] {
        var columns = [ColumnBuffer?](repeating: nil, count: fields.count)
        var byFile: [Int: [(position: Int, name: String)]] = [:]
        for (position, field) in fields.enumerated() {
            if let source = sources[field.id] {
                byFile[source.file, default: []].append((position, source.name))
            } else {
                columns[position] = try FieldDefaults.constantColumn(field, count: offsets.count)
            }
        }
        for (file, wanted) in byFile.sorted(by: { $0.key < $1.key }) {
            let batch = try await files[file].take(offsets, columns: wanted.map(\.name))
            for (k, item) in wanted.enumerated() { columns[item.position] = batch.columns[k] }
        }
        return columns.map { $0! }
    }

    /// Whether physical row `offset` is deleted.
    @inline(__always)
    package func isDeleted(_ offset: Int) -> Bool {
        deleted?.contains(UInt32(offset)) ?? false
    }
}
