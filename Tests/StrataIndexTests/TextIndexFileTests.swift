import Foundation
import StrataCore
@testable import StrataIndex
import Testing
import TestSupport

@Suite struct TextIndexFileTests {
    static let documents = InvertedIndexTests.corpus(700, seed: 31) + ["Cafés and running shoes", "東京都に住む", nil]

    static func decode(_ bytes: [UInt8]) -> Result<InvertedIndex, StrataError> {
        do throws(StrataError) { return .success(try InvertedIndex(decoding: bytes, path: "t.sttx")) } catch { return .failure(error) }
    }

    @Test func reloadGivesTheSameIndexAndAnswers() throws {
        let options = try TextAnalyzerOptions(settings: ["stop_words": "w1,w2", "stemmer": "french", "max_token_length": "30"])
        let index = InvertedIndex(documents: Self.documents, analyzer: try TextAnalyzer(options: options), bm25: BM25Parameters(k1: 1.5, b: 0.6))
        let bytes = index.encoded()
        let reloaded = try Self.decode(bytes).get()
        #expect(reloaded.encoded() == bytes)
        #expect(reloaded.analyzer.options == options && reloaded.bm25 == BM25Parameters(k1: 1.5, b: 0.6))
        for query in ["w3 w5", "w4", "w7 w9 w11", "courir café", "東京"] {
            for match in InvertedIndex.Match.allCases {
                #expect(try reloaded.search(query, k: 10, match: match) == index.search(query, k: 10, match: match))
            }
            #expect(try reloaded.searchPhrase(query, k: 10) == index.searchPhrase(query, k: 10))
        }
        let empty = InvertedIndex(documents: [], analyzer: try TextAnalyzer())
        #expect(try Self.decode(empty.encoded()).get().encoded() == empty.encoded())
    }

    @Test func damageIsAnErrorNeverATrap() throws {
        let bytes = InvertedIndex(documents: Array(Self.documents.prefix(60)), analyzer: try TextAnalyzer()).encoded()
        var rng = SeededRandom(seed: 32)
        for _ in 0..<300 {
            var damaged = bytes
            let at = Int.random(in: 0..<damaged.count, using: &rng)
            damaged[at] ^= UInt8.random(in: 1...255, using: &rng)
            if case .success = Self.decode(damaged) { Issue.record("flipped byte \(at) not caught") }
        }
        for cut in [0, 10, 40, bytes.count / 2, bytes.count - 1] {
            if case .success = Self.decode(Array(bytes.prefix(cut))) { Issue.record("cut at \(cut) not caught") }
        }
    }

    /// Files whose checksums are right but whose structure is not: rebuilt section by
    /// section with one section replaced.
    @Test func inconsistentSectionsAreCorruption() throws {
        let index = InvertedIndex(documents: ["alpha beta", "beta gamma", "gamma delta alpha"], analyzer: InvertedIndexTests.plain)
        let good = try SectionedFile.Reader(index.encoded(), path: "t", magic: InvertedIndex.magic, version: InvertedIndex.formatVersion,
                                            what: "text index", knownSections: Set(TextIndexSection.allCases.map(\.rawValue)))
        func rebuilt(_ id: TextIndexSection, _ replacement: [UInt8]) -> [UInt8] {
            var writer = SectionedFile.Writer(magic: InvertedIndex.magic, version: InvertedIndex.formatVersion, fields: Array(good.fields))
            for section in TextIndexSection.allCases {
                let range = good.ranges[section.rawValue]!
                writer.sections.append((section.rawValue, [.bytes(section == id ? replacement : Array(good.bytes[range]))]))
            }
            return writer.finish()
        }
        var unsorted: [UInt8] = []
        for term in ["beta", "alpha", "delta", "gamma"] {
            PositionCoding.appendVarint(0, to: &unsorted)
            PositionCoding.appendVarint(UInt32(term.utf8.count), to: &unsorted)
            unsorted += Array(term.utf8)
        }
        func words(_ values: [UInt32]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } } }
        let cases: [(TextIndexSection, [UInt8])] = [
            (.dictionary, unsorted),
            (.settings, Array("bm25.b=0.75\nbm25.k1=1.2\ncolour=blue\n".utf8)),
            (.settings, Array("bm25.b=2\nbm25.k1=1.2\n".utf8)),
            (.termBlocks, words([0, 1, 1, 2, 3])),
            (.documentFrequencies, words([2, 2, 9, 2])),
            (.blockLastDocuments, words([0, 7, 2, 1])),
            (.documentLengths, words([2, 2])),
        ]
        #expect(try Self.decode(rebuilt(.settings, Array(good.bytes[good.ranges[TextIndexSection.settings.rawValue]!]))).get().encoded() == index.encoded())
        for (section, bytes) in cases {
            guard case let .failure(error) = Self.decode(rebuilt(section, bytes)) else {
                Issue.record("\(section) replacement not caught")
                continue
            }
            if case .corruption = error {} else { Issue.record("\(section): \(error)") }
        }
    }
}
