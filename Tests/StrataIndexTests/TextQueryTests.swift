import Foundation
import StrataCore
@testable import StrataIndex
import Testing
import TestSupport

@Suite struct TextQueryTests {
    @Test func syntax() throws {
        #expect(try TextQuery.parse(#"rust +memory -leak "garbage collector" alloc*"#) == TextQuery(clauses: [
            (.should, .term("rust")), (.must, .term("memory")), (.mustNot, .term("leak")),
            (.should, .phrase("garbage collector")), (.should, .prefix("alloc")),
        ]))
        #expect(try TextQuery.parse("a AND b OR c NOT d -\"e f\"") == TextQuery(clauses: [
            (.must, .term("a")), (.must, .term("b")), (.should, .term("c")), (.mustNot, .term("d")), (.mustNot, .phrase("e f")),
        ]))
        #expect(try TextQuery.parse("   ") == TextQuery(clauses: []))
        for bad in [#""unclosed"#, "AND x", "x AND", "x NOT", "+", "- x", "*", "a**"] {
            #expect(throws: StrataError.self, "\(bad)") { try TextQuery.parse(bad) }
        }
    }

    /// Must, should, must-not and prefix clauses against a reference built from the split text.
    @Test func booleanQueriesMatchAReference() throws {
        let documents = InvertedIndexTests.corpus(800, seed: 41)
        let index = InvertedIndex(documents: documents, analyzer: InvertedIndexTests.plain)
        let words = documents.map { $0?.split(separator: " ").map(String.init) ?? [] }
        let vocabulary = Set(words.joined())
        let n = Double(words.count), average = Double(words.reduce(0) { $0 + $1.count }) / n
        var frequencies: [String: Double] = [:]
        for document in words { for word in Set(document) { frequencies[word, default: 0] += 1 } }
        func bm25(_ term: String, _ document: [String]) -> Double? {
            let tf = Double(document.filter { $0 == term }.count)
            guard tf > 0 else { return nil }
            let df = frequencies[term]!
            let norm: Double = 1 - 0.75 + 0.75 * Double(document.count) / average
            return log(1 + (n - df + 0.5) / (df + 0.5)) * tf * 2.2 / (tf + 1.2 * norm)
        }
        func clauseScore(_ clause: TextQuery.Clause, _ document: [String]) -> Double? {
            switch clause {
            case let .term(t): return bm25(t, document)
            case let .prefix(p):
                let expanded = vocabulary.filter { $0.hasPrefix(p) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.prefix(InvertedIndex.prefixExpansions)
                let scores = expanded.compactMap { bm25($0, document) }
                return scores.isEmpty ? nil : scores.reduce(0, +)
            case .phrase: return nil
            }
        }
        var rng = SeededRandom(seed: 42)
        for round in 0..<60 {
            var clauses: [(occur: TextQuery.Occur, clause: TextQuery.Clause)] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let occur: TextQuery.Occur = [.should, .should, .must, .mustNot][Int.random(in: 0..<4, using: &rng)]
                let clause: TextQuery.Clause = Bool.random(using: &rng) && round % 2 == 0
                    ? .prefix("w\(Int.random(in: 1...9, using: &rng))") : .term("w\(Int.random(in: 1...25, using: &rng))")
                clauses.append((occur, clause))
            }
            let query = TextQuery(clauses: clauses)
            var expected: [TextHit] = []
            let must = clauses.filter { $0.occur == .must }, should = clauses.filter { $0.occur == .should }
            for (id, document) in words.enumerated() {
                let mustScores = must.map { clauseScore($0.clause, document) }, shouldScores = should.map { clauseScore($0.clause, document) }
                guard mustScores.allSatisfy({ $0 != nil }), !clauses.contains(where: { $0.occur == .mustNot && clauseScore($0.clause, document) != nil }),
                      !must.isEmpty || shouldScores.contains(where: { $0 != nil }) else { continue }
                expected.append(TextHit(id: UInt32(id), score: (mustScores + shouldScores).compactMap { $0 }.reduce(0, +)))
            }
            expected.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
            let found = try index.search(query, k: 15)
            #expect(InvertedIndexTests.agree(found, Array(expected.prefix(15))), "\(clauses)")
        }
    }

    /// Queries the fast paths take — words that all should or all must match (repeats and
    /// stop words included), a lone phrase — give exactly what scoring every clause gives.
    @Test func fastPathsEqualExhaustiveScoring() throws {
        var rng = SeededRandom(seed: 21)
        let words = ["state", "states", "stated", "the", "fox", "foxes", "run", "running", "ran", "blue", "zebra"]
        let documents: [String?] = (0..<400).map { _ in
            (0..<Int.random(in: 0...14, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
        }
        let index = InvertedIndex(documents: documents, analyzer: try TextAnalyzer())
        for _ in 0..<200 {
            let picked = (0..<Int.random(in: 1...5, using: &rng)).map { _ in words.randomElement(using: &rng)! }
            let text: String
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: text = picked.joined(separator: " ")
            case 1: text = picked.map { "+" + $0 }.joined(separator: " ")
            default: text = "\"" + picked.joined(separator: " ") + "\""
            }
            let query = try TextQuery.parse(text)
            let scoring = index.scoring(nil)
            var clauses: [(occur: TextQuery.Occur, matches: [UInt32: Double])] = []
            for (occur, clause) in query.clauses { clauses.append((occur, try index.clauseMatches(clause, scoring))) }
            let k = Int.random(in: 1...12, using: &rng)
            let fast = try index.search(query, k: k), exhaustive = InvertedIndex.best(of: clauses, k: k, allowed: nil)
            #expect(fast == exhaustive, "\(text) k \(k): \(fast) against \(exhaustive)")
        }
    }

    @Test func phraseAndTermClausesAgreeWithTheirSearches() throws {
        let index = InvertedIndex(documents: InvertedIndexTests.corpus(300, seed: 43), analyzer: InvertedIndexTests.plain)
        #expect(try index.search(TextQuery.parse(#""w2 w3""#), k: 20) == index.searchPhrase("w2 w3", k: 20))
        #expect(try index.search(TextQuery.parse("w2 w3"), k: 20) == index.search("w2 w3", k: 20))
        #expect(try index.search(TextQuery.parse("+w2 +w3"), k: 20) == index.search("w2 w3", k: 20, match: .all))
        #expect(try index.search(TextQuery.parse("-w2"), k: 20).isEmpty)
    }
}

