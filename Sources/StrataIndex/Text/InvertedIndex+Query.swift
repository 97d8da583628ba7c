import StrataCore

extension InvertedIndex {
    /// Most dictionary terms a prefix clause expands to (the first ones in order).
    static let prefixExpansions = 128

    /// The `k` best documents for a structured query (`TextQuery`): a document qualifies
    /// when it matches every `must` clause, no `mustNot` clause, and — with no `must`
    /// clause — at least one `should` clause; its score is the sum of its matching `must`
    /// and `should` clauses' scores (a term clause: BM25 of each of its terms; a phrase: §7.2;
    /// a prefix: BM25 of each expanded term it holds). Ties: lower id first.
    /// - Throws: `.invalidInput` when k < 1.
    public func search(_ query: TextQuery, k: Int, allowed: IDBitset? = nil) throws(StrataError) -> [TextHit] {
        guard k >= 1 else { throw .invalidInput(what: "k", why: "must be at least 1, got \(k)") }
        var clauses: [(occur: TextQuery.Occur, matches: [UInt32: Double])] = []
        for (occur, clause) in query.clauses { clauses.append((occur, try clauseMatches(clause))) }
        return Self.best(of: clauses, k: k, allowed: allowed)
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
    func clauseMatches(_ clause: TextQuery.Clause) throws(StrataError) -> [UInt32: Double] {
        var scores: [UInt32: Double] = [:]
        switch clause {
        case let .phrase(text):
            for hit in try phraseMatches(text) { scores[hit.id] = hit.score }
        case let .term(text):
            // Every analysed term must be present: "brown-fox" asks for both words.
            let (terms, complete) = queryTerms(text)
            guard complete, !terms.isEmpty else { return [:] }
            var perTerm: [[UInt32: Double]] = []
            for term in terms { perTerm.append(try termScores(term)) }
            let first = perTerm.min { $0.count < $1.count }!
            for document in first.keys where perTerm.allSatisfy({ $0[document] != nil }) {
                scores[document] = perTerm.reduce(0) { $0 + $1[document]! }
            }
        case let .prefix(text):
            let prefix = TextAnalyzer.normalize(text, options: analyzer.options)
            guard !prefix.isEmpty else { return [:] }
            var index = lowerBound(prefix)
            var expanded = 0
            while index < terms.count && terms[index].utf8.starts(with: prefix.utf8) && expanded < Self.prefixExpansions {
                for (document, score) in try termScores(index) { scores[document, default: 0] += score }
                index += 1
                expanded += 1
            }
        }
        return scores
    }

    /// The BM25 of dictionary entry `term` in each document holding it.
    private func termScores(_ term: Int) throws(StrataError) -> [UInt32: Double] {
        var cursor = try PostingCursor(self, term: term)
        var scores: [UInt32: Double] = [:]
        let average = averageLength
        while cursor.document != PostingCursor.end {
            scores[cursor.document] = score(cursor, averageLength: average)
            try cursor.next()
        }
        return scores
    }
}
