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
        heap.reserveCapacity(k)
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
    func blockMaxWAND(_ cursors: inout [PostingCursor], allowed: IDBitset?, averageLength average: Double,
                      into collector: inout TopKCollector) throws(StrataError) {
        while true {
            cursors.sort { $0.document < $1.document }
            var upper = 0.0, pivot = -1
            for i in cursors.indices where cursors[i].document != PostingCursor.end {
                upper += cursors[i].maxScore
                if !collector.isFull || upper > collector.threshold {
                    pivot = i
                    break
                }
            }
            guard pivot >= 0 else { return }
            let pivotDocument = cursors[pivot].document
            while pivot + 1 < cursors.count && cursors[pivot + 1].document == pivotDocument { pivot += 1 }
            var blockUpper = 0.0
            for i in 0...pivot { blockUpper += cursors[i].blockBound(for: pivotDocument) }
            if !collector.isFull || blockUpper > collector.threshold {
                if cursors[0].document == pivotDocument {
                    if allowed?.contains(pivotDocument) ?? true {
                        collector.offer(TextHit(id: pivotDocument, score: score(cursors, through: pivot, averageLength: average)))
                    }
                    for i in 0...pivot { try cursors[i].next() }
                } else {
                    try cursors[0].advance(to: pivotDocument)
                }
            } else {
                // No document from the pivot to the end of the shortest of those blocks (and
                // before the next cursor's document) can enter: skip them all.
                var target = PostingCursor.end
                for i in 0...pivot {
                    let last = cursors[i].blockLast(for: pivotDocument)
                    target = min(target, last == PostingCursor.end ? last : last + 1)
                }
                if pivot + 1 < cursors.count { target = min(target, cursors[pivot + 1].document) }
                target = max(target, pivotDocument + 1)
                for i in 0...pivot where cursors[i].document < target { try cursors[i].advance(to: target) }
            }
        }
    }

    /// Documents holding every term: the rarest term's postings, each looked up in the others.
    func intersect(_ cursors: inout [PostingCursor], allowed: IDBitset?, averageLength average: Double,
                   into collector: inout TopKCollector) throws(StrataError) {
        cursors.sort { $0.count < $1.count }
        var candidate = cursors[0].document
        search: while candidate != PostingCursor.end {
            for i in cursors.indices.dropFirst() {
                try cursors[i].advance(to: candidate)
                if cursors[i].document != candidate {
                    try cursors[0].advance(to: cursors[i].document)
                    candidate = cursors[0].document
                    continue search
                }
            }
            if allowed?.contains(candidate) ?? true {
                collector.offer(TextHit(id: candidate, score: score(cursors, through: cursors.count - 1, averageLength: average)))
            }
            try cursors[0].next()
            candidate = cursors[0].document
        }
    }
}
