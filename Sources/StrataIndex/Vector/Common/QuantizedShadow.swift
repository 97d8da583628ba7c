import StrataKernels
import Synchronization

/// An int8 copy of a vector store's rows — one scale for every element, so the float32
/// query scaled once is compared with the codes by the ordinary int8 kernels — for scans
/// over many vectors: a quarter of the memory traffic of the float32 rows. Its distances
/// only choose candidates; they are re-ranked exactly from the float32 rows.
final class QuantizedShadow: Sendable {
    /// The rows it copies.
    let count: Int
    let dimension: Int
    /// Stored value ≈ `scale` × code.
    let scale: Float
    let codes: [Int8]

    init(_ store: VectorStore) {
        let dimension = store.dimension, count = store.count
        var largest: Float = 0
        store.withRows { rows in
            for row in 0..<count {
                let vector = rows.row(row)
                for i in 0..<dimension { largest = max(largest, abs(vector[i])) }
            }
        }
        let scale = largest > 0 ? largest / 127 : 1
        var codes = [Int8](repeating: 0, count: count * dimension)
        codes.withUnsafeMutableBufferPointer { out in
            store.withRows { rows in
                for row in 0..<count {
                    let vector = rows.row(row)
                    for i in 0..<dimension { out[row * dimension + i] = Int8((vector[i] / scale).rounded().clamped(-127, 127)) }
                }
            }
        }
        self.count = count
        self.dimension = dimension
        self.scale = scale
        self.codes = codes
    }

    /// The `keep` ids among `ids` nearest to `prepared` (a query prepared by the store)
    /// under `metric`, by the codes' distances.
    func candidates(_ prepared: [Float], metric: VectorMetric, ids: [UInt32], keep: Int) -> [UInt32] {
        // Scaling the query by 1 / scale keeps every metric's order: l2 scales by scale²,
        // the inner products by scale.
        let scaled = prepared.map { $0 / scale }
        var heap = DistanceHeap<UInt32>(capacity: keep + 1)
        scaled.withUnsafeBufferPointer { q in
            codes.withUnsafeBytes { raw in
                for id in ids where Int(id) < count {
                    let row = raw.baseAddress! + Int(id) * dimension
                    let distance = metric == .l2 ? VectorDistance.l2Squared(q.baseAddress!, row, as: Int8Element.self, dimension: dimension)
                        : -VectorDistance.dot(q.baseAddress!, row, as: Int8Element.self, dimension: dimension)
                    heap.insert(distance, id, keepingBest: keep)
                }
            }
        }
        return heap.sortedBestFirst().map(\.id)
    }
}

/// The shadow of an index's store, built on first use and again when the store has grown.
final class QuantizedShadowCache: Sendable {
    /// Guards the shadow built last.
    private let shadow = Mutex<QuantizedShadow?>(nil)

    /// The shadow of `store`.
    func of(_ store: VectorStore) -> QuantizedShadow {
        if let built = shadow.withLock({ $0 }), built.count == store.count, built.dimension == store.dimension { return built }
        let built = QuantizedShadow(store)
        shadow.withLock { $0 = built }
        return built
    }
}

extension Float {
    fileprivate func clamped(_ low: Float, _ high: Float) -> Float { Swift.min(high, Swift.max(low, self)) }
}
