import StrataCore
import StrataStorage

extension Table {
    /// Names version `version` (default: the latest) `name`, so that cleanup keeps it and
    /// readers can open it by name.
    /// - Throws: `.alreadyExists` for a taken name; `.invalidInput` for a bad name;
    ///   `.notFound` for a version that does not exist.
    @discardableResult
    public func createTag(_ name: String, version: UInt64? = nil) async throws(StrataError) -> Tag {
        try TablePaths.validateTagName(name)
        var target = version ?? 0
        if version == nil { target = try await latestManifest().version }
        guard try await locator.exists(target) else { throw .notFound(path: location.object(TablePaths.manifest(target))) }
        let tag = Tag(name: name, version: target, createdMicros: Timestamp.now())
        try await location.store.putIfAbsent(location.object(TablePaths.tag(name)), bytes: tag.encoded())
        return tag
    }

    /// Removes tag `name` (the version stays until cleanup finds it unreferenced).
    /// - Throws: `.notFound` when there is no such tag.
    public func deleteTag(_ name: String) async throws(StrataError) {
        try TablePaths.validateTagName(name)
        try await location.store.delete(location.object(TablePaths.tag(name)))
    }

    /// The tag named `name`.
    public func tag(_ name: String) async throws(StrataError) -> Tag {
        try TablePaths.validateTagName(name)
        let path = TablePaths.tag(name)
        do {
            return try Tag(decoding: try await location.read(path), path: location.object(path))
        } catch .notFound {
            throw .notFound(path: "tag \(name) of table \(location.displayName)")
        }
    }

    /// Every tag, by name.
    public func tags() async throws(StrataError) -> [Tag] {
        var result: [Tag] = []
        for object in try await location.list(TablePaths.tagsPrefix) where object.path.hasSuffix(".tag") {
            result.append(try Tag(decoding: try await location.read(object.path), path: location.object(object.path)))
        }
        return result
    }

    /// Makes a new version whose contents equal version `version`'s: its schema, fragments
    /// and deletions. Later versions stay in the history.
    /// - Returns: the new manifest.
    /// - Throws: `.notFound` for a missing version; storage errors.
    @discardableResult
    public func restore(version: UInt64) async throws(StrataError) -> Manifest {
        try await flushSmallWrites()
        let old = try await locator.manifest(version)
        let base = try await latestManifest()
        var transaction = Transaction(readVersion: base.version, operation: .restore)
        transaction.restoredVersion = version
        transaction.detail = "restore version \(version)"
        let record = transaction
        let change = PendingCommit(transaction: transaction, canRerun: false) { (current) throws(StrataError) -> Manifest in
            var next = old
            next.transaction = record
            // Ids are never reused, and log records folded since stay folded.
            next.nextFragmentId = max(old.nextFragmentId, current.nextFragmentId)
            next.nextFieldId = max(old.nextFieldId, current.nextFieldId)
            next.walFlushed = current.walFlushed
            next.transaction.removedFragments = current.fragments.map(\.id).filter { id in !old.fragments.contains { $0.id == id } }
            return next
        }
        return remember(try await coordinator.commitOnce(change, base: base))
    }
}
