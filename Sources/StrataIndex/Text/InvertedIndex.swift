import StrataCore
import StrataKernels

/// A document a text search found, with its BM25 score.
public struct TextHit: Sendable, Equatable {
    /// The document's id: its place in the indexed sequence.
    public var id: UInt32
    /// Its BM25 score for the query.
    public var score: Double

    /// A hit.
    public init(id: UInt32, score: Double) {
        self.id = id
        self.score = score
    }
}

/// An inverted index over a sequence of documents (ids 0, 1, …): the analyzer's terms in
/// sorted order, each with its postings — ascending document ids and term frequencies — in
/// compressed blocks of 128 (`PostingsBlock`), and every document's length in terms, for
/// BM25 (`spec/indexes.md` §7.2). Built whole and immutable; value semantics.
public struct InvertedIndex: Sendable {
    /// Whether a document must hold any or all of the query's terms.
    public enum Match: String, Sendable, CaseIterable {
        case any
        case all
    }

    /// Turns documents and queries into terms.
    public let analyzer: TextAnalyzer
    /// The scoring parameters.
    public let bm25: BM25Parameters
    /// The distinct terms, ascending (by their UTF-8 bytes).
    let terms: [String]
    /// Term i's number of documents.
    let documentFrequencies: [UInt32]
    let postings: [UInt8]
    /// Each document's number of terms (after analysis; 0 for a missing document).
    let documentLengths: [UInt32]
    let totalLength: UInt64
    let blocks: BlockTable
    /// Every posting's word positions (`PositionCoding`), in the order of the postings.
    let positions: [UInt8]

    /// Number of documents.
    public var documentCount: Int { documentLengths.count }
    /// Number of distinct terms.
    public var termCount: Int { terms.count }

    /// Indexes `documents` (nil: a missing value, which matches nothing) with ids in order.
    /// - Complexity: O(total text) plus sorting the distinct terms.
    public init(documents: [String?], analyzer: TextAnalyzer, bm25: BM25Parameters = .init()) {
        var builder = Builder(analyzer: analyzer, bm25: bm25)
        for text in documents { builder.add(text) }
        self = builder.build()
    }

    init(analyzer: TextAnalyzer, bm25: BM25Parameters, terms: [String], documentFrequencies: [UInt32], postings: [UInt8],
         documentLengths: [UInt32], totalLength: UInt64, blocks: BlockTable, positions: [UInt8]) {
        self.analyzer = analyzer
        self.bm25 = bm25
        self.terms = terms
        self.documentFrequencies = documentFrequencies
        self.postings = postings
        self.documentLengths = documentLengths
        self.totalLength = totalLength
        self.blocks = blocks
        self.positions = positions
    }

    /// Builds an index one document at a time, so that a caller streaming documents never
    /// holds all their text.
    public struct Builder: Sendable {
        let analyzer: TextAnalyzer
        let bm25: BM25Parameters
        /// Each term's postings as they are gathered, found through `slots`.
        private var slots: [String: Int] = [:]
        private var lists: [(documents: [UInt32], frequencies: [UInt32], positions: [UInt8], positionStarts: [Int])] = []
        private var lengths: [UInt32] = []
        private var total: UInt64 = 0

        /// An empty index of the given settings.
        public init(analyzer: TextAnalyzer, bm25: BM25Parameters = .init()) {
            self.analyzer = analyzer
            self.bm25 = bm25
        }

        /// Documents added so far.
        public var documentCount: Int { lengths.count }

        /// Adds the next document (nil: a missing value).
        public mutating func add(_ text: String?) {
            let id = UInt32(lengths.count)
            let tokens = text.map(analyzer.analyze) ?? []
            lengths.append(UInt32(tokens.count))
            total += UInt64(tokens.count)
            var occurrences: [String: [UInt32]] = [:]
            for token in tokens { occurrences[token.term, default: []].append(UInt32(token.position)) }
            for (term, positions) in occurrences {
                let slot = slots[term] ?? lists.count
                if slot == lists.count {
                    slots[term] = slot
                    lists.append(([], [], [], []))
                }
                lists[slot].documents.append(id)
                lists[slot].frequencies.append(UInt32(positions.count))
                lists[slot].positionStarts.append(lists[slot].positions.count)
                PositionCoding.append(positions, to: &lists[slot].positions)
            }
        }

        /// The index of every document added.
        /// - Complexity: O(postings) plus sorting the distinct terms.
        public func build() -> InvertedIndex {
            let sorted = slots.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            var bytes: [UInt8] = [], frequencies: [UInt32] = []
            var blocks = BlockTable()
            var positionBytes: [UInt8] = []
            let averageLength = lengths.isEmpty ? 0 : Double(total) / Double(lengths.count)
            for term in sorted {
                let list = lists[slots[term]!]
                let idf = BM25Parameters.idf(documentFrequency: list.documents.count, documents: lengths.count)
                var previous: UInt32?
                for start in stride(from: 0, to: list.documents.count, by: PostingsBlock.size) {
                    let end = min(start + PostingsBlock.size, list.documents.count)
                    blocks.offsets.append(bytes.count)
                    blocks.positionOffsets.append(positionBytes.count + list.positionStarts[start])
                    PostingsBlock.encode(documents: list.documents[start..<end], frequencies: list.frequencies[start..<end], after: previous, into: &bytes)
                    previous = list.documents[end - 1]
                    blocks.lastDocuments.append(list.documents[end - 1])
                    var best = 0.0
                    for i in start..<end {
                        best = max(best, bm25.termScore(idf: idf, frequency: list.frequencies[i], length: lengths[Int(list.documents[i])], averageLength: averageLength))
                    }
                    // Inflated a hair so that a sum of bounds, added in another order than a
                    // document's score, can never round below that score.
                    blocks.maxScores.append(best * (1 + 1e-9))
                }
                positionBytes += list.positions
                blocks.termStarts.append(blocks.offsets.count)
                frequencies.append(UInt32(list.documents.count))
            }
            return InvertedIndex(analyzer: analyzer, bm25: bm25, terms: sorted, documentFrequencies: frequencies, postings: bytes,
                                 documentLengths: lengths, totalLength: total, blocks: blocks, positions: positionBytes)
        }
    }

