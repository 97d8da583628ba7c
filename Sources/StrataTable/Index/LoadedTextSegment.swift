import StrataCore
import StrataIndex

/// A full-text index over some rows of a table — a committed segment read from its files, or
/// an unindexed fragment or the in-memory rows indexed on the fly — with its rows.
package final class LoadedTextSegment: LoadedSegment {
    package let index: InvertedIndex
    /// Ids to row addresses and back (in-memory rows: their place in the pending batches).
    package let rows: IndexRowMap

    package init(index: InvertedIndex, addresses: [UInt64], path: String) {
        self.index = index
        rows = IndexRowMap(addresses: addresses, path: path)
    }

    package func withRows(_ addresses: [UInt64], path: String) -> any LoadedSegment {
        LoadedTextSegment(index: index, addresses: addresses, path: path)
    }

    /// Reads and validates both files of `segment`.
    static func load(_ segment: IndexSegment, location: TableLocation) async throws(StrataError) -> LoadedTextSegment {
        let index = try InvertedIndex(decoding: try await location.read(segment.indexFile), path: location.object(segment.indexFile.path))
        let rowBytes = try await location.read(segment.rowsFile)
        let addresses = try IndexRows.decode(rowBytes, path: location.object(segment.rowsFile.path), expectedCount: index.documentCount)
        return LoadedTextSegment(index: index, addresses: addresses, path: segment.rowsFile.path)
    }
}

/// The `key=value` parameters of a full-text index: the analyzer's settings
/// (spec/indexes.md §7.1) and BM25's `k1` and `b` (§7.2).
enum TextIndexSettings {
    /// The index kind's name in the manifest.
    static let kind = "fts"

    /// The analyzer and scoring `parameters` ask for.
    /// - Throws: `.invalidInput` for an unknown key or a bad value.
    static func resolve(_ parameters: [String: String]) throws(StrataError) -> (analyzer: TextAnalyzer, bm25: BM25Parameters) {
        var settings = parameters
        var bm25 = BM25Parameters()
        if let text = settings.removeValue(forKey: "k1") {
            guard let k1 = Double(text), k1.isFinite, k1 >= 0 else { throw .invalidInput(what: "index parameter k1=\(text)", why: "expected a finite number ≥ 0") }
            bm25.k1 = k1
        }
        if let text = settings.removeValue(forKey: "b") {
            guard let b = Double(text), (0...1).contains(b) else { throw .invalidInput(what: "index parameter b=\(text)", why: "expected a number in 0…1") }
            bm25.b = b
        }
        let analyzerKeys = TextAnalyzerOptions().settings.keys
        if let unknown = settings.keys.sorted().first(where: { !analyzerKeys.contains($0) }) {
            throw .invalidInput(what: "index parameter '\(unknown)'", why: "fts takes \((Array(analyzerKeys) + ["b", "k1"]).sorted().joined(separator: ", "))")
        }
        return (try TextAnalyzer(options: try TextAnalyzerOptions(settings: settings)), bm25)
    }
}
