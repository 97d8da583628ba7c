import StrataCore
import StrataKernels

extension IVFPQIndex {
    public func search(_ query: [Float], k: Int, parameters search: VectorSearchParameters = .init(), allowed: IDBitset? = nil) throws(StrataError) -> [VectorNeighbor] {
        let allowedCount = allowed?.count  // O(capacity / 64): counted once
        let wanted = try resultCount(k: k, allowedCount: allowedCount)
        let nprobes = search.nprobes ?? parameters.nprobes!
        let refine = search.refine ?? parameters.refine!
        guard nprobes >= 1 else { throw .invalidInput(what: "nprobes", why: "must be at least 1, got \(nprobes)") }
        guard (0...1000).contains(refine) else { throw .invalidInput(what: "refine", why: "must be in 0…1000, got \(refine)") }
        let prepared = try store.prepareQuery(query)
        guard wanted > 0 else { return [] }
        let candidates = wanted * max(refine, 1)
        if let allowed, let allowedCount, exactIsCheaper(allowedCount: allowedCount, nprobes: nprobes, candidates: candidates) {
            return FlatIndex.exactSearch(prepared, in: store, limit: wanted, ids: allowed)
        }
        var heap = scan(prepared, nprobes: min(nprobes, partitions), candidates: candidates, minimum: wanted, allowed: allowed)
        guard refine > 0 else {
            // Table distances for cosine are squared L2 between unit vectors: 2 × cosine distance.
            let scale: Float = store.metric == .cosine ? 0.5 : 1
            return heap.sortedBestFirst().prefix(wanted).map { VectorNeighbor(distance: $0.distance * scale, id: $0.id) }
        }
        return rerank(prepared, candidates: &heap, limit: wanted)
    }

    /// Whether scoring the allowed vectors exactly costs less than the scan: a code costs
    /// about `subvectors` table lookups, an exact distance about dimension / 4 (SIMD), and
    /// under a filter the scan reads about candidates / selectivity codes.
    func exactIsCheaper(allowedCount: Int, nprobes: Int, candidates: Int) -> Bool {
        let n = Double(max(count, 1)), allowed = Double(max(allowedCount, 1))
        let scanned = max(n * Double(min(nprobes, partitions)) / Double(partitions), Double(candidates) * n / allowed)
        return allowed * Double(dimension) / 4 <= min(scanned, n) * Double(quantizer.subvectors)
    }

    /// Scans partitions nearest first, keeping the `candidates` best PQ distances: the
    /// `nprobes` nearest always, then more while fewer than `minimum` allowed vectors were
    /// found, so a filter never leaves the search short.
    func scan(_ query: [Float], nprobes: Int, candidates: Int, minimum: Int, allowed: IDBitset?) -> DistanceHeap<UInt32> {
        let dimension = store.dimension, m = quantizer.subvectors, byCode = ProductQuantizer.centroidsPerSubvector
        let order = rankPartitions(query)
        var heap = DistanceHeap<UInt32>(capacity: candidates + 1)
        var table = [Float](repeating: 0, count: m * byCode)
        var residual = [Float](repeating: 0, count: dimension)
        let metric = store.metric
        let size = m * byCode, precomputed = !termTables.isEmpty
        var queryTerms = [Float](repeating: 0, count: precomputed ? size : 0)
        query.withUnsafeBufferPointer { q in
            table.withUnsafeMutableBufferPointer { table in
                if metric == .dot { quantizer.negatedDotTable(query: q.baseAddress!, into: table.baseAddress!) }
                if precomputed { queryTerms.withUnsafeMutableBufferPointer { quantizer.doubledNegatedDotTable(query: q.baseAddress!, into: $0.baseAddress!) } }
                for (probed, entry) in order.enumerated() {
                    if probed >= nprobes && heap.count >= minimum { break }
                    let list = Int(entry.id)
                    // The partition's rank distance: −q·c for dot, ‖q − c‖² otherwise.
                    let base = entry.distance
                    if metric == .dot {
                        // The table holds −q·r for every partition.
                    } else if precomputed {
                        Self.addTables(termTables, at: list * size, queryTerms, count: size, into: table.baseAddress!)
                    } else {
                        for j in 0..<dimension { residual[j] = q[j] - centroids[list * dimension + j] }
                        residual.withUnsafeBufferPointer { quantizer.l2Table(query: $0.baseAddress!, into: table.baseAddress!) }
                    }
                    Self.scanList(listIDs[list], listCodes[list], m: m, table: UnsafePointer(table.baseAddress!),
                                  base: metric == .dot || precomputed ? base : 0,
                                  allowed: allowed, limit: candidates, into: &heap)
                }
            }
        }
        return heap
    }

