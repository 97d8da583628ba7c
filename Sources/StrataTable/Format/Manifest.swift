import StrataCore

/// One version of a table: schema, fragments and what changed. Immutable once committed;
/// readers hold one as their snapshot (spec/table.md §3).
public struct Manifest: Sendable {
    /// The version number.
    public var version: UInt64
    /// Commit time, microseconds since the Unix epoch, UTC.
    public var timestampMicros: Int64
    /// The table's columns; field ids are stable across versions.
    public var schema: Schema
    /// The fragments, ordered by id.
    public var fragments: [Fragment]
    /// The id the next new fragment receives.
    public var nextFragmentId: UInt32
    /// The id the next new column receives.
    public var nextFieldId: UInt32
    /// What made this version.
    public var transaction: Transaction
    /// Free-form key/value metadata.
    public var metadata: [String: String]
    /// WAL segment name → highest record sequence folded into fragments.
    public var walFlushed: [String: UInt64]
    /// The table's indexes.
    public var indexes: [TableIndex] = []

    /// Rows visible in this version (physical rows minus deleted rows).
    public var rowCount: Int { fragments.reduce(0) { $0 + $1.liveRows } }

    /// The fragment with id `id`, if present.
    public func fragment(_ id: UInt32) -> Fragment? { fragments.first { $0.id == id } }

    /// Every object this version needs, relative to the table root (data files and deletion
    /// vectors; the manifest itself excluded).
    public var referencedFiles: Set<String> {
        var files = Set<String>()
        for fragment in fragments {
            for file in fragment.files { files.insert(file.path) }
            if let deletion = fragment.deletion { files.insert(deletion.path) }
        }
        for index in indexes {
            for file in index.files { files.insert(file.path) }
        }
        return files
    }
}

/// An immutable part of a table: rows `0..<physicalRows`, stored column-wise in data files.
public struct Fragment: Sendable, Hashable {
    /// The fragment id, the high half of its rows' addresses.
    public var id: UInt32
    /// The data files holding the fragment's columns.
    public var files: [DataFile]
    /// Rows in the fragment, deleted or not.
    public var physicalRows: Int
    /// The deleted rows, if any.
    public var deletion: DeletionFile?

    /// Rows not deleted.
    public var liveRows: Int { physicalRows - (deletion?.deletedRows ?? 0) }
}

/// A Strata data file holding some of a fragment's columns.
public struct DataFile: Sendable, Hashable {
    /// Path relative to the table root.
    public var path: String
    /// The table field ids the file holds.
    public var fieldIds: [UInt32]
    /// The object's size in bytes.
    public var sizeBytes: UInt64
}

/// A fragment's deletion vector.
public struct DeletionFile: Sendable, Hashable {
    /// Path relative to the table root.
    public var path: String
    /// Number of deleted rows.
    public var deletedRows: Int
    /// The object's size in bytes.
    public var sizeBytes: UInt64
}

/// The kind of change a version records.
public enum TableOperation: String, Sendable, Hashable, CaseIterable {
    case create, append, delete, update, compact, restore
    case addColumns = "add_columns"
    case dropColumns = "drop_columns"
    case renameColumn = "rename_column"
    /// An index created, extended, remapped or dropped.
    case index
    /// An operation recorded by a newer build. Its manifest is still complete and readable;
    /// conflict checks rely on the fragment lists, which every version records.
    case unknown
}

/// What a commit did relative to the version it read; conflict detection compares these.
public struct Transaction: Sendable, Hashable {
    /// The version the writer read.
    public var readVersion: UInt64
    /// The kind of change.
    public var operation: TableOperation
    /// Fragments created.
    public var addedFragments: [UInt32] = []
    /// Existing fragments whose deletion vector was replaced.
    public var modifiedFragments: [UInt32] = []
    /// Existing fragments removed.
    public var removedFragments: [UInt32] = []
    /// For a restore, the version restored.
    public var restoredVersion: UInt64 = 0
    /// Rows appended.
    public var rowsAdded: Int = 0
    /// Rows deleted.
    public var rowsDeleted: Int = 0
    /// A short description.
    public var detail: String = ""

    /// Creates a transaction record.
    public init(readVersion: UInt64, operation: TableOperation) {
        self.readVersion = readVersion
        self.operation = operation
    }
}

/// One index of a table: what it indexes, how, the fragments it covers and its two files.
public struct TableIndex: Sendable, Hashable {
    /// Unique within the table.
    public var name: String
    /// Names the index's folder, `_indices/<uuid>/`.
    public var uuid: String
    /// The indexed column(s), by field id.
    public var fieldIds: [UInt32]
    /// "flat", "ivf_pq", "hnsw" or "fts".
    public var kind: String
    /// "l2", "cosine" or "dot"; empty for a full-text index.
    public var metric: String
    /// The fragments whose rows the index holds, ascending.
    public var fragmentIds: [UInt32]
    /// The index structure.
    public var indexFile: IndexFileReference
    /// The row address of each internal id.
    public var rowsFile: IndexFileReference
    /// The parameters as given at creation.
    public var parameters: [String: String]
    /// The version that created the index under this name.
    public var createdVersion: UInt64
    /// Vector segment files in id order; empty when the index file holds the vectors.
    public var vectorFiles: [IndexFileReference] = []
    /// The segments of a full-text or scalar index, oldest first (its index and rows files
    /// are then unset, path "").
    public var segments: [IndexSegment] = []

    /// The kinds made of segments (spec/indexes.md §7.6).
    public static let segmentedKinds: Set<String> = ["fts", "btree", "bitmap"]

    /// Every object the index needs.
    public var files: [IndexFileReference] {
        ([indexFile, rowsFile] + vectorFiles + segments.flatMap { [$0.indexFile, $0.rowsFile] }).filter { !$0.path.isEmpty }
    }
}

/// One segment of a full-text or scalar index: the rows of some fragments, indexed together.
public struct IndexSegment: Sendable, Hashable {
    /// The fragments whose rows it holds, ascending.
    public var fragmentIds: [UInt32]
    /// The structure.
    public var indexFile: IndexFileReference
    /// The row address of each internal id.
    public var rowsFile: IndexFileReference

    /// A segment.
    public init(fragmentIds: [UInt32], indexFile: IndexFileReference, rowsFile: IndexFileReference) {
        self.fragmentIds = fragmentIds
        self.indexFile = indexFile
        self.rowsFile = rowsFile
    }
}

/// An index file: path relative to the table root and size in bytes.
public struct IndexFileReference: Sendable, Hashable {
    /// Path relative to the table root, under `_indices/`.
    public var path: String
    /// The object's size in bytes.
    public var sizeBytes: UInt64
}
