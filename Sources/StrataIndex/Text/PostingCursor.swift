import StrataCore

/// Walks one term's postings in document order, one decoded block at a time, and can skip
/// whole blocks by their last document without decoding them.
struct PostingCursor {
    /// The id past every document: the cursor's document once it is exhausted.
    static let end = UInt32.max

    private let index: InvertedIndex.PostingSource
    /// The term's inverse document frequency.
    let idf: Double
    /// The term's best block bound: no posting scores more.
    let maxScore: Double
    /// Multiplies the stored block bounds (1 with the index's own statistics and one clause).
    private let boundScale: Double
    /// How many clauses name the term (each adds its score): already in `boundScale`.
    let weight: Double
    /// The term's place among the query's terms: scores are summed in this order, so that a
    /// document's score does not depend on the order the cursors happen to be in.
    let slot: Int
    /// The term's number of postings.
    let count: Int
    private let firstBlock: Int
    private let endBlock: Int
    /// The block decoded in `documents`/`frequencies` (endBlock when exhausted).
    private(set) var block: Int
    private var documents: [UInt32] = []
    private var frequencies: [UInt32] = []
    private var position = 0
    /// The posting of the block whose word positions start at `positionOffset`.
    private var positionPosting = 0
    private var positionOffset = 0

    /// A cursor scoring with the index's own statistics.
    init(_ index: InvertedIndex, term: Int, slot: Int = 0, weight: Double = 1) throws(StrataError) {
        let idf = BM25Parameters.idf(documentFrequency: Int(index.documentFrequencies[term]), documents: index.documentCount)
        try self.init(index, term: term, idf: idf, boundScale: weight, slot: slot, weight: weight)
    }

    /// A cursor scoring with `idf`, whose stored block bounds are multiplied by `boundScale`.
    init(_ index: InvertedIndex, term: Int, idf: Double, boundScale: Double, slot: Int, weight: Double) throws(StrataError) {
        try self.init(index.source, term: term, count: Int(index.documentFrequencies[term]), idf: idf, boundScale: boundScale, slot: slot, weight: weight)
    }

    private init(_ index: InvertedIndex.PostingSource, term: Int, count: Int, idf: Double, boundScale: Double, slot: Int, weight: Double) throws(StrataError) {
        self.index = index
        self.idf = idf
        self.boundScale = boundScale
        self.slot = slot
        self.weight = weight
        firstBlock = index.blocks.termStarts[term]
        endBlock = index.blocks.termStarts[term + 1]
        maxScore = (index.blocks.maxScores[firstBlock..<endBlock].max() ?? 0) * boundScale
        self.count = count
        block = firstBlock
        try load()
    }

    /// The current document, or `end`.
    var document: UInt32 { position < documents.count ? documents[position] : Self.end }
    /// The current posting's term frequency (only while not at the end).
    var frequency: UInt32 { frequencies[position] }

    /// Moves to the next posting.
    mutating func next() throws(StrataError) {
        position += 1
        if position == documents.count {
            block += 1
            try load()
        }
    }

    /// Moves to the first posting at or after `target` (never backwards), skipping whole
    /// blocks that end before it without decoding them.
    mutating func advance(to target: UInt32) throws(StrataError) {
        guard document < target else { return }
        if index.blocks.lastDocuments[block] < target {
            block = skippedBlock(to: target)
            try load()
        }
        while document < target { position += 1 }
    }

    /// The first block at or after the current one whose last document is ≥ `target`
    /// (`endBlock` when none), found without decoding.
    /// - Complexity: O(1) when the current block holds `target`, else O(log blocks) (a
    ///   cursor left far behind is asked about far targets without being moved).
    func skippedBlock(to target: UInt32) -> Int {
        var low = block, high = endBlock
        if low < high && index.blocks.lastDocuments[low] >= target { return low }
        while low < high {
            let middle = (low + high) / 2
            if index.blocks.lastDocuments[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The most a posting of the block holding `target` (or the one after it) can score;
    /// 0 past the last block.
    func blockBound(for target: UInt32) -> Double {
        let b = skippedBlock(to: target)
        return b < endBlock ? index.blocks.maxScores[b] * boundScale : 0
    }

    /// The last document of the block holding `target`, or `end` past the last block.
    func blockLast(for target: UInt32) -> UInt32 {
        let b = skippedBlock(to: target)
        return b < endBlock ? index.blocks.lastDocuments[b] : Self.end
    }

    /// The decoded postings of the current block and where the cursor is in them.
    var blockDocuments: [UInt32] { documents }
    var blockFrequencies: [UInt32] { frequencies }

    /// The bound of block `b` of the term (scaled like every bound).
    func bound(ofBlock b: Int) -> Double { index.blocks.maxScores[b] * boundScale }

    /// The term's blocks.
    var blocks: Range<Int> { firstBlock..<endBlock }

    /// Moves to the first posting of block `b` (at or after the current one; `endBlock` to
    /// finish), decoding it.
    mutating func move(toBlock b: Int) throws(StrataError) {
        block = b
        try load()
    }

    /// The word positions of the current posting (only while not at the end), into `out`.
    /// - Throws: `.corruption` for damaged position bytes.
    mutating func positions(into out: inout [UInt32]) throws(StrataError) {
        if positionPosting > position {  // asked again for a posting already read: from the block's start
            positionPosting = 0
            positionOffset = index.blocks.positionOffsets[block]
        }
        let skipped = frequencies[positionPosting..<position].reduce(0) { $0 + Int($1) }
        let (start, count) = (positionOffset, Int(frequencies[position]))
        positionOffset = try index.positions.withBytes { (bytes) throws(StrataError) -> Int in
            let at = try PositionCoding.skip(skipped, in: bytes, at: start, path: "inverted index")
            return try PositionCoding.read(count, in: bytes, at: at, path: "inverted index", into: &out)
        }
        positionPosting = position + 1
    }

    private mutating func load() throws(StrataError) {
        position = 0
        positionPosting = 0
        guard block < endBlock else {
            documents.removeAll(keepingCapacity: true)
            frequencies.removeAll(keepingCapacity: true)
            return
        }
        positionOffset = index.blocks.positionOffsets[block]
        let previous = block > firstBlock ? index.blocks.lastDocuments[block - 1] : nil
        let offset = index.blocks.offsets[block], count = index.documentCount, postings = index.postings
        _ = try postings.withBytes { (bytes) throws(StrataError) -> Int in
            try PostingsBlock.decode(bytes, at: offset, after: previous, documentCount: count, path: "inverted index",
                                     documents: &documents, frequencies: &frequencies)
        }
    }
}
