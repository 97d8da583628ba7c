import StrataCore
import StrataFormat
import StrataIndex

/// What `Table.verify` checked and what it found.
public struct TableVerificationReport: Sendable {
    /// The version checked.
    public var version: UInt64
    /// Data files and deletion vectors checked.
    public var filesChecked = 0
    /// Pages whose checksums were verified.
    public var pagesChecked = 0
    /// Bytes verified.
    public var bytesChecked: UInt64 = 0
    /// Every problem found, each naming the object and offset.
    public var problems: [StrataError] = []
}

extension Table {
    /// Checks every file of version `version` (default: the latest): the manifest, each data
    /// file's size, row count, column types and every page and block checksum, each
    /// deletion vector, and each index's two files (sizes, checksums, structure, kind and
    /// metric, row addresses within their fragments). Damage is reported, not thrown, so one
    /// run lists all of it.
    /// - Throws: only when the manifest itself cannot be read.
    public func verify(version: UInt64? = nil) async throws(StrataError) -> TableVerificationReport {
        let manifest: Manifest
        if let version { manifest = try await locator.manifest(version) } else { manifest = try await latestManifest() }
        var report = TableVerificationReport(version: manifest.version)
        let snapshot = TableSnapshot(manifest: manifest, pendingRows: [], location: location, cache: nil)
        for fragment in manifest.fragments {
            // Opening the fragment checks sizes, row counts, types and the deletion vector.
            do {
                _ = try await snapshot.reader(for: fragment)
            } catch {
                report.problems.append(error)
            }
            for file in fragment.files {
                report.filesChecked += 1
                do {
                    let reader = try await FileReader.open(store: location.store, path: location.object(file.path))
                    let result = try await reader.verify()
                    report.pagesChecked += result.pagesChecked
                    report.bytesChecked += result.bytesChecked
                    report.problems += result.problems
                } catch {
                    if !report.problems.contains(error) { report.problems.append(error) }
                }
            }
            if fragment.deletion != nil { report.filesChecked += 1 }
        }
        for entry in manifest.indexes {
            report.filesChecked += entry.files.count
            report.bytesChecked += entry.files.reduce(0) { $0 + $1.sizeBytes }
            do {
                if TableIndex.segmentedKinds.contains(entry.kind) {
                    for segment in entry.segments {
                        let loaded: any LoadedSegment = entry.kind == TextIndexSettings.kind ? try await LoadedTextSegment.load(segment, location: location)
                            : try await LoadedScalarSegment.load(segment, location: location)
                        _ = try await loaded.rows.liveIDs(in: snapshot, covered: Set(segment.fragmentIds))
                    }
                } else if VectorIndexKind(rawValue: entry.kind) != nil {
                    let loaded = try await LoadedVectorIndex.load(entry, location: location)
                    _ = try await loaded.rows.liveIDs(in: snapshot, covered: Set(entry.fragmentIds))
                }
            } catch {
                report.problems.append(error)
            }
        }
        return report
    }
}
