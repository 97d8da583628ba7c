import StrataCore

extension InvertedIndex {
    /// Most dictionary terms a prefix clause expands to (the first ones in order).
    static let prefixExpansions = 128

    /// The `k` best documents for a structured query (`TextQuery`): a document qualifies
    /// when it matches every `must` clause, no `mustNot` clause, and — with no `must`
    /// clause — at least one `should` clause; its score is the sum of its matching `must`
    /// and `should` clauses' scores (a term clause: BM25 of each of its terms; a phrase: §7.2;
    /// a prefix: BM25 of each expanded term it holds). Ties: lower id first.
    /// `statistics` (nil: this index's own) are those of a whole collection this index is
    /// part of (`TextStatistics.collect`). A query of single-word clauses that all should or
    /// all must match, each word a different term, runs as `search(_:k:match:)` does
    /// (block-max WAND or an intersection), a lone phrase as `searchPhrase`; any other is
    /// scored exhaustively.
    /// - Throws: `.invalidInput` when k < 1.
    public func search(_ query: TextQuery, k: Int, allowed: IDBitset? = nil, statistics: TextStatistics? = nil) throws(StrataError) -> [TextHit] {
        guard k >= 1 else { throw .invalidInput(what: "k", why: "must be at least 1, got \(k)") }
        let scoring = scoring(statistics)
        if let (terms, match) = termsOnly(query) {
            return try collect(terms, k: k, match: match, allowed: allowed, scoring: scoring).results()
        }
        if query.clauses.count == 1, case let .phrase(text) = query.clauses[0].clause, query.clauses[0].occur != .mustNot {
            var collector = TopKCollector(k: k)
            try collectPhrase(text, scoring, allowed: allowed, into: &collector, pruning: true)
            return collector.results()
        }
        var clauses: [(occur: TextQuery.Occur, matches: [UInt32: Double])] = []
        for (occur, clause) in query.clauses { clauses.append((occur, try clauseMatches(clause, scoring))) }
        return Self.best(of: clauses, k: k, allowed: allowed)
    }

    /// The terms of a query whose clauses are all single words that all should (`.any`) or
    /// all must (`.all`) match — each distinct term once, with the slot of every clause in
    /// clause order (a term two clauses name scores twice, as those clauses would) — and
    /// whether the dictionary holds all of them; nil for any other query. A word that
    /// analyses to nothing (a stop word) matches nothing, as a clause would.
    func termsOnly(_ query: TextQuery) -> (query: TermQuery, match: Match)? {
        guard let occur = query.clauses.first?.occur, occur != .mustNot else { return nil }
        var terms: [String] = [], entries: [Int] = [], clauseSlots: [Int] = [], complete = true
        for (clauseOccur, clause) in query.clauses {
            guard clauseOccur == occur, case let .term(text) = clause else { return nil }
            let tokens = analyzer.analyze(text)
            guard tokens.count <= 1 else { return nil }
            guard let term = tokens.first?.term, let entry = termIndex(term) else {
                complete = false
                continue
            }
            if let slot = terms.firstIndex(of: term) {
                clauseSlots.append(slot)
            } else {
                clauseSlots.append(terms.count)
                terms.append(term)
                entries.append(entry)
            }
        }
        return (TermQuery(entries: entries, complete: complete, clauseSlots: clauseSlots), occur == .must ? .all : .any)
    }

    /// The `k` best documents given each clause's matches and scores, by the rules of
    /// `search(_:k:allowed:)`.
    static func best(of clauses: [(occur: TextQuery.Occur, matches: [UInt32: Double])], k: Int, allowed: IDBitset?) -> [TextHit] {
        let required = clauses.filter { $0.occur == .must }.map(\.matches)
        let scoring = clauses.filter { $0.occur != .mustNot }.map(\.matches)
        var candidates: Set<UInt32>
        if let rarest = required.min(by: { $0.count < $1.count }) {
            candidates = Set(rarest.keys.filter { document in required.allSatisfy { $0[document] != nil } })
        } else {
            candidates = Set(scoring.flatMap(\.keys))
        }
        for clause in clauses where clause.occur == .mustNot { candidates.subtract(clause.matches.keys) }
        var collector = TopKCollector(k: k)
        for document in candidates.sorted() where allowed?.contains(document) ?? true {
            collector.offer(TextHit(id: document, score: scoring.reduce(0.0) { $0 + ($1[document] ?? 0) }))
        }
        return collector.results()
    }

    /// Every document a clause matches, with the clause's score there.
    func clauseMatches(_ clause: TextQuery.Clause, _ scoring: Scoring) throws(StrataError) -> [UInt32: Double] {
        var scores: [UInt32: Double] = [:]
        switch clause {
        case let .phrase(text):
            for hit in try phraseMatches(text, scoring) { scores[hit.id] = hit.score }
        case let .term(text):
            // Every analysed term must be present: "brown-fox" asks for both words.
            let terms = queryTerms(text)
            guard terms.complete, !terms.entries.isEmpty else { return [:] }
            var perTerm: [[UInt32: Double]] = []
            for term in terms.entries { perTerm.append(try termScores(term, scoring)) }
            let first = perTerm.min { $0.count < $1.count }!
            for document in first.keys where perTerm.allSatisfy({ $0[document] != nil }) {
                scores[document] = perTerm.reduce(0) { $0 + $1[document]! }
            }
        case let .prefix(text):
            // A collection's expansion, when searching part of one; this index's own otherwise.
            let expanded = scoring.statistics?.prefixTerms[text] ?? prefixTerms(text)
            for term in expanded {
                guard let entry = termIndex(term) else { continue }
                for (document, score) in try termScores(entry, scoring) { scores[document, default: 0] += score }
            }
        }
        return scores
    }

    /// The BM25 of dictionary entry `term` in each document holding it.
    private func termScores(_ term: Int, _ scoring: Scoring) throws(StrataError) -> [UInt32: Double] {
        var cursor = try cursor(term, scoring)
        var scores: [UInt32: Double] = [:]
        let average = scoring.averageLength
        while cursor.document != PostingCursor.end {
            scores[cursor.document] = score(cursor, averageLength: average)
            try cursor.next()
        }
        return scores
    }
}