    /// Per block, in term order: where it starts in `postings`, its last document and the
    /// highest score any of its postings gives (block-max WAND skips blocks by it).
    struct BlockTable: Sendable {
        var offsets: [Int] = []
        /// Where the word positions of the block's first posting start in `positions`.
        var positionOffsets: [Int] = []
        var lastDocuments: [UInt32] = []
        var maxScores: [Double] = []
        /// Term i's blocks are `termStarts[i] ..< termStarts[i + 1]`.
        var termStarts: [Int] = [0]
    }

    /// The index of `term` in the dictionary.
    /// - Complexity: O(log terms).
    func termIndex(_ term: String) -> Int? {
        let low = lowerBound(term)
        return low < terms.count && terms[low] == term ? low : nil
    }

    /// The first dictionary entry not below `term` (by UTF-8 bytes).
    /// - Complexity: O(log terms).
    func lowerBound(_ term: String) -> Int {
        var low = 0, high = terms.count
        while low < high {
            let mid = (low + high) / 2
            if terms[mid].utf8.lexicographicallyPrecedes(term.utf8) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The dictionary entries of the distinct terms of `text` as analysed, in order, and
    /// whether the dictionary holds every one of them.
    func queryTerms(_ text: String) -> (entries: [Int], complete: Bool) {
        var distinct: [String] = []
        for token in analyzer.analyze(text) where !distinct.contains(token.term) { distinct.append(token.term) }
        let entries = distinct.compactMap(termIndex)
        return (entries, entries.count == distinct.count)
    }

    /// The postings of dictionary entry `index`: ascending documents and their frequencies.
    func postingList(_ index: Int) throws(StrataError) -> (documents: [UInt32], frequencies: [UInt32]) {
        var cursor = try PostingCursor(self, term: index)
        var documents: [UInt32] = [], frequencies: [UInt32] = []
        while cursor.document != PostingCursor.end {
            documents.append(cursor.document)
            frequencies.append(cursor.frequency)
            try cursor.next()
        }
        return (documents, frequencies)
    }

    /// The `k` documents scoring highest for `query` by BM25, best first (ties: lower id
    /// first). Each distinct query term counts once. With `.all`, a document must hold every
    /// one of them; with `.any`, at least one. Only ids in `allowed` (all when nil) qualify.
    /// `.any` runs block-max WAND (`TopKCollector`), which skips documents and whole blocks
    /// that cannot enter the top k; `.all` walks the rarest term's postings and looks the
    /// others up. `statistics` (nil: this index's own) are those of a whole collection this
    /// index is part of (`TextStatistics.collect`).
    /// - Throws: `.invalidInput` when k < 1.
    public func search(_ query: String, k: Int, match: Match = .any, allowed: IDBitset? = nil,
                       statistics: TextStatistics? = nil) throws(StrataError) -> [TextHit] {
        try collect(queryTerms(query), k: k, match: match, allowed: allowed, scoring: scoring(statistics)).results()
    }

    /// `search`'s work over dictionary entries, with its collector (tests read how many
    /// documents were scored). Each entry's score is added in the order given.
    func collect(_ query: (entries: [Int], complete: Bool), k: Int, match: Match, allowed: IDBitset?,
                 scoring: Scoring) throws(StrataError) -> TopKCollector {
        guard k >= 1 else { throw .invalidInput(what: "k", why: "must be at least 1, got \(k)") }
        var collector = TopKCollector(k: k)
        guard !query.entries.isEmpty, match == .any || query.complete else { return collector }
        var cursors: [PostingCursor] = []
        for (slot, term) in query.entries.enumerated() { cursors.append(try cursor(term, scoring, slot: slot)) }
        if match == .all {
            try intersect(&cursors, allowed: allowed, averageLength: scoring.averageLength, into: &collector)
        } else {
            try blockMaxWAND(&cursors, allowed: allowed, averageLength: scoring.averageLength, into: &collector)
        }
        return collector
    }

    /// BM25 of the current posting of `cursor`, for its document.
    @inline(__always)
    func score(_ cursor: PostingCursor, averageLength: Double) -> Double {
        bm25.termScore(idf: cursor.idf, frequency: cursor.frequency, length: documentLengths[Int(cursor.document)], averageLength: averageLength)
    }

    /// The summed scores of the cursors at `members`, all at one document, added in slot
    /// order (so that the sum does not depend on the order the cursors happen to be in).
    func score(_ cursors: [PostingCursor], _ members: some Collection<Int>, averageLength: Double) -> Double {
        var total = 0.0, previous = Int.min
        for _ in members {
            var next = -1
            for i in members where cursors[i].slot > previous && (next < 0 || cursors[i].slot < cursors[next].slot) { next = i }
            total += score(cursors[next], averageLength: averageLength)
            previous = cursors[next].slot
        }
        return total
    }

    var averageLength: Double { documentCount > 0 ? Double(totalLength) / Double(documentCount) : 0 }
}
