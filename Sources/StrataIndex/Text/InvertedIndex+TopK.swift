import StrataCore

/// The k best hits seen so far, ranked by score (higher first) then id (lower first).
/// Documents are offered in ascending id order, so a newcomer must score strictly more than
/// the worst kept hit to enter (on a tie its higher id loses).
struct TopKCollector {
    let k: Int
    /// A binary heap with the worst kept hit on top.
    private var heap: [TextHit] = []
    /// Documents scored and offered: what skipping saves shows here.
    private(set) var offered = 0

    init(k: Int) {
        self.k = k
        heap.reserveCapacity(min(k, 1024))
    }

    var isFull: Bool { heap.count >= k }
    /// The score to beat once full.
    var threshold: Double { heap.first?.score ?? -.infinity }

    /// Whether `a` ranks below `b`.
    private static func worse(_ a: TextHit, _ b: TextHit) -> Bool { a.score < b.score || (a.score == b.score && a.id > b.id) }

    mutating func offer(_ hit: TextHit) {
        offered += 1
        if heap.count < k {
            heap.append(hit)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.worse(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
            return
        }
        guard Self.worse(heap[0], hit) else { return }
        heap[0] = hit
        var parent = 0
        while true {
            var worst = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count && Self.worse(heap[child], heap[worst]) { worst = child }
            if worst == parent { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }

    /// The kept hits, best first.
    func results() -> [TextHit] { heap.sorted { Self.worse($1, $0) } }
}

extension InvertedIndex {
    /// Block-max WAND (Ding & Suel 2011) over the query terms' cursors: the pivot is the first
    /// document whose terms' best scores could together beat the k-th best; the blocks
    /// holding it are then checked with their own bounds, and when those cannot beat it
    /// either, every cursor skips past the shortest of those blocks without scoring.
    func blockMaxWAND(_ cursors: inout [PostingCursor], allowed: IDBitset?, averageLength average: Double, sum: inout ScoreSum,
                      into collector: inout TopKCollector) throws(StrataError) {
        if cursors.count == 1 {
            return try collectTerm(&cursors[0], copies: sum.clauseSlots.count, allowed: allowed, averageLength: average, into: &collector)
        }
        // Cursors stay put; `order` lists them by current document (cursors are large:
        // sorting small integers instead of moving them).
        var order = Array(cursors.indices)
        while true {
            for i in order.indices.dropFirst() {
                var j = i
                while j > 0 && cursors[order[j - 1]].document > cursors[order[j]].document {
                    order.swapAt(j - 1, j)
                    j -= 1
                }
            }
            var upper = 0.0, pivot = -1
            for i in order.indices where cursors[order[i]].document != PostingCursor.end {
                upper += cursors[order[i]].maxScore
                if !collector.isFull || upper > collector.threshold {
                    pivot = i
                    break
                }
            }
            guard pivot >= 0 else { return }
            let pivotDocument = cursors[order[pivot]].document
            while pivot + 1 < order.count && cursors[order[pivot + 1]].document == pivotDocument { pivot += 1 }
            var blockUpper = 0.0
            for i in 0...pivot { blockUpper += cursors[order[i]].blockBound(for: pivotDocument) }
            if !collector.isFull || blockUpper > collector.threshold {
                if cursors[order[0]].document == pivotDocument {
                    if allowed?.contains(pivotDocument) ?? true {
                        collector.offer(TextHit(id: pivotDocument, score: score(cursors, order[0...pivot], averageLength: average, sum: &sum)))
                    }
                    for i in 0...pivot { try cursors[order[i]].next() }
                } else {
                    try cursors[order[0]].advance(to: pivotDocument)
                }
            } else {
                // No document from the pivot to the end of the shortest of those blocks (and
                // before the next cursor's document) can enter: skip them all.
                var target = PostingCursor.end
                for i in 0...pivot {
                    let last = cursors[order[i]].blockLast(for: pivotDocument)
                    target = min(target, last == PostingCursor.end ? last : last + 1)
                }
                if pivot + 1 < order.count { target = min(target, cursors[order[pivot + 1]].document) }
                target = max(target, pivotDocument + 1)
                for i in 0...pivot where cursors[order[i]].document < target { try cursors[order[i]].advance(to: target) }
            }
        }
    }

    /// One term's top k, a block at a time: a block whose bound cannot beat the k-th best is
    /// skipped undecoded, any other is scored whole in one tight loop. `copies`: how many
    /// clauses name the term (each adds its score).
    func collectTerm(_ cursor: inout PostingCursor, copies: Int, allowed: IDBitset?, averageLength average: Double,
                     into collector: inout TopKCollector) throws(StrataError) {
        let idf = cursor.idf, bm25 = bm25
        var block = cursor.block
        while block < cursor.blocks.upperBound {
            if collector.isFull && cursor.bound(ofBlock: block) <= collector.threshold {
                block += 1
                continue
            }
            if block != cursor.block { try cursor.move(toBlock: block) }
            let documents = cursor.blockDocuments, frequencies = cursor.blockFrequencies
            documentLengths.withUnsafeBufferPointer { lengths in
                for i in documents.indices {
                    let document = documents[i]
                    let once = bm25.termScore(idf: idf, frequency: frequencies[i], length: lengths[Int(document)], averageLength: average)
                    var score = once
                    for _ in 1..<max(copies, 1) { score += once }
                    guard !collector.isFull || score > collector.threshold, allowed?.contains(document) ?? true else { continue }
                    collector.offer(TextHit(id: document, score: score))
                }
            }
            block += 1
        }
    }

    /// Documents holding every term: the rarest term's postings, each looked up in the
    /// others. Once the top k is full, a candidate whose terms' blocks together cannot beat
    /// the k-th best takes every document up to the end of the shortest of those blocks
    /// with it, unscored (block-max AND).
    func intersect(_ cursors: inout [PostingCursor], allowed: IDBitset?, averageLength average: Double, sum: inout ScoreSum,
                   into collector: inout TopKCollector) throws(StrataError) {
        cursors.sort { $0.count < $1.count }
        let allCursors = Array(cursors.indices)[...]
        var candidate = cursors[0].document
        // Below `checkedUntil`, every candidate lies in the blocks last checked, which could
        // beat the k-th best together; `othersBound` is the most the other terms' blocks give.
        var checkedUntil: UInt32 = 0, othersBound = Double.infinity
        search: while candidate != PostingCursor.end {
            if collector.isFull {
                if candidate >= checkedUntil {
                    var bound = 0.0, target = PostingCursor.end
                    othersBound = 0
                    for i in cursors.indices {
                        let blockBound = cursors[i].blockBound(for: candidate)
                        bound += blockBound
                        if i > 0 { othersBound += blockBound }
                        let last = cursors[i].blockLast(for: candidate)
                        target = min(target, last == PostingCursor.end ? last : last + 1)
                    }
                    if bound <= collector.threshold {
                        try cursors[0].advance(to: max(target, candidate + 1))
                        candidate = cursors[0].document
                        continue search
                    }
                    checkedUntil = target
                }
                // The rarest term's own score plus the others' bounds: a candidate that
                // cannot enter is passed over before the other lists are searched for it.
                if score(cursors[0], averageLength: average) * cursors[0].weight + othersBound <= collector.threshold {
                    try cursors[0].next()
                    candidate = cursors[0].document
                    continue search
                }
            }
            for i in cursors.indices.dropFirst() {
                try cursors[i].advance(to: candidate)
                if cursors[i].document != candidate {
                    try cursors[0].advance(to: cursors[i].document)
                    candidate = cursors[0].document
                    continue search
                }
            }
            if allowed?.contains(candidate) ?? true {
                collector.offer(TextHit(id: candidate, score: score(cursors, allCursors, averageLength: average, sum: &sum)))
            }
            try cursors[0].next()
            candidate = cursors[0].document
        }
    }
}
