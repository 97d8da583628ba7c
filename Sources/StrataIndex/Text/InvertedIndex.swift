import Foundation
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
    /// Each document's number of terms (after analysis; 0 for a missing document).
    let documentLengths: [UInt32]
    let totalLength: UInt64
    /// The postings, their block table and word positions, in one object that cursors share.
    let source: PostingSource
    var postings: [UInt8] { source.postings }
    var blocks: BlockTable { source.blocks }
    /// Every posting's word positions (`PositionCoding`), in the order of the postings.
    var positions: [UInt8] { source.positions }

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
        self.documentLengths = documentLengths
        self.totalLength = totalLength
        source = PostingSource(blocks: blocks, postings: postings, positions: positions, documentCount: documentLengths.count)
    }

    /// Builds an index one document at a time, so that a caller streaming documents never
    /// holds all their text. Postings are kept flat, in arrival order (document order), and
    /// grouped by term only at `build`: no per-term arrays while documents arrive.
    public struct Builder: Sendable {
        let analyzer: TextAnalyzer
        let bm25: BM25Parameters
        /// Each distinct term's slot, and the terms by slot.
        private var slots: [String: UInt32] = [:]
        private var slotTerms: [String] = []
        /// Per posting, in arrival order: its term's slot, document, frequency and where its
        /// word positions start in `positions`.
        private var postingSlots: [UInt32] = []
        private var postingDocuments: [UInt32] = []
        private var postingFrequencies: [UInt32] = []
        private var postingPositions: [Int] = []
        private var positions: [UInt8] = []
        private var lengths: [UInt32] = []
        private var total: UInt64 = 0
        /// (slot, position) of the current document's terms (reused).
        private var scratch: [(slot: UInt32, position: UInt32)] = []

        /// An empty index of the given settings.
        public init(analyzer: TextAnalyzer, bm25: BM25Parameters = .init()) {
            self.analyzer = analyzer
            self.bm25 = bm25
        }

        /// Documents added so far.
        public var documentCount: Int { lengths.count }

        /// Adds the next document (nil: a missing value).
        public mutating func add(_ text: String?) {
            add(tokens: text.map(analyzer.analyze) ?? [])
        }

        /// Adds the next documents in order, analysing them on every core.
        public mutating func add(contentsOf texts: [String?]) {
            let workers = min(max(1, ProcessInfo.processInfo.activeProcessorCount), max(1, texts.count / 64))
            guard workers > 1 else {
                for text in texts { add(text) }
                return
            }
            var analysed = [[AnalyzedToken]](repeating: [], count: texts.count)
            let analyzer = analyzer
            analysed.withUnsafeMutableBufferPointer { buffer in
                let out = DisjointSlots(base: buffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    // Each worker writes only its own slots of `out`.
                    for i in stride(from: worker, to: texts.count, by: workers) { out.base[i] = texts[i].map(analyzer.analyze) ?? [] }
                }
            }
            for tokens in analysed { add(tokens: tokens) }
        }

        /// Adds the next document as the analyzer's tokens, in position order.
        mutating func add(tokens: [AnalyzedToken]) {
            let id = UInt32(lengths.count)
            lengths.append(UInt32(tokens.count))
            total += UInt64(tokens.count)
            scratch.removeAll(keepingCapacity: true)
            for token in tokens {
                let slot: UInt32
                if let known = slots[token.term] {
                    slot = known
                } else {
                    slot = UInt32(slotTerms.count)
                    slots[token.term] = slot
                    slotTerms.append(token.term)
                }
                scratch.append((slot, UInt32(token.position)))
            }
            // Positions arrive ascending, so ordering by (slot, position) groups each term's.
            scratch.sort { $0.slot < $1.slot || ($0.slot == $1.slot && $0.position < $1.position) }
            var start = 0
            var run: [UInt32] = []
            while start < scratch.count {
                var end = start + 1
                while end < scratch.count && scratch[end].slot == scratch[start].slot { end += 1 }
                postingSlots.append(scratch[start].slot)
                postingDocuments.append(id)
                postingFrequencies.append(UInt32(end - start))
                postingPositions.append(positions.count)
                run.removeAll(keepingCapacity: true)
                for i in start..<end { run.append(scratch[i].position) }
                PositionCoding.append(run, to: &positions)
                start = end
            }
        }

        /// The index of every document added.
        /// - Complexity: O(postings) plus sorting the distinct terms.
        public func build() -> InvertedIndex {
            // Postings grouped by slot, stable (so each term's stay in document order).
            var starts = [Int](repeating: 0, count: slotTerms.count + 1)
            for slot in postingSlots { starts[Int(slot) + 1] += 1 }
            for i in slotTerms.indices { starts[i + 1] += starts[i] }
            var fill = starts
            var bySlot = [UInt32](repeating: 0, count: postingSlots.count)
            for (posting, slot) in postingSlots.enumerated() {
                bySlot[fill[Int(slot)]] = UInt32(posting)
                fill[Int(slot)] += 1
            }
            let order = slotTerms.indices.sorted { slotTerms[$0].utf8.lexicographicallyPrecedes(slotTerms[$1].utf8) }
            var bytes: [UInt8] = [], frequencies: [UInt32] = []
            var blocks = BlockTable()
            var positionBytes: [UInt8] = []
            positionBytes.reserveCapacity(positions.count)
            let averageLength = lengths.isEmpty ? 0 : Double(total) / Double(lengths.count)
            var documents: [UInt32] = [], counts: [UInt32] = []
            for slot in order {
                let postings = bySlot[starts[slot]..<starts[slot + 1]]
                documents.removeAll(keepingCapacity: true)
                counts.removeAll(keepingCapacity: true)
                for posting in postings {
                    documents.append(postingDocuments[Int(posting)])
                    counts.append(postingFrequencies[Int(posting)])
                }
                let idf = BM25Parameters.idf(documentFrequency: documents.count, documents: lengths.count)
                var previous: UInt32?
                for start in stride(from: 0, to: documents.count, by: PostingsBlock.size) {
                    let end = min(start + PostingsBlock.size, documents.count)
                    blocks.offsets.append(bytes.count)
                    blocks.positionOffsets.append(positionBytes.count)
                    PostingsBlock.encode(documents: documents[start..<end], frequencies: counts[start..<end], after: previous, into: &bytes)
                    previous = documents[end - 1]
                    blocks.lastDocuments.append(documents[end - 1])
                    var best = 0.0
                    for i in start..<end {
                        best = max(best, bm25.termScore(idf: idf, frequency: counts[i], length: lengths[Int(documents[i])], averageLength: averageLength))
                        let posting = Int(postings[postings.startIndex + i])
                        let from = postingPositions[posting], to = posting + 1 < postingPositions.count ? postingPositions[posting + 1] : positions.count
                        positionBytes.append(contentsOf: positions[from..<to])
                    }
                    // Inflated a hair so that a sum of bounds, added in another order than a
                    // document's score, can never round below that score.
                    blocks.maxScores.append(best * (1 + 1e-9))
                }
                blocks.termStarts.append(blocks.offsets.count)
                frequencies.append(UInt32(documents.count))
            }
            return InvertedIndex(analyzer: analyzer, bm25: bm25, terms: order.map { slotTerms[$0] }, documentFrequencies: frequencies,
                                 postings: bytes, documentLengths: lengths, totalLength: total, blocks: blocks, positions: positionBytes)
        }
    }

    /// What a posting cursor reads, held by reference so that a cursor is cheap to copy.
    final class PostingSource: Sendable {
        let blocks: BlockTable
        let postings: [UInt8]
        let positions: [UInt8]
        let documentCount: Int

        init(blocks: BlockTable, postings: [UInt8], positions: [UInt8], documentCount: Int) {
            self.blocks = blocks
            self.postings = postings
            self.positions = positions
            self.documentCount = documentCount
        }
    }

    /// A query of terms: the distinct dictionary entries (slot i is `entries[i]`), whether the
    /// dictionary holds every term asked for, and the slot of each clause in clause order.
    struct TermQuery {
        var entries: [Int]
        var complete: Bool
        var clauseSlots: [Int]
    }

    /// Adds up a document's clause scores in clause order (`score(_:_:averageLength:sum:)`),
    /// with one reused buffer of per-slot scores.
    struct ScoreSum {
        let clauseSlots: [Int]
        var slotScores: [Double]

        init(clauseSlots: [Int], slots: Int) {
            self.clauseSlots = clauseSlots
            slotScores = [Double](repeating: 0, count: slots)
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
    func queryTerms(_ text: String) -> TermQuery {
        var distinct: [String] = []
        for token in analyzer.analyze(text) where !distinct.contains(token.term) { distinct.append(token.term) }
        let entries = distinct.compactMap(termIndex)
        return TermQuery(entries: entries, complete: entries.count == distinct.count, clauseSlots: Array(entries.indices))
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
    /// documents were scored).
    func collect(_ query: TermQuery, k: Int, match: Match, allowed: IDBitset?, scoring: Scoring) throws(StrataError) -> TopKCollector {
        guard k >= 1 else { throw .invalidInput(what: "k", why: "must be at least 1, got \(k)") }
        var collector = TopKCollector(k: k)
        guard !query.entries.isEmpty, match == .any || query.complete else { return collector }
        var cursors: [PostingCursor] = []
        for (slot, term) in query.entries.enumerated() {
            let copies = query.clauseSlots.filter { $0 == slot }.count
            cursors.append(try cursor(term, scoring, slot: slot, weight: Double(copies)))
        }
        var sum = ScoreSum(clauseSlots: query.clauseSlots, slots: query.entries.count)
        if match == .all {
            try intersect(&cursors, allowed: allowed, averageLength: scoring.averageLength, sum: &sum, into: &collector)
        } else {
            try blockMaxWAND(&cursors, allowed: allowed, averageLength: scoring.averageLength, sum: &sum, into: &collector)
        }
        return collector
    }

    /// BM25 of the current posting of `cursor`, for its document.
    @inline(__always)
    func score(_ cursor: PostingCursor, averageLength: Double) -> Double {
        bm25.termScore(idf: cursor.idf, frequency: cursor.frequency, length: documentLengths[Int(cursor.document)], averageLength: averageLength)
    }

    /// The summed scores of the cursors at `members`, all at one document: each clause's
    /// term score in clause order (a term two clauses name counts twice), so that the sum is
    /// the very one an exhaustive scoring of the clauses adds up.
    func score(_ cursors: [PostingCursor], _ members: ArraySlice<Int>, averageLength: Double, sum: inout ScoreSum) -> Double {
        sum.slotScores.withUnsafeMutableBufferPointer { slotScores in
            for i in members { slotScores[cursors[i].slot] = score(cursors[i], averageLength: averageLength) }
            var total = 0.0
            for slot in sum.clauseSlots { total += slotScores[slot] }
            for i in members { slotScores[cursors[i].slot] = 0 }
            return total
        }
    }

    var averageLength: Double { documentCount > 0 ? Double(totalLength) / Double(documentCount) : 0 }
}
