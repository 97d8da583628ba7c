import Strata
import StrataIndex

extension FuzzTargets {
    /// Selector 0: the rest is a text index file — read it, and search it when it reads.
    /// Selector 1: the rest is documents separated by newlines — index them with the default
    /// analyzer, check that the file reads back to the same answers, then read the file with
    /// the byte at a position the input picks flipped (an error or the same answers, never a
    /// trap).
    public static func textIndex(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        if selector & 1 == 0 {
            for candidate in [rest, resealedIndexFile(rest)] { readAndSearch(candidate, queries: ["a", "the quick", "w1 w2 w3"]) }
            return
        }
        let text = String(decoding: rest, as: UTF8.self)
        let documents = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(200).map { $0.isEmpty ? nil : String($0) }
        let index = InvertedIndex(documents: documents, analyzer: analyzers[0])
        let file = index.encoded()
        guard let reloaded = try? InvertedIndex(decoding: file, path: "fuzz.sttx"), reloaded.encoded() == file else {
            fatalError("a text index does not read back: \(documents)")
        }
        let query = documents.compactMap { $0 }.first ?? "x"
        guard (try? reloaded.search(query, k: 5)) == (try? index.search(query, k: 5)),
              (try? reloaded.searchPhrase(query, k: 5)) == (try? index.searchPhrase(query, k: 5)) else {
            fatalError("a reloaded text index answers differently: \(query)")
        }
        var damaged = file
        let at = rest.count > 0 ? (Int(rest[0]) << 8 | Int(rest[rest.count / 2])) % damaged.count : 0
        damaged[at] ^= rest.last ?? 0x5A
        // As damaged, and resealed so that the structure checks behind the checksums are hit.
        for candidate in [damaged, resealedIndexFile(damaged)] { readAndSearch(candidate, queries: [query]) }
    }

    /// Reads `bytes` as a text index file and, when it reads, runs every kind of search.
    static func readAndSearch(_ bytes: [UInt8], queries: [String]) {
        guard let index = try? InvertedIndex(decoding: bytes, path: "fuzz.sttx") else { return }
        for query in queries {
            _ = try? index.search(query, k: 5)
            _ = try? index.search(query, k: 5, match: .all)
            _ = try? index.searchPhrase(query, k: 5)
        }
    }
}
