import StrataCore
import StrataStorage

/// A table's place in an object store: the store and the prefix the table's objects live
/// under. Every table object is named relative to the prefix (`TablePaths`).
package struct TableLocation: Sendable {
    /// The store holding the table.
    package let store: any ObjectStore
    /// The table's prefix in the store, without a trailing `/`; empty for the store's root.
    package let root: String

    /// How messages name the table: its directory, or its root in the store.
    package let displayName: String

    package init(store: any ObjectStore, root: String, displayName: String? = nil) {
        self.store = store
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
        self.displayName = displayName ?? (root.isEmpty ? "." : root)
    }

    /// The store path of the table-relative path `relative`.
    package func object(_ relative: String) -> String {
        root.isEmpty ? relative : root + "/" + relative
    }

    /// The table-relative path of a store path under the root.
    package func relative(_ path: String) -> String {
        root.isEmpty ? path : String(path.dropFirst(root.count + 1))
    }

    /// Lists table-relative paths starting with `prefix`.
    package func list(_ prefix: String) async throws(StrataError) -> [ObjectInfo] {
        try await store.list(prefix: object(prefix)).map { ObjectInfo(path: relative($0.path), size: $0.size, modifiedMicros: $0.modifiedMicros) }
    }

    /// Reads a whole table object.
    package func read(_ relative: String) async throws(StrataError) -> [UInt8] {
        try await store.read(object(relative))
    }
}
