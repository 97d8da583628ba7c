import StrataCore

extension InvertedIndex {
    /// The `k` documents holding `phrase` — its words in order, with the gaps its dropped
    /// words leave — best first by BM25 with the phrase's occurrences as its frequency and
    /// the sum of its terms' idf as its idf (as Lucene scores phrases); ties: lower id first.
    /// A phrase of one term is that term's search. Only ids in `allowed` qualify.
    /// `statistics`: as for `search`.
    /// - Throws: `.invalidInput` when k < 1.
    public func searchPhrase(_ phrase: String, k: Int, allowed: IDBitset? = nil, statistics: TextStatistics? = nil) throws(StrataError) -> [TextHit] {
        guard k >= 1 else { throw .invalidInput(what: "k", why: "must be at least 1, got \(k)") }
        var collector = TopKCollector(k: k)
        try collectPhrase(phrase, scoring(statistics), allowed: allowed, into: &collector, pruning: true)
        return collector.results()
    }

    /// Every document holding `phrase`, with its phrase score (see `searchPhrase`).
    func phraseMatches(_ phrase: String, _ scoring: Scoring) throws(StrataError) -> [TextHit] {
        var collector = TopKCollector(k: Int.max)
        try collectPhrase(phrase, scoring, allowed: nil, into: &collector, pruning: false)
        return collector.results()
    }

    /// Offers every allowed document holding `phrase` to `collector`, in id order. With
    /// `pruning`, a document is skipped without reading its positions once the collector is
    /// full and even the phrase frequency its terms' counts allow could not beat the k-th
    /// best: the score grows with the frequency, and each match starts at its own position of
    /// every term, so there are no more matches than the least of the terms' counts.
    func collectPhrase(_ phrase: String, _ scoring: Scoring, allowed: IDBitset?, into collector: inout TopKCollector, pruning: Bool) throws(StrataError) {
        let tokens = analyzer.analyze(phrase)
        guard let first = tokens.first else { return }
        var distinct: [Int] = [], slots: [Int] = []  // dictionary entries; each token's place among them
        for token in tokens {
            guard let term = termIndex(token.term) else { return }
            if let slot = distinct.firstIndex(of: term) { slots.append(slot) } else {
                slots.append(distinct.count)
                distinct.append(term)
            }
        }
        let offsets = tokens.map { UInt32($0.position - first.position) }
        let repeats = distinct.indices.map { slot in UInt32(slots.filter { $0 == slot }.count) }
        var cursors: [PostingCursor] = []
        for term in distinct { cursors.append(try cursor(term, scoring)) }
        let idf = cursors.indices.reduce(0.0) { $0 + cursors[$1].idf * Double(repeats[$1]) }
        let order = cursors.indices.sorted { cursors[$0].count < cursors[$1].count }
        var positions = [[UInt32]](repeating: [], count: cursors.count)
        let average = scoring.averageLength
        var candidate = cursors[order[0]].document
        search: while candidate != PostingCursor.end {
            for i in order.dropFirst() {
                try cursors[i].advance(to: candidate)
                if cursors[i].document != candidate {
                    try cursors[order[0]].advance(to: cursors[i].document)
                    candidate = cursors[order[0]].document
                    continue search
                }
            }
            let length = documentLengths[Int(candidate)]
            var worthReading = allowed?.contains(candidate) ?? true
            if worthReading && pruning && collector.isFull {
                var most = UInt32.max
                for i in cursors.indices { most = min(most, cursors[i].frequency) }
                worthReading = most > 0 && bm25.termScore(idf: idf, frequency: most, length: length, averageLength: average) > collector.threshold
            }
            if worthReading {
                for i in cursors.indices { try cursors[i].positions(into: &positions[i]) }
                let occurrences = Self.phraseCount(positions, slots: slots, offsets: offsets)
                if occurrences > 0 {
                    collector.offer(TextHit(id: candidate, score: bm25.termScore(idf: idf, frequency: UInt32(occurrences), length: length, averageLength: average)))
                }
            }
            try cursors[order[0]].next()
            candidate = cursors[order[0]].document
        }
    }

    /// How many starts p put every token i at p + offsets[i] among its term's positions.
    static func phraseCount(_ positions: [[UInt32]], slots: [Int], offsets: [UInt32]) -> Int {
        var count = 0
        for start in positions[slots[0]] {
            var all = true
            for i in slots.indices.dropFirst() {
                let (wanted, overflow) = start.addingReportingOverflow(offsets[i])
                if overflow || !Self.contains(positions[slots[i]], wanted) {
                    all = false
                    break
                }
            }
            if all { count += 1 }
        }
        return count
    }

    /// Binary search in ascending positions.
    private static func contains(_ sorted: [UInt32], _ value: UInt32) -> Bool {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low] == value
    }
}
