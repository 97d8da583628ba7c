import StrataCore
import StrataFormat
import StrataStorage
import SwiftProtobuf

/// Encoding and validated decoding of manifests (spec/table.md §3).
extension Manifest {
    /// The manifest envelope's magic.
    package static let magic: [UInt8] = Array("STRM".utf8)

    /// The manifest as the bytes of its object.
    package func encoded() -> [UInt8] {
        var proto = Strata_Table_Manifest()
        proto.version = version
        proto.timestampMicros = timestampMicros
        proto.schema = SchemaCoding.proto(schema)
        proto.fragments = fragments.map { fragment in
            var f = Strata_Table_Fragment()
            f.id = UInt64(fragment.id)
            f.physicalRows = UInt64(fragment.physicalRows)
            f.files = fragment.files.map { file in
                var d = Strata_Table_DataFile()
                d.path = file.path
                d.fieldIds = file.fieldIds
                d.sizeBytes = file.sizeBytes
                return d
            }
            if let deletion = fragment.deletion {
                f.deletion.path = deletion.path
                f.deletion.deletedRows = UInt64(deletion.deletedRows)
                f.deletion.sizeBytes = deletion.sizeBytes
            }
            return f
        }
        proto.nextFragmentID = UInt64(nextFragmentId)
        proto.nextFieldID = nextFieldId
        proto.transaction = transaction.proto
        proto.metadata = metadata
        proto.walFlushed = walFlushed
        proto.indexes = indexes.map { index in
            var i = Strata_Table_Index()
            i.name = index.name
            i.uuid = index.uuid
            i.fieldIds = index.fieldIds
            i.kind = index.kind
            i.metric = index.metric
            i.fragmentIds = index.fragmentIds.map(UInt64.init)
            i.indexFile.path = index.indexFile.path
            i.indexFile.sizeBytes = index.indexFile.sizeBytes
            i.rowsFile.path = index.rowsFile.path
            i.rowsFile.sizeBytes = index.rowsFile.sizeBytes
            i.parameters = index.parameters
            i.createdVersion = index.createdVersion
            i.segments = index.segments.map { segment in
                var s = Strata_Table_IndexSegment()
                s.fragmentIds = segment.fragmentIds.map(UInt64.init)
                s.indexFile.path = segment.indexFile.path
                s.indexFile.sizeBytes = segment.indexFile.sizeBytes
                s.rowsFile.path = segment.rowsFile.path
                s.rowsFile.sizeBytes = segment.rowsFile.sizeBytes
                return s
            }
            i.vectorFiles = index.vectorFiles.map { file in
                var f = Strata_Table_IndexFile()
                f.path = file.path
                f.sizeBytes = file.sizeBytes
                return f
            }
            return i
        }
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        // Serializing a message built from valid values cannot fail.
        let payload: [UInt8] = try! proto.serializedBytes(options: options)
        return FramedObject.encode(magic: Self.magic, payload: payload)
    }

