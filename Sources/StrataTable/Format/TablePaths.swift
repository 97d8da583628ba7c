import Foundation
import StrataCore

/// Where each object of a table lives, relative to the table's root (spec/table.md §1).
package enum TablePaths {
    /// The folder of manifests.
    package static let versionsPrefix = "_versions/"
    /// The hint naming the latest committed version (decimal text), refreshed after commits.
    package static let latestHint = "_versions/latest.hint"
    /// The folder of tags.
    package static let tagsPrefix = "_refs/tags/"
    /// The folder of data files.
    package static let dataPrefix = "data/"
    /// The folder of deletion vectors.
    package static let deletionsPrefix = "_deletions/"
    /// The folder of write-ahead-log segments.
    package static let walPrefix = "_wal/"
    /// Index files: `_indices/<uuid>/…`.
    package static let indicesPrefix = "_indices/"

    /// Digits in a manifest's version number: 20 holds every UInt64, and fixed width makes
    /// name order equal version order.
    private static let versionDigits = 20

    /// The manifest of `version`.
    package static func manifest(_ version: UInt64) -> String {
        let digits = String(version)
        return versionsPrefix + String(repeating: "0", count: versionDigits - digits.count) + digits + ".manifest"
    }

    /// The version a manifest path names, or nil for any other path.
    package static func version(ofManifest path: String) -> UInt64? {
        guard path.hasPrefix(versionsPrefix), path.hasSuffix(".manifest") else { return nil }
        let digits = path.dropFirst(versionsPrefix.count).dropLast(".manifest".count)
        guard digits.count == versionDigits, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return UInt64(digits)
    }

    /// A fresh data-file path.
    /// A new file of the index whose folder is `uuid`, with extension `ext`.
    package static func newIndexFile(uuid: String, ext: String) -> String {
        indicesPrefix + uuid + "/" + UUID().uuidString.lowercased() + "." + ext
    }

    package static func newDataFile() -> String {
        dataPrefix + UUID().uuidString.lowercased() + ".strata"
    }

    /// The deletion vector of `fragment` written by a commit meant for `version`.
    /// A UUID keeps writers racing for the same version apart.
    package static func newDeletionFile(fragment: UInt32, version: UInt64) -> String {
        deletionsPrefix + "\(fragment)-\(version)-" + UUID().uuidString.lowercased() + ".del"
    }

    /// The object of tag `name`.
    package static func tag(_ name: String) -> String { tagsPrefix + name + ".tag" }

    /// Checks a tag name: 1–128 characters of letters, digits, `-`, `_` and `.`, not starting with `.`.
    package static func validateTagName(_ name: String) throws(StrataError) {
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0)
        }
        guard !name.isEmpty, name.count <= 128, allowed, !name.hasPrefix(".") else {
            throw .invalidInput(what: "tag name '\(name)'", why: "use 1–128 letters, digits, '-', '_' or '.', not starting with '.'")
        }
    }
}
