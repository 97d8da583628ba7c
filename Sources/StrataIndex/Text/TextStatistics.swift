import StrataCore

/// The collection statistics BM25 scores with (`spec/indexes.md` §7.2): the number of live
/// documents, their total length and, for each term a query uses, how many live documents
/// hold it. A collection split over several indexes — a table's segments and its rows not
/// yet indexed — scores every part with the statistics of the whole, so that a document's
/// score does not depend on which part holds it, nor change when parts are merged.
public struct TextStatistics: Sendable, Equatable {
    /// Live documents of the whole collection.
    public var documentCount: Int
    /// Their total length in terms.
    public var totalLength: UInt64
    /// Live documents holding each term (terms of no document may be absent).
    public var documentFrequencies: [String: Int]
    /// For each prefix clause (by its text as written), the terms it expands to over the
    /// whole collection: the first `InvertedIndex.prefixExpansions` starting with it.
    public var prefixTerms: [String: [String]]

    /// Statistics with the given counts.
    public init(documentCount: Int = 0, totalLength: UInt64 = 0, documentFrequencies: [String: Int] = [:],
                prefixTerms: [String: [String]] = [:]) {
        self.documentCount = documentCount
        self.totalLength = totalLength
        self.documentFrequencies = documentFrequencies
        self.prefixTerms = prefixTerms
    }

    /// Mean document length (0 without documents).
    public var averageLength: Double { documentCount > 0 ? Double(totalLength) / Double(documentCount) : 0 }

    /// The statistics of the collection made of `parts` — each an index and its live ids
    /// (nil: all) — for the terms `query` uses. Every part must share one analyzer.
    /// - Complexity: O(1) per term of a part without dead ids; with dead ids, a walk of the
    ///   term's postings and of the document lengths.
    public static func collect(_ query: TextQuery, over parts: [(index: InvertedIndex, live: IDBitset?)]) throws(StrataError) -> TextStatistics {
        guard let analyzer = parts.first?.index.analyzer else { return TextStatistics() }
        var terms: [String] = []
        var expansions: [String: [String]] = [:]
        for (_, clause) in query.clauses {
            switch clause {
            case let .term(text), let .phrase(text):
                terms += analyzer.analyze(text).map(\.term)
            case let .prefix(text):
                // The collection's first expansions are, in each part holding them, among
                // that part's first ones: their union, cut, is the whole's.
                var union = Set<String>()
                for part in parts { union.formUnion(part.index.prefixTerms(text)) }
                let first = Array(union.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.prefix(InvertedIndex.prefixExpansions))
                expansions[text] = first
                terms += first
            }
        }
        var total = TextStatistics(prefixTerms: expansions)
        let distinct = Array(Set(terms))
        for part in parts { total.add(try part.index.statistics(of: distinct, live: part.live)) }
        return total
    }

    /// Adds another part's document counts, lengths and frequencies.
    mutating func add(_ other: TextStatistics) {
        documentCount += other.documentCount
        totalLength += other.totalLength
        documentFrequencies.merge(other.documentFrequencies, uniquingKeysWith: +)
    }
}

extension InvertedIndex {
    /// The first `prefixExpansions` dictionary terms starting with `prefix` lower-cased and
    /// folded as the analyzer's settings say (not stemmed).
    public func prefixTerms(_ prefix: String) -> [String] {
        let normalized = TextAnalyzer.normalize(prefix, options: analyzer.options)
        guard !normalized.isEmpty else { return [] }
        var index = lowerBound(normalized), found: [String] = []
        while index < terms.count && terms[index].utf8.starts(with: normalized.utf8) && found.count < Self.prefixExpansions {
            found.append(terms[index])
            index += 1
        }
        return found
    }

    /// This index's share of the statistics: its live documents (`live`, nil: all), their
    /// length, and how many of them hold each of `terms`.
    /// - Throws: `.corruption` for damaged postings.
    public func statistics(of terms: [String], live: IDBitset?) throws(StrataError) -> TextStatistics {
        var result = TextStatistics()
        guard let live else {
            result.documentCount = documentCount
            result.totalLength = totalLength
            for term in terms { if let entry = termIndex(term) { result.documentFrequencies[term] = Int(documentFrequencies[entry]) } }
            return result
        }
        for id in live.members where Int(id) < documentCount {
            result.documentCount += 1
            result.totalLength += UInt64(documentLengths[Int(id)])
        }
        for term in terms {
            guard let entry = termIndex(term) else { continue }
            var cursor = try PostingCursor(self, term: entry)
            var count = 0
            while cursor.document != PostingCursor.end {
                if live.contains(cursor.document) { count += 1 }
                try cursor.next()
            }
            if count > 0 { result.documentFrequencies[term] = count }
        }
        return result
    }

    /// How this index scores: with its own statistics, or a whole collection's.
    func scoring(_ statistics: TextStatistics?) -> Scoring {
        Scoring(statistics: statistics, averageLength: statistics?.averageLength ?? averageLength,
                documentCount: statistics?.documentCount ?? documentCount)
    }

    /// A cursor over dictionary entry `term` scoring with `scoring`'s idf, its block bounds
    /// raised to stay bounds under those statistics.
    func cursor(_ term: Int, _ scoring: Scoring, slot: Int = 0, weight: Double = 1) throws(StrataError) -> PostingCursor {
        guard let statistics = scoring.statistics else { return try PostingCursor(self, term: term, slot: slot, weight: weight) }
        let own = BM25Parameters.idf(documentFrequency: Int(documentFrequencies[term]), documents: documentCount)
        let df = statistics.documentFrequencies[terms[term]] ?? Int(documentFrequencies[term])
        let idf = BM25Parameters.idf(documentFrequency: df, documents: statistics.documentCount)
        // A posting's tf part, tf·(k1+1)/(tf + k1·(1 − b + b·|d|/avgdl)), grows at most by
        // avgdl'/avgdl when the mean length grows to avgdl' (and never when it shrinks), and
        // its idf part scales by idf'/idf: so the stored bounds, scaled by both, still bound.
        let lengthScale = averageLength > 0 ? max(1, scoring.averageLength / averageLength) : 1
        return try PostingCursor(self, term: term, idf: idf, boundScale: (own > 0 ? idf / own * lengthScale : .infinity) * weight, slot: slot, weight: weight)
    }
}

/// The statistics one search scores with.
struct Scoring {
    /// A whole collection's, or nil for the index's own.
    let statistics: TextStatistics?
    let averageLength: Double
    let documentCount: Int
}
