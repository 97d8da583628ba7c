import StrataCore

/// Several text columns of the same documents, each with its own inverted index and a boost
/// (`spec/indexes.md` §7.3): a clause matches a document when it matches in any column, and
/// scores the boosted sum of its scores in each column.
public struct MultiFieldTextIndex: Sendable {
    /// The columns: a name, the index over that column, and the weight of its scores.
    public let fields: [(name: String, index: InvertedIndex, boost: Double)]

    /// - Throws: `.invalidInput` for no fields, repeated names, indexes over different
    ///   numbers of documents, or a boost that is negative or not finite.
    public init(fields: [(name: String, index: InvertedIndex, boost: Double)]) throws(StrataError) {
        guard let first = fields.first else { throw .invalidInput(what: "text fields", why: "give at least one") }
        guard Set(fields.map(\.name)).count == fields.count else { throw .invalidInput(what: "text fields", why: "a name is repeated") }
        for field in fields {
            guard field.index.documentCount == first.index.documentCount else {
                throw .invalidInput(what: "text field '\(field.name)'", why: "indexes \(field.index.documentCount) documents, '\(first.name)' \(first.index.documentCount)")
            }
            guard field.boost.isFinite && field.boost >= 0 else {
                throw .invalidInput(what: "boost of '\(field.name)'", why: "must be a finite number ≥ 0, got \(field.boost)")
            }
        }
        self.fields = fields
    }

    /// The `k` best documents for `query` over every field.
    /// - Throws: `.invalidInput` when k < 1.
    public func search(_ query: TextQuery, k: Int, allowed: IDBitset? = nil) throws(StrataError) -> [TextHit] {
        guard k >= 1 else { throw .invalidInput(what: "k", why: "must be at least 1, got \(k)") }
        var clauses: [(occur: TextQuery.Occur, matches: [UInt32: Double])] = []
        for (occur, clause) in query.clauses {
            var merged: [UInt32: Double] = [:]
            for field in fields {
                for (document, score) in try field.index.clauseMatches(clause, field.index.scoring(nil)) { merged[document, default: 0] += field.boost * score }
            }
            clauses.append((occur, merged))
        }
        return InvertedIndex.best(of: clauses, k: k, allowed: allowed)
    }
}
