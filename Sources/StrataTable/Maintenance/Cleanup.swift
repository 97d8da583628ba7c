import StrataCore

/// What cleanup removed, or in a dry run would remove.
public struct CleanupReport: Sendable {
    /// Whether anything was actually removed.
    public var dryRun: Bool
    /// Versions whose manifests were (or would be) removed.
    public var versions: [UInt64]
    /// Data files and deletion vectors (table-relative paths) removed.
    public var files: [String]
    /// Bytes those objects held.
    public var bytes: UInt64
}

extension Table {
    /// Removes versions older than `olderThan` seconds (except the latest and tagged ones)
    /// and every data file and deletion vector that no retained version references.
    ///
    /// Safety (spec/table.md §10.2): a file referenced by a retained version is never removed.
    /// A file no manifest references at all (left by a failed commit, or being written by a
    /// commit in progress) is removed only once it is older than both `olderThan` and
    /// `orphanGraceSeconds` by its modification time; stores that report no times keep such files.
    /// - Parameter dryRun: list what would go without removing anything.
    public func cleanup(olderThan seconds: Double, dryRun: Bool = false) async throws(StrataError) -> CleanupReport {
        guard seconds >= 0, seconds < 1e12 else {
            throw .invalidInput(what: "cleanup age \(seconds) s", why: "must be between 0 and 10¹² seconds")
        }
        let cutoff = Timestamp.now() - Int64(seconds * 1_000_000)
        // A file no manifest names may belong to a commit in progress: it must be older than
        // the grace period as well, whatever `olderThan` says.
        let orphanCutoff = min(cutoff, Timestamp.now() - Int64(Self.orphanGraceSeconds * 1_000_000))
        let latest = try await latestManifest()
        let tagged = Set(try await tags().map(\.version))
        var retained: [Manifest] = []
        var expired: [Manifest] = []
        for manifest in try await versions() {
            if manifest.version == latest.version || tagged.contains(manifest.version) || manifest.timestampMicros >= cutoff {
                retained.append(manifest)
            } else {
                expired.append(manifest)
            }
        }
        let keep = retained.reduce(into: Set<String>()) { $0.formUnion($1.referencedFiles) }
        let onceCommitted = expired.reduce(into: Set<String>()) { $0.formUnion($1.referencedFiles) }
        var files: [String] = []
        var bytes: UInt64 = 0
        for prefix in [TablePaths.dataPrefix, TablePaths.deletionsPrefix, TablePaths.indicesPrefix] {
            for object in try await location.list(prefix) where !keep.contains(object.path) {
                let old = object.modifiedMicros.map { $0 < orphanCutoff } ?? false
                guard onceCommitted.contains(object.path) || old else { continue }
                files.append(object.path)
                bytes += object.size
            }
        }
        let versions = expired.map(\.version)
        if !dryRun {
            // The hint first, so that no reader is sent to a version about to disappear.
            await locator.publishHint(latest.version)
            for path in files { try await removeIfPresent(path) }
            for version in versions { try await removeIfPresent(TablePaths.manifest(version)) }
        }
        return CleanupReport(dryRun: dryRun, versions: versions, files: files, bytes: bytes)
    }

    /// The least age of a file that no manifest references before cleanup removes it: longer
    /// than any commit takes from writing its first file to publishing its manifest.
    public static let orphanGraceSeconds: Double = 15 * 60

    private func removeIfPresent(_ relative: String) async throws(StrataError) {
        do {
            try await location.store.delete(location.object(relative))
        } catch .notFound {
            // Removed by a concurrent cleanup.
        }
    }
}
