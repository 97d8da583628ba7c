import Foundation
import StrataCore
@testable import StrataIndex
import Testing
import TestSupport

@Suite struct InvertedIndexTests {
    static let plain = try! TextAnalyzer(options: TextAnalyzerOptions(settings: ["stemmer": "none", "stop_words": "none"]))

    /// A random corpus over a Zipf-like vocabulary (low word numbers are common), some
    /// documents missing.
    static func corpus(_ count: Int, seed: UInt64) -> [String?] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ -> String? in
            if Int.random(in: 0..<20, using: &rng) == 0 { return nil }
            let length = Int.random(in: 0..<30, using: &rng)
            return (0..<length).map { _ in "w\(Int(Double(Int.random(in: 1...1_000, using: &rng)).squareRoot() * Double(Int.random(in: 1...8, using: &rng))))" }
                .joined(separator: " ")
        }
    }

    /// BM25 written out independently of `BM25Parameters`, on whitespace-split lower-case words.
    static func reference(_ documents: [String?], query: [String], k: Int, all: Bool, allowed: Set<UInt32>?,
                          k1: Double = 1.2, b: Double = 0.75) -> [TextHit] {
        let words = documents.map { $0?.lowercased().split(separator: " ").map(String.init) ?? [] }
        let n = Double(words.count), average = Double(words.reduce(0) { $0 + $1.count }) / max(n, 1)
        let terms = Array(Set(query))
        var frequency: [String: Double] = [:]
        for document in words { for term in terms where document.contains(term) { frequency[term, default: 0] += 1 } }
        var hits: [TextHit] = []
        for (id, document) in words.enumerated() where allowed?.contains(UInt32(id)) ?? true {
            let present = terms.filter(document.contains)
            if present.isEmpty || (all && present.count != terms.count) { continue }
            var score = 0.0
            for term in present {
                let df = frequency[term]!
                let idf = log(1 + (n - df + 0.5) / (df + 0.5))
                let tf = Double(document.filter { $0 == term }.count)
                let lengthNorm: Double = 1 - b + b * Double(document.count) / average
                let saturation: Double = tf * (k1 + 1) / (tf + k1 * lengthNorm)
                score += idf * saturation
            }
            hits.append(TextHit(id: UInt32(id), score: score))
        }
        hits.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
        return Array(hits.prefix(k))
    }

    static func decode(_ bytes: [UInt8], after previous: UInt32?, documentCount: Int)
        -> Result<(documents: [UInt32], frequencies: [UInt32], end: Int), StrataError> {
        var documents: [UInt32] = [], frequencies: [UInt32] = []
        let end = bytes.withUnsafeBytes { (raw) -> Result<Int, StrataError> in
            do throws(StrataError) {
                return .success(try PostingsBlock.decode(raw, at: 0, after: previous, documentCount: documentCount, path: "t",
                                                         documents: &documents, frequencies: &frequencies))
            } catch {
                return .failure(error)
            }
        }
        return end.map { (documents, frequencies, $0) }
    }

    static func agree(_ a: [TextHit], _ b: [TextHit]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.id == $1.id && abs($0.score - $1.score) <= 1e-9 * max(1, abs($1.score)) }
    }

    @Test(arguments: [InvertedIndex.Match.any, .all])
    func scoresAreBM25ByTheFormula(match: InvertedIndex.Match) throws {
        let documents = Self.corpus(600, seed: 3)
        let index = InvertedIndex(documents: documents, analyzer: Self.plain)
        var rng = SeededRandom(seed: 4)
        for round in 0..<60 {
            let query = (0..<Int.random(in: 1...3, using: &rng)).map { _ in "w\(Int.random(in: 1...30, using: &rng))" }
            let allowed: Set<UInt32>? = round % 3 == 0 ? Set((0..<600).filter { _ in Bool.random(using: &rng) }.map(UInt32.init)) : nil
            var bitset: IDBitset?
            if let allowed {
                var set = IDBitset(capacity: 600)
                for id in allowed { set.insert(id) }
                bitset = set
            }
            let k = [1, 10, 1_000][round % 3]
            let found = try index.search(query.joined(separator: " "), k: k, match: match, allowed: bitset)
            let expected = Self.reference(documents, query: query, k: k, all: match == .all, allowed: allowed)
            #expect(Self.agree(found, expected), "query \(query) k \(k)")
        }
    }

    /// Many documents and small k: block-max WAND skips most blocks, and must still return
    /// exactly the exhaustive top k.
    @Test func skippingKeepsTheExactTopK() throws {
        let documents = Self.corpus(6_000, seed: 11)
        let index = InvertedIndex(documents: documents, analyzer: Self.plain)
        var rng = SeededRandom(seed: 12)
        for round in 0..<40 {
            let query = (0..<Int.random(in: 2...4, using: &rng)).map { _ in "w\(Int.random(in: 1...60, using: &rng))" }
            let k = [1, 3, 10, 50][round % 4]
            for match in InvertedIndex.Match.allCases {
                let found = try index.search(query.joined(separator: " "), k: k, match: match)
                #expect(Self.agree(found, Self.reference(documents, query: query, k: k, all: match == .all, allowed: nil)), "query \(query) k \(k) \(match)")
            }
        }
    }

    /// The skipping is real: for the best 1 of the two commonest terms, far fewer documents
    /// are scored than hold either term.
    @Test func blockMaxWANDScoresFewDocuments() throws {
        let documents = Self.corpus(6_000, seed: 13)
        let index = InvertedIndex(documents: documents, analyzer: Self.plain)
        var counts: [Substring: Int] = [:]
        for document in documents { for word in Set(document?.split(separator: " ") ?? []) { counts[word, default: 0] += 1 } }
        let common = counts.sorted { $0.value > $1.value }.prefix(2).map(\.key)
        let holding = documents.filter { ($0?.split(separator: " ") ?? []).contains { common.contains($0) } }.count
        let scored = try index.collect(common.joined(separator: " "), k: 1, match: .any, allowed: nil).offered
        #expect(holding > 1_000 && scored * 4 < holding, "scored \(scored) of \(holding)")
    }

    @Test func parametersChangeTheScores() throws {
        let documents = Self.corpus(200, seed: 5)
        let index = InvertedIndex(documents: documents, analyzer: Self.plain, bm25: BM25Parameters(k1: 2.0, b: 0.3))
        let found = try index.search("w3 w7", k: 20)
        #expect(!found.isEmpty)
        #expect(Self.agree(found, Self.reference(documents, query: ["w3", "w7"], k: 20, all: false, allowed: nil, k1: 2.0, b: 0.3)))
    }

    @Test func postingListsSpanBlocks() throws {
        // "common" in every third of 1,000 documents: 334 postings, three blocks.
        let documents: [String?] = (0..<1_000).map { $0 % 3 == 0 ? String(repeating: "common ", count: $0 % 7 + 1) : "rare\($0)" }
        let index = InvertedIndex(documents: documents, analyzer: Self.plain)
        let list = try index.postingList(try #require(index.termIndex("common")))
        #expect(list.documents == (0..<1_000).filter { $0 % 3 == 0 }.map(UInt32.init))
        #expect(list.frequencies == list.documents.map { UInt32($0 % 7 + 1) })
        #expect(index.termCount == 1 + 666 && index.documentCount == 1_000)
    }

    @Test func analyzerAppliesToDocumentsAndQueries() throws {
        let index = InvertedIndex(documents: ["The runner was running", nil, "Cafés in Paris", "nothing here"], analyzer: try TextAnalyzer())
        #expect(try index.search("runs", k: 10).map(\.id) == [0])
        #expect(try index.search("CAFE", k: 10).map(\.id) == [2])
        #expect(try index.search("the", k: 10).isEmpty)  // a stop word: no term at all
        #expect(try index.search("paris unknownword", k: 10, match: .all).isEmpty)
        #expect(try index.search("paris unknownword", k: 10, match: .any).map(\.id) == [2])
        #expect(throws: StrataError.self) { try index.search("paris", k: 0) }
    }

    @Test func blocksRoundTripAndDamageIsCaught() throws {
        var rng = SeededRandom(seed: 8)
        for _ in 0..<200 {
            let count = Int.random(in: 1...128, using: &rng)
            var documents: [UInt32] = [], next = UInt32.random(in: 0..<50, using: &rng)
            for _ in 0..<count {
                documents.append(next)
                next += UInt32.random(in: 1...(Bool.random(using: &rng) ? 3 : 70_000), using: &rng)
            }
            let frequencies = (0..<count).map { _ in UInt32.random(in: 1...(Bool.random(using: &rng) ? 4 : 1 << 20), using: &rng) }
            let previous: UInt32? = documents[0] > 0 && Bool.random(using: &rng) ? documents[0] - 1 : nil
            var bytes: [UInt8] = []
            PostingsBlock.encode(documents: documents[...], frequencies: frequencies[...], after: previous, into: &bytes)
            let decoded = try Self.decode(bytes, after: previous, documentCount: Int(next)).get()
            #expect(decoded.end == bytes.count && decoded.documents == documents && decoded.frequencies == frequencies)
            // Cut short, an over-wide width, or ids at or beyond the document count: errors, never traps.
            for damaged in [Array(bytes.dropLast()), [bytes[0], 33] + bytes.dropFirst(2)] {
                if case .success = Self.decode(damaged, after: previous, documentCount: Int(next)) { Issue.record("damage not caught") }
            }
            if case .success = Self.decode(bytes, after: previous, documentCount: Int(documents.last!)) { Issue.record("id beyond the count not caught") }
        }
    }
}
