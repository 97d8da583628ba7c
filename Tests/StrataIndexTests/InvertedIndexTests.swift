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

    /// Batches analysed on every core give the very file documents added one at a time give.
    @Test func batchesAnalysedInParallelBuildTheSameIndex() throws {
        var rng = SeededRandom(seed: 31)
        let words = ["alpha", "beta", "gamma", "delta", "running", "runs", "Café", "東京都", "x1", "zeta"]
        let documents: [String?] = (0..<1_500).map { i in
            i % 37 == 0 ? nil : (0..<Int.random(in: 0...20, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
        }
        let analyzer = try TextAnalyzer()
        let sequential = InvertedIndex(documents: documents, analyzer: analyzer)
        var builder = InvertedIndex.Builder(analyzer: analyzer)
        var start = 0
        for size in [1, 300, 129, 5, 600, 465] {
            let batch = Array(documents[start..<(start + size)])
            if size == 1 { builder.add(batch[0]) } else { builder.add(contentsOf: batch) }
            start += size
        }
        #expect(start == documents.count)
        #expect(builder.build().encoded() == sequential.encoded())
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
        let scored = try index.collect(index.queryTerms(common.joined(separator: " ")), k: 1, match: .any, allowed: nil, scoring: index.scoring(nil)).offered
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

    @Test func phrasesFollowWordOrderAndGaps() throws {
        let index = InvertedIndex(documents: ["the quick brown fox", "brown quick fox", "quick brown quick brown", "a quick red brown fox",
                                              "fox and the hound", nil], analyzer: try TextAnalyzer())
        #expect(try index.searchPhrase("quick brown", k: 10).map(\.id) == [2, 0])  // two occurrences rank first
        #expect(try index.searchPhrase("Quick  BROWN fox", k: 10).map(\.id) == [0])
        #expect(try index.searchPhrase("fox of a hound", k: 10).map(\.id) == [4])  // stop words keep their places
        #expect(try index.searchPhrase("fox hound", k: 10).isEmpty)
        #expect(try index.searchPhrase("quick zebra", k: 10).isEmpty)
        #expect(try index.searchPhrase("the", k: 10).isEmpty)
        #expect(try Set(index.searchPhrase("fox", k: 10).map(\.id)) == [0, 1, 3, 4])
    }

    /// Phrases against a reference that counts word sequences in the split text and scores
    /// them with the phrase idf (sum over its words) and the occurrences as frequency.
    @Test func phrasesMatchAReference() throws {
        var rng = SeededRandom(seed: 21)
        let documents: [String?] = (0..<900).map { _ in
            (0..<Int.random(in: 0..<25, using: &rng)).map { _ in "v\(Int.random(in: 0..<12, using: &rng))" }.joined(separator: " ")
        }
        let index = InvertedIndex(documents: documents, analyzer: Self.plain)
        let words = documents.map { $0?.split(separator: " ").map(String.init) ?? [] }
        let n = Double(words.count), average = Double(words.reduce(0) { $0 + $1.count }) / n
        for round in 0..<40 {
            let phrase = (0..<Int.random(in: 2...3, using: &rng)).map { _ in "v\(Int.random(in: 0..<12, using: &rng))" }
            var idf = 0.0
            for word in phrase {
                let df = Double(words.filter { $0.contains(word) }.count)
                idf += log(1 + (n - df + 0.5) / (df + 0.5))
            }
            var expected: [TextHit] = []
            for (id, document) in words.enumerated() where document.count >= phrase.count {
                let count = (0...(document.count - phrase.count)).filter { Array(document[$0..<($0 + phrase.count)]) == phrase }.count
                guard count > 0 else { continue }
                let tf = Double(count), norm: Double = 1 - 0.75 + 0.75 * Double(document.count) / average
                expected.append(TextHit(id: UInt32(id), score: idf * tf * 2.2 / (tf + 1.2 * norm)))
            }
            expected.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
            let k = [5, 1_000][round % 2]
            #expect(Self.agree(try index.searchPhrase(phrase.joined(separator: " "), k: k), Array(expected.prefix(k))), "phrase \(phrase)")
        }
    }

    @Test func positionsSurviveBlocksAndDamageIsCaught() throws {
        let documents: [String?] = (0..<400).map { i in (0..<(i % 9 + 2)).map { $0 % 3 == 0 ? "x" : "y\($0)" }.joined(separator: " ") }
        let index = InvertedIndex(documents: documents, analyzer: Self.plain)
        var cursor = try PostingCursor(index, term: try #require(index.termIndex("x")))
        var positions: [UInt32] = []
        while cursor.document != PostingCursor.end {
            try cursor.positions(into: &positions)
            #expect(positions == stride(from: 0, to: Int(cursor.document) % 9 + 2, by: 3).map(UInt32.init))
            try cursor.next()
        }
        var bytes: [UInt8] = []
        PositionCoding.append([0, 1, 300, 70_000, UInt32.max], to: &bytes)
        // Cut short, or a sixth number longer than five bytes: errors, never traps.
        for (damaged, count) in [(Array(bytes.dropLast()), 5), (bytes + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], 6)] {
            let result = damaged.withUnsafeBytes { (raw) -> Result<Int, StrataError> in
                var out: [UInt32] = []
                do throws(StrataError) { return .success(try PositionCoding.read(count, in: raw, at: 0, path: "t", into: &out)) } catch { return .failure(error) }
            }
            if case .success = result { Issue.record("damaged positions not caught") }
        }
        let good = bytes.withUnsafeBytes { (raw) -> [UInt32]? in
            var out: [UInt32] = []
            do throws(StrataError) { _ = try PositionCoding.read(5, in: raw, at: 0, path: "t", into: &out); return out } catch { return nil }
        }
        #expect(good == [0, 1, 300, 70_000, UInt32.max])
    }
}

extension InvertedIndexTests {
    @Test func positionsCanBeReadTwice() throws {
        let index = InvertedIndex(documents: ["a b a", "b a b a"], analyzer: Self.plain)
        var cursor = try PostingCursor(index, term: try #require(index.termIndex("a")))
        try cursor.next()
        var first: [UInt32] = [], again: [UInt32] = []
        try cursor.positions(into: &first)
        try cursor.positions(into: &again)
        #expect(first == [1, 3] && again == first)
    }
}
