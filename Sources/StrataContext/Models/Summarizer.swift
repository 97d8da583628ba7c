import StrataCore
import StrataIndex

/// Writes the L0 summary of a session or a document from its L1 chunks (spec/context.md §5).
public protocol Summarizer: Sendable {
    /// The summary of `texts` (the target's chunks, in time order), at most about
    /// `maxCharacters` long.
    func summarize(_ texts: [String], maxCharacters: Int) async throws(StrataError) -> String
}

/// The built-in summariser: extractive, deterministic, no model. It scores each sentence by
/// the mean weight of its words, a word weighing its frequency across the whole target
/// (after the default analyser: lower-cased, stop words dropped, stemmed), keeps the best
/// sentences that fit in `maxCharacters` in their original order, and appends the target's
/// most frequent terms (stemmed, as the index holds them) as "Keywords:", so the summary's full-text index covers the target's
/// main terms. It picks sentences; it does not write new ones.
public struct ExtractiveSummarizer: Summarizer {
    /// How many keywords follow the sentences.
    public var keywordCount: Int

    /// A summariser appending `keywordCount` keywords.
    public init(keywordCount: Int = 24) {
        self.keywordCount = keywordCount
    }

    public func summarize(_ texts: [String], maxCharacters: Int) async throws(StrataError) -> String {
        let analyzer = try TextAnalyzer()
        var sentences: [(text: String, terms: [String])] = []
        var frequency: [String: Int] = [:]
        for text in texts {
            let characters = Array(text)
            for range in Chunker.sentences(characters) {
                let sentence = String(characters[range]).trimmingWhitespace()
                guard !sentence.isEmpty else { continue }
                let terms = analyzer.analyze(sentence).map(\.term)
                for term in terms { frequency[term, default: 0] += 1 }
                sentences.append((sentence, terms))
            }
        }
        guard !sentences.isEmpty else { return "" }
        let scored = sentences.indices.map { i -> (Int, Double) in
            let terms = sentences[i].terms
            let weight = terms.isEmpty ? 0 : Double(terms.reduce(0) { $0 + frequency[$1, default: 0] }) / Double(terms.count).squareRoot()
            return (i, weight)
        }
        let budget = max(1, maxCharacters)
        var chosen: [Int] = []
        var used = 0
        for (i, _) in scored.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }) {
            let length = sentences[i].text.count + 1
            if used + length > budget { continue }
            chosen.append(i)
            used += length
        }
        if chosen.isEmpty { chosen = [0] }
        var summary = chosen.sorted().map { sentences[$0].text }.joined(separator: " ")
        if summary.count > budget { summary = String(summary.prefix(budget)) }
        let keywords = frequency.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(keywordCount).map(\.key)
        if !keywords.isEmpty { summary += "\nKeywords: " + keywords.joined(separator: ", ") }
        return summary
    }
}