@Suite struct MultiFieldTextIndexTests {
    static let titles: [String?] = ["rust memory", "garbage collector", nil, "memory leak", "fast allocator", "rust"]
    static let bodies: [String?] = ["the borrow checker frees memory", "rust has no collector", "memory everywhere", nil, "rust allocator speed", "memory"]

    @Test func boostedColumnsSumAndClausesMatchAcrossColumns() throws {
        let analyzer = try TextAnalyzer()
        let title = InvertedIndex(documents: Self.titles, analyzer: analyzer), body = InvertedIndex(documents: Self.bodies, analyzer: analyzer)
        let both = try MultiFieldTextIndex(fields: [("title", title, 2.0), ("body", body, 0.5)])
        // One word: 2 × its title score + 0.5 × its body score, from each column's own search.
        let titleScores = Dictionary(uniqueKeysWithValues: try title.search("memory", k: 100).map { ($0.id, $0.score) })
        let bodyScores = Dictionary(uniqueKeysWithValues: try body.search("memory", k: 100).map { ($0.id, $0.score) })
        let expected = Set(titleScores.keys).union(bodyScores.keys).map { id in
            TextHit(id: id, score: 2 * (titleScores[id] ?? 0) + 0.5 * (bodyScores[id] ?? 0))
        }.sorted { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
        #expect(InvertedIndexTests.agree(try both.search(TextQuery.parse("memory"), k: 100), expected))
        // "+rust +collector": document 1 has collector in its title and rust in its body only.
        #expect(try both.search(TextQuery.parse("+rust +collector"), k: 10).map(\.id) == [1])
        #expect(try title.search(TextQuery.parse("+rust +collector"), k: 10).isEmpty)
        #expect(try both.search(TextQuery.parse("rust -memory"), k: 10).map(\.id).sorted() == [1, 4])
    }

    @Test func badFieldsAreTypedErrors() throws {
        let analyzer = try TextAnalyzer()
        let a = InvertedIndex(documents: ["x"], analyzer: analyzer), b = InvertedIndex(documents: ["x", "y"], analyzer: analyzer)
        #expect(throws: StrataError.self) { try MultiFieldTextIndex(fields: []) }
        #expect(throws: StrataError.self) { try MultiFieldTextIndex(fields: [("a", a, 1), ("a", a, 1)]) }
        #expect(throws: StrataError.self) { try MultiFieldTextIndex(fields: [("a", a, 1), ("b", b, 1)]) }
        #expect(throws: StrataError.self) { try MultiFieldTextIndex(fields: [("a", a, -1)]) }
        #expect(throws: StrataError.self) { try MultiFieldTextIndex(fields: [("a", a, .nan)]) }
    }
}
