import Foundation
import StrataCore
import StrataStorage

/// Finds and loads versions (spec/table.md §7).
///
/// The latest version is found without listing the history: the hint object names a recent
/// version; the locator checks it exists, then probes forward at doubling distances and
/// bisects between the last version found and the first missing one. Versions are created in
/// order and cleanup never removes one newer than the hint, so the versions above the hint
/// are contiguous. Only when the hint is missing, unreadable or names a removed version does
/// the locator list `_versions/`.
package struct VersionLocator: Sendable {
    package let location: TableLocation

    package init(_ location: TableLocation) {
        self.location = location
    }

    /// Whether version `version`'s manifest exists.
    package func exists(_ version: UInt64) async throws(StrataError) -> Bool {
        do {
            _ = try await location.store.size(of: location.object(TablePaths.manifest(version)))
            return true
        } catch .notFound {
            return false
        }
    }

    /// The latest committed version.
    /// - Throws: `.notFound` when there is no table here.
    /// - Complexity: O(log d) existence checks, d = versions committed since the hint.
    package func latestVersion() async throws(StrataError) -> UInt64 {
        if let hint = await readHint(), hint > 0, try await exists(hint) {
            return try await probeForward(from: hint)
        }
        guard let listed = try await listVersions().last else {
            throw .notFound(path: location.object(TablePaths.versionsPrefix))
        }
        return try await probeForward(from: listed)
    }

    /// All versions whose manifests exist, ascending.
    package func listVersions() async throws(StrataError) -> [UInt64] {
        try await location.list(TablePaths.versionsPrefix).compactMap { TablePaths.version(ofManifest: $0.path) }.sorted()
    }

    /// Loads the manifest of `version`.
    /// - Throws: `.notFound` when the version does not exist (or was cleaned up);
    ///   `.corruption` when it is damaged.
    package func manifest(_ version: UInt64) async throws(StrataError) -> Manifest {
        let path = TablePaths.manifest(version)
        let bytes = try await location.read(path)
        return try Manifest(decoding: bytes, path: location.object(path), expectedVersion: version)
    }

    /// The newest readable manifest at or below `version`. A torn manifest (cut short: on a
    /// store without atomic publication, a commit that died while writing it) is an aborted
    /// commit and is skipped; any other damage is an error (spec/table.md §5.4).
    package func newestManifest(atOrBelow version: UInt64) async throws(StrataError) -> Manifest {
        var candidate = version
        while true {
            do {
                return try await manifest(candidate)
            } catch let error {
                guard Self.isTorn(error), candidate > 1 else { throw error }
                candidate -= 1
            }
        }
    }

    /// Whether `error` means a manifest is torn (shorter than its own envelope says).
    package static func isTorn(_ error: StrataError) -> Bool {
        if case .corruption(_, _, .truncated, _) = error { return true }
        return false
    }

    /// Records `version` as the latest, unless the hint already names a later one. Best
    /// effort: a failure only makes the next lookup probe a little further.
    package func publishHint(_ version: UInt64) async {
        if let current = await readHint(), current >= version { return }
        try? await location.store.write(location.object(TablePaths.latestHint), bytes: Array("\(version)\n".utf8))
    }

    private func readHint() async -> UInt64? {
        guard let bytes = try? await location.read(TablePaths.latestHint), bytes.count <= 24 else { return nil }
        return UInt64(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The last existing version at or after `known`, which exists.
    private func probeForward(from known: UInt64) async throws(StrataError) -> UInt64 {
        var present = known
        var step: UInt64 = 1
        var missing: UInt64?
        while missing == nil {
            let candidate = present + step
            if try await exists(candidate) {
                present = candidate
                step *= 2
            } else {
                missing = candidate
            }
        }
        var high = missing!
        while high - present > 1 {
            let middle = present + (high - present) / 2
            if try await exists(middle) { present = middle } else { high = middle }
        }
        return present
    }
}
