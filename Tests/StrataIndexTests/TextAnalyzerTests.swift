import Foundation
import StrataCore
@testable import StrataIndex
import Testing
import TestSupport

@Suite struct TextAnalyzerTests {
    static func terms(_ text: String, _ settings: [String: String] = [:]) throws -> [String] {
        try TextAnalyzer(options: TextAnalyzerOptions(settings: settings)).analyze(text).map(\.term)
    }

    /// spec/indexes.md §7.1's table and stop-word list are what the API does.
    @Test func defaultsAreTheSpecTable() throws {
        let spec = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../spec/indexes.md").standardized, encoding: .utf8)
        let section = try #require(spec.components(separatedBy: "### 7.1").dropFirst().first)
        var defaults: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            defaults[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1]
        }
        #expect(defaults.keys.sorted() == ["ascii_folding", "cjk", "lowercase", "max_token_length", "stemmer", "stop_words"])
        #expect(try TextAnalyzerOptions(settings: defaults) == TextAnalyzerOptions())
        let listed = try #require(section.components(separatedBy: "English stop words are Snowball's \(TextAnalyzer.englishStopWords.count): ").dropFirst().first)
        let words = listed.components(separatedBy: ". ")[0].replacingOccurrences(of: "\n", with: " ")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(Set(words) == TextAnalyzer.englishStopWords && words.count == TextAnalyzer.englishStopWords.count)
    }

    @Test func wordsPositionsStopWordsAndStems() throws {
        let analyzer = try TextAnalyzer()
        #expect(analyzer.analyze("The Quick brown-fox's 2 jumps!") == [
            AnalyzedToken(term: "quick", position: 1), AnalyzedToken(term: "brown", position: 2),
            AnalyzedToken(term: "fox", position: 3), AnalyzedToken(term: "s", position: 4),
            AnalyzedToken(term: "2", position: 5), AnalyzedToken(term: "jump", position: 6),
        ])
        #expect(try Self.terms("Connections connected CONNECTING") == ["connect", "connect", "connect"])
        #expect(try Self.terms("error_code=E42 v2.0") == ["error", "code", "e42", "v2", "0"])
        #expect(try Self.terms("  \n\t ,;  ").isEmpty)
        #expect(try Self.terms("emoji 🙂 banana") == ["emoji", "banana"])
    }

    @Test func stopWordsCanBeOffOrCustom() throws {
        #expect(try Self.terms("the cat and the hat", ["stop_words": "none", "stemmer": "none"]) == ["the", "cat", "and", "the", "hat"])
        let custom = try TextAnalyzer(options: TextAnalyzerOptions(settings: ["stop_words": "Cat, HAT", "stemmer": "none"]))
        #expect(custom.analyze("the cat and the hat").map(\.position) == [0, 2, 3])
    }

    @Test func foldingKeepsOtherScripts() throws {
        let plain = ["stemmer": "none"]
        #expect(try Self.terms("Café Straße Łódź naïve ÆON œuvre", plain) == ["cafe", "strasse", "lodz", "naive", "aeon", "oeuvre"])
        #expect(try Self.terms("йод Ελλάδα", plain) == ["йод", "ελλαδα"].map { $0 == "ελλαδα" ? "ελλάδα" : $0 })
        #expect(try Self.terms("Café", ["stemmer": "none", "ascii_folding": "false"]) == ["café"])
        #expect(try Self.terms("Café", ["stemmer": "none", "lowercase": "false"]) == ["Cafe"])
    }

    @Test func overlongWordsAreDroppedButKeepTheirPlace() throws {
        let analyzer = try TextAnalyzer(options: TextAnalyzerOptions(settings: ["max_token_length": "5"]))
        #expect(analyzer.analyze("tiny enormous word") == [AnalyzedToken(term: "tini", position: 0), AnalyzedToken(term: "word", position: 2)])
    }

    @Test func cjkRunsBecomeBigramsOrCharacters() throws {
        #expect(try TextAnalyzer().analyze("東京都に住む") == ["東京", "京都", "都に", "に住", "住む"].enumerated().map {
            AnalyzedToken(term: $1, position: $0)
        })
        #expect(try Self.terms("東京都", ["cjk": "unigram"]) == ["東", "京", "都"])
        #expect(try TextAnalyzer().analyze("iPhone発売 the 日") == [
            AnalyzedToken(term: "iphon", position: 0), AnalyzedToken(term: "発売", position: 1), AnalyzedToken(term: "日", position: 3),
        ])
    }

    @Test func otherLanguagesStem() throws {
        #expect(try Self.terms("Häuser", ["stemmer": "german", "stop_words": "none"]) == ["haus"])
        #expect(try Self.terms("continuation", ["stemmer": "french", "stop_words": "none"]) == ["continu"])
        // Found by FuzzText: French stems an upper-case "H" to nothing; the word stays.
        #expect(try Self.terms("H", ["stemmer": "french", "lowercase": "false"]) == ["H"])
    }

    @Test func badSettingsAreTypedErrors() {
        for settings in [["stemmer": "klingon"], ["max_token_length": "0"], ["max_token_length": "x"], ["cjk": "trigram"],
                         ["lowercase": "yes"], ["colour": "blue"]] {
            #expect(throws: StrataError.self) { try TextAnalyzer(options: TextAnalyzerOptions(settings: settings)) }
        }
    }

    /// Against an independent reference on random ASCII text (no stemming: the reference
    /// would have to be Snowball itself).
    @Test func matchesAReferenceOnRandomText() throws {
        var rng = SeededRandom(seed: 9)
        let alphabet = Array("abcXYZ019 _-.,'!\n")
        let analyzer = try TextAnalyzer(options: TextAnalyzerOptions(settings: ["stemmer": "none", "max_token_length": "6"]))
        for _ in 0..<300 {
            let text = String((0..<Int.random(in: 0..<60, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            var expected: [AnalyzedToken] = []
            let words = text.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            for (position, word) in words.enumerated() {
                let term = word.lowercased()
                if !TextAnalyzer.englishStopWords.contains(term) && term.utf8.count <= 6 { expected.append(AnalyzedToken(term: term, position: position)) }
            }
            #expect(analyzer.analyze(text) == expected, "\(text.debugDescription)")
        }
    }

    /// ASCII text takes a byte-wise path: it must give what the scalar path gives, stems,
    /// stop words, case and length limits included.
    @Test func theASCIIPathAgreesWithTheUnicodePath() throws {
        var rng = SeededRandom(seed: 11)
        let alphabet = Array("abcdeingsRTXYZ019 _-.,'!\n\t")
        for settings in [[:], ["lowercase": "false"], ["stemmer": "none", "max_token_length": "4"], ["stop_words": "none", "stemmer": "porter"]] {
            let analyzer = try TextAnalyzer(options: TextAnalyzerOptions(settings: settings))
            for _ in 0..<300 {
                let text = String((0..<Int.random(in: 0..<80, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
                #expect(analyzer.analyze(text) == analyzer.analyzeUnicode(text), "\(settings) \(text.debugDescription)")
            }
            for text in ["The Running dogs AND the cats", "is it", "Connected123 networks, running-fast"] {
                #expect(analyzer.analyze(text) == analyzer.analyzeUnicode(text))
            }
        }
    }

    @Test func concurrentCallsAgree() async throws {
        let analyzer = try TextAnalyzer()
        let text = "Running runners ran quickly through connected networks"
        let expected = analyzer.analyze(text)
        try await withThrowingTaskGroup(of: [AnalyzedToken].self) { group in
            for _ in 0..<8 { group.addTask { (0..<200).map { _ in analyzer.analyze(text) }.last! } }
            for try await result in group { #expect(result == expected) }
        }
    }
}