    /// `output[i] = a[start + i] + b[i]` for i < count (a multiple of 16), sixteen at a time.
    @inline(__always)
    static func addTables(_ a: [Float], at start: Int, _ b: [Float], count: Int, into output: UnsafeMutablePointer<Float>) {
        a.withUnsafeBytes { a in
            b.withUnsafeBytes { b in
                for i in stride(from: 0, to: count, by: 16) {
                    let sum = a.loadUnaligned(fromByteOffset: (start + i) * 4, as: SIMD16<Float>.self)
                        + b.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(output + i).storeBytes(of: sum, as: SIMD16<Float>.self)
                }
            }
        }
    }

    /// Adds each allowed entry of one partition to `heap` by its table distance.
    @inline(__always)
    static func scanList(_ ids: [UInt32], _ codes: [UInt8], m: Int, table: UnsafePointer<Float>, base: Float,
                         allowed: IDBitset?, limit: Int, into heap: inout DistanceHeap<UInt32>) {
        ids.withUnsafeBufferPointer { ids in
            codes.withUnsafeBufferPointer { codes in
                var worst = heap.count >= limit ? heap.top!.distance : .infinity
                for i in 0..<ids.count {
                    let id = ids[i]
                    if let allowed, !allowed.contains(id) { continue }
                    let code = codes.baseAddress! + i &* m
                    var d = base
                    var row = table
                    for j in 0..<m {
                        d += row[Int(code[j])]
                        row += ProductQuantizer.centroidsPerSubvector
                    }
                    if d <= worst, heap.insert(d, id, keepingBest: limit), heap.count >= limit {
                        worst = heap.top!.distance
                    }
                }
            }
        }
    }

    /// Partitions nearest first by centroid distance (the metric's own for dot, L2 otherwise).
    func rankPartitions(_ query: [Float]) -> [VectorNeighbor] {
        let dimension = store.dimension, dot = store.metric == .dot
        var ranked = [VectorNeighbor]()
        ranked.reserveCapacity(partitions)
        query.withUnsafeBufferPointer { q in
            centroids.withUnsafeBytes { c in
                for list in 0..<partitions {
                    let centroid = c.baseAddress! + list * dimension * 4
                    let d = dot
                        ? -VectorDistance.dot(q.baseAddress!, centroid, as: Float32Element.self, dimension: dimension)
                        : VectorDistance.l2Squared(q.baseAddress!, centroid, as: Float32Element.self, dimension: dimension)
                    ranked.append(VectorNeighbor(distance: d, id: UInt32(list)))
                }
            }
        }
        ranked.sort { $0.ranksBefore($1) }
        return ranked
    }

    /// The `limit` nearest candidates by exact distance.
    func rerank(_ query: [Float], candidates: inout DistanceHeap<UInt32>, limit: Int) -> [VectorNeighbor] {
        var best = DistanceHeap<UInt32>(capacity: limit + 1)
        let dimension = store.dimension, metric = store.metric
        query.withUnsafeBufferPointer { q in
            store.withRows { rows in
                while let candidate = candidates.pop() {
                    let d = VectorStore.distance(metric, q.baseAddress!, rows.row(Int(candidate.id)), dimension: dimension)
                    best.insert(d, candidate.id, keepingBest: limit)
                }
            }
        }
        return best.sortedBestFirst()
    }
}
