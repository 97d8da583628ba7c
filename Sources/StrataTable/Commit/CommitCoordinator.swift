import Foundation
import StrataCore
import StrataStorage

/// A change ready to commit: the files it needs are written; what remains is to publish a
/// manifest that includes them (spec/table.md §5).
package struct PendingCommit: Sendable {
    /// What the change does, relative to `transaction.readVersion`. Conflict checks read the
    /// fragment lists; `apply` fills in the ids of added fragments.
    package var transaction: Transaction
    /// Whether the operation can run again from a fresh snapshot (a predicate delete, an
    /// upsert, a compaction). If not, a real conflict is an error for the caller.
    package var canRerun: Bool
    /// Whether rows appended concurrently could change what the operation does (a
    /// merge-insert must see a key another writer just inserted, or insert it twice).
    package var readsNewRows = false
    /// Builds the new state from `base`, which is the read version or a later one the change
    /// rebases onto. Must not depend on anything but `base` and the files already written.
    /// - Throws: `.commitConflict` when the change cannot apply to `base`.
    package var apply: @Sendable (Manifest) throws(StrataError) -> Manifest
}

/// The result of a commit attempt loop.
package enum CommitResult: Sendable {
    /// The change is committed as this manifest.
    case committed(Manifest)
    /// A concurrent commit changed what the operation read; run it again from `latest`.
    case rerun(reason: String, latest: Manifest)
}

/// Publishes manifests with put-if-absent, rebasing over concurrent commits.
package struct CommitCoordinator: Sendable {
    package let location: TableLocation
    /// How many times a commit may lose the race for a version before giving up.
    package var maxAttempts = 64

    package init(location: TableLocation) {
        self.location = location
    }

    /// Commits `change` on top of `base` (the manifest it read).
    ///
    /// Steps, each safe to die after (spec/table.md §5): the change's files are already
    /// durable but unreferenced; `putIfAbsent` of manifest N+1 is the single atomic step that
    /// makes them part of the table; the hint update afterwards is advisory.
    /// - Throws: `.commitConflict` for an incompatible concurrent change,
    ///   `.retriesExhausted` after `maxAttempts` lost races, storage errors.
    package func commit(_ change: PendingCommit, base: Manifest) async throws(StrataError) -> CommitResult {
        let locator = VersionLocator(location)
        var current = base
        var slot = base.version + 1  // the version number this attempt claims
        for attempt in 0..<maxAttempts {
            var next = try change.apply(current)
            next.version = slot
            next.timestampMicros = max(Timestamp.now(), current.timestampMicros)
            next.transaction.readVersion = change.transaction.readVersion
            let path = location.object(TablePaths.manifest(next.version))
            // A version below the slot that is gone was removed by a cleanup, which never
            // removes the latest: newer versions exist, and the slot may be a removed number
            // that must not be reused. Treat it as a lost race.
            var won = false
            let belowSlotPresent = slot == 1 ? true : try await locator.exists(slot - 1)
            if belowSlotPresent {
                do {
                    try await location.store.putIfAbsent(path, bytes: next.encoded())
                    won = true
                } catch .alreadyExists {
                    won = false
                }
            }
            // A tagged old base can pass that check while a cleanup removed the version above
            // it: the manifest then lands under versions that existed before it (older
            // timestamps), where no reader looks. Withdraw it and go round as a lost race. (A
            // version committed on top of ours is never older than ours.)
            if won, try await isBuried(next, locator: locator) {
                try await location.store.delete(path)
                won = false
            }
            if won {
                await locator.publishHint(next.version)
                return .committed(next)
            }
            // Lost the race: look at every version committed since `current`.
            let latest = try await locator.latestVersion()
            var version = slot
            while version <= latest {
                let theirs: Manifest
                do {
                    theirs = try await locator.manifest(version)
                } catch .notFound {
                    // Removed by a cleanup meanwhile. An append cannot conflict with it;
                    // anything else reads again.
                    if change.transaction.operation == .append { version += 1; continue }
                    return .rerun(reason: "version \(version) was removed while committing",
                                  latest: try await locator.newestManifest(atOrBelow: latest))
                } catch let error where VersionLocator.isTorn(error) {
                    version += 1  // an aborted commit: it changed nothing
                    continue
                }
                if change.readsNewRows && !theirs.transaction.addedFragments.isEmpty {
                    return .rerun(reason: "rows were added concurrently", latest: try await locator.newestManifest(atOrBelow: latest))
                }
                switch ConflictRules.classify(ours: change.transaction, theirs: theirs.transaction, oursCanRerun: change.canRerun) {
                case .rebase:
                    break
                case let .retry(reason):
                    return .rerun(reason: reason, latest: try await locator.newestManifest(atOrBelow: latest))
                case let .incompatible(reason):
                    throw .commitConflict(table: location.displayName, version: version, detail: reason)
                }
                current = theirs
                version += 1
            }
            slot = max(slot, latest + 1)
            try await Self.backoff(attempt: attempt)
        }
        throw .retriesExhausted(table: location.displayName, version: current.version, attempts: maxAttempts)
    }

    /// Whether a version above `manifest` existed before it was written.
    private func isBuried(_ manifest: Manifest, locator: VersionLocator) async throws(StrataError) -> Bool {
        guard try await locator.exists(manifest.version + 1) else { return false }
        do {
            return try await locator.manifest(manifest.version + 1).timestampMicros < manifest.timestampMicros
        } catch {
            return false  // torn or just removed: not evidence of burial
        }
    }

    /// Commits `change`, which must not be able to ask for a re-run (`canRerun == false`
    /// changes get `.incompatible` instead).
    package func commitOnce(_ change: PendingCommit, base: Manifest) async throws(StrataError) -> Manifest {
        switch try await commit(change, base: base) {
        case let .committed(manifest): return manifest
        case let .rerun(reason, latest):
            throw .commitConflict(table: location.displayName, version: latest.version, detail: reason)
        }
    }

    /// A short randomized pause after losing a race, growing with the attempt number, so
    /// that writers that collided do not collide again in lockstep.
    private static func backoff(attempt: Int) async throws(StrataError) {
        let capMicros = min(50_000, 200 << min(attempt, 8))
        let pause = UInt64.random(in: 0...UInt64(capMicros))
        try? await Task.sleep(nanoseconds: pause * 1_000)
    }
}