    /// Decodes and validates a manifest object read from `path`, which must name `version`.
    /// - Throws: `.corruption` for a damaged or inconsistent manifest, `.incompatibleVersion`
    ///   for a newer major format.
    package init(decoding bytes: [UInt8], path: String, expectedVersion: UInt64) throws(StrataError) {
        let payload = try FramedObject.decode(bytes, magic: Self.magic, path: path)
        let proto: Strata_Table_Manifest
        do {
            proto = try Strata_Table_Manifest(serializedBytes: Array(payload))
        } catch {
            throw .corruption(path: path, offset: 8, kind: .malformedMetadata, detail: "undecodable manifest (\(error))")
        }
        func bad(_ detail: String) -> StrataError {
            .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: detail)
        }
        guard proto.version == expectedVersion else { throw bad("manifest says version \(proto.version)") }
        guard proto.nextFragmentID <= UInt64(UInt32.max) else { throw bad("next fragment id \(proto.nextFragmentID)") }
        let schema = try SchemaCoding.schema(proto.schema, path: path)
        guard schema.fields.allSatisfy({ $0.id < proto.nextFieldID }) else { throw bad("a field id is not below next_field_id") }
        var fragments: [Fragment] = []
        var ids = Set<UInt32>()
        for f in proto.fragments {
            guard f.id < proto.nextFragmentID, ids.insert(UInt32(f.id)).inserted else { throw bad("fragment id \(f.id) repeated or not below next_fragment_id") }
            guard f.physicalRows <= UInt64(UInt32.max) else { throw bad("fragment \(f.id) claims \(f.physicalRows) rows") }
            var fieldIds = Set<UInt32>()
            var files: [DataFile] = []
            for d in f.files {
                try Self.validateRelativePath(d.path, prefix: TablePaths.dataPrefix, in: path)
                for id in d.fieldIds where !fieldIds.insert(id).inserted { throw bad("fragment \(f.id) holds field \(id) twice") }
                files.append(DataFile(path: d.path, fieldIds: d.fieldIds, sizeBytes: d.sizeBytes))
            }
            var deletion: DeletionFile?
            if f.hasDeletion {
                try Self.validateRelativePath(f.deletion.path, prefix: TablePaths.deletionsPrefix, in: path)
                guard f.deletion.deletedRows <= f.physicalRows else { throw bad("fragment \(f.id) deletes more rows than it has") }
                deletion = DeletionFile(path: f.deletion.path, deletedRows: Int(f.deletion.deletedRows), sizeBytes: f.deletion.sizeBytes)
            }
            fragments.append(Fragment(id: UInt32(f.id), files: files, physicalRows: Int(f.physicalRows), deletion: deletion))
        }
        guard zip(fragments, fragments.dropFirst()).allSatisfy({ $0.id < $1.id }) else { throw bad("fragments are not in id order") }
        var indexes: [TableIndex] = []
        for i in proto.indexes {
            guard !i.name.isEmpty, !indexes.contains(where: { $0.name == i.name }) else { throw bad("index name '\(i.name)' empty or repeated") }
            guard !i.fieldIds.isEmpty, i.fieldIds.allSatisfy({ id in schema.fields.contains { $0.id == id } }) else {
                throw bad("index '\(i.name)' names a field the schema does not have")
            }
            let covered = i.fragmentIds + i.segments.flatMap(\.fragmentIds)
            guard covered.allSatisfy({ $0 < proto.nextFragmentID }) else { throw bad("index '\(i.name)' covers an unknown fragment") }
            // A segmented kind's files are its segments'; every other kind has both of its own.
            let own = TableIndex.segmentedKinds.contains(i.kind) ? [] : [i.indexFile.path, i.rowsFile.path]
            for file in own + i.vectorFiles.map(\.path) + i.segments.flatMap({ [$0.indexFile.path, $0.rowsFile.path] }) {
                try Self.validateRelativePath(file, prefix: TablePaths.indicesPrefix, in: path)
            }
            indexes.append(TableIndex(
                name: i.name, uuid: i.uuid, fieldIds: i.fieldIds, kind: i.kind, metric: i.metric,
                fragmentIds: i.fragmentIds.map { UInt32($0) }.sorted(),
                indexFile: IndexFileReference(path: i.indexFile.path, sizeBytes: i.indexFile.sizeBytes),
                rowsFile: IndexFileReference(path: i.rowsFile.path, sizeBytes: i.rowsFile.sizeBytes),
                parameters: i.parameters, createdVersion: i.createdVersion,
                vectorFiles: i.vectorFiles.map { IndexFileReference(path: $0.path, sizeBytes: $0.sizeBytes) },
                segments: i.segments.map { segment in
                    IndexSegment(fragmentIds: segment.fragmentIds.map { UInt32($0) }.sorted(),
                                 indexFile: IndexFileReference(path: segment.indexFile.path, sizeBytes: segment.indexFile.sizeBytes),
                                 rowsFile: IndexFileReference(path: segment.rowsFile.path, sizeBytes: segment.rowsFile.sizeBytes))
                }))
        }
        self.init(
            version: proto.version, timestampMicros: proto.timestampMicros, schema: schema, fragments: fragments,
            nextFragmentId: UInt32(proto.nextFragmentID), nextFieldId: proto.nextFieldID,
            transaction: try Transaction(proto: proto.transaction, path: path),
            metadata: proto.metadata, walFlushed: proto.walFlushed, indexes: indexes)
    }

    private static func validateRelativePath(_ relative: String, prefix: String, in path: String) throws(StrataError) {
        do {
            try validateObjectPath(relative)
        } catch {
            throw .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: "invalid file path '\(relative)'")
        }
        guard relative.hasPrefix(prefix) else {
            throw .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: "file path '\(relative)' is outside \(prefix)")
        }
    }
}

extension Transaction {
    fileprivate var proto: Strata_Table_Transaction {
        var t = Strata_Table_Transaction()
        t.readVersion = readVersion
        t.operation = operation.proto
        t.addedFragments = addedFragments.map(UInt64.init)
        t.modifiedFragments = modifiedFragments.map(UInt64.init)
        t.removedFragments = removedFragments.map(UInt64.init)
        t.restoredVersion = restoredVersion
        t.rowsAdded = UInt64(rowsAdded)
        t.rowsDeleted = UInt64(rowsDeleted)
        t.detail = detail
        return t
    }

    fileprivate init(proto t: Strata_Table_Transaction, path: String) throws(StrataError) {
        func ids(_ values: [UInt64]) throws(StrataError) -> [UInt32] {
            var result: [UInt32] = []
            for value in values {
                guard let id = UInt32(exactly: value) else {
                    throw .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: "transaction names fragment \(value)")
                }
                result.append(id)
            }
            return result
        }
        let operation: TableOperation
        switch t.operation {
        case .create: operation = .create
        case .append: operation = .append
        case .delete: operation = .delete
        case .update: operation = .update
        case .compact: operation = .compact
        case .restore: operation = .restore
        case .addColumns: operation = .addColumns
        case .dropColumns: operation = .dropColumns
        case .renameColumn: operation = .renameColumn
        case .index: operation = .index
        case .unspecified, .UNRECOGNIZED: operation = .unknown
        }
        self.init(readVersion: t.readVersion, operation: operation)
        addedFragments = try ids(t.addedFragments)
        modifiedFragments = try ids(t.modifiedFragments)
        removedFragments = try ids(t.removedFragments)
        restoredVersion = t.restoredVersion
        guard t.rowsAdded <= UInt64(Int.max), t.rowsDeleted <= UInt64(Int.max) else {
            throw .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: "transaction row counts out of range")
        }
        rowsAdded = Int(t.rowsAdded)
        rowsDeleted = Int(t.rowsDeleted)
        detail = t.detail
    }
}

extension TableOperation {
    fileprivate var proto: Strata_Table_Operation {
        switch self {
        case .create: return .create
        case .append: return .append
        case .delete: return .delete
        case .update: return .update
        case .compact: return .compact
        case .restore: return .restore
        case .addColumns: return .addColumns
        case .dropColumns: return .dropColumns
        case .renameColumn: return .renameColumn
        case .index: return .index
        case .unknown: return .unspecified
        }
    }
}
