import CStrataSIMD
import StrataCore
import StrataKernels
import Testing
import TestSupport

@Suite struct VectorDistanceTests {
    static let dimensions = [1, 3, 15, 16, 17, 31, 32, 33, 64, 100, 384]

    /// Stored bytes of `values` in `element` form, and the values as that form reads them.
    private func stored(_ values: [Float], _ element: VectorElement) throws -> (bytes: [UInt8], read: [Float]) {
        var bytes: [UInt8] = []
        try VectorCoding.append(values, element: element, to: &bytes)
        return (bytes, VectorCoding.decode(bytes, element: element, from: 0, count: values.count))
    }

    private func kernel(_ metric: VectorMetric, _ query: [Float], _ bytes: [UInt8], _ element: VectorElement) -> Float {
        let norm = query.withUnsafeBufferPointer { VectorDistance.squaredNorm($0.baseAddress!, dimension: query.count) }
        return query.withUnsafeBufferPointer { q in
            bytes.withUnsafeBytes { v in
                switch element {
                case .float32: VectorDistance.distance(metric, q.baseAddress!, querySquaredNorm: norm, v.baseAddress!, as: Float32Element.self, dimension: query.count)
                case .float16: VectorDistance.distance(metric, q.baseAddress!, querySquaredNorm: norm, v.baseAddress!, as: Float16Element.self, dimension: query.count)
                case .int8: VectorDistance.distance(metric, q.baseAddress!, querySquaredNorm: norm, v.baseAddress!, as: Int8Element.self, dimension: query.count)
                }
            }
        }
    }

    private func randomVector(_ dimension: Int, _ element: VectorElement, using rng: inout SeededRandom) -> [Float] {
        (0..<dimension).map { _ in
            element == .int8 ? Float(Int.random(in: -128...127, using: &rng)) : Float.random(in: -3...3, using: &rng)
        }
    }

    @Test(arguments: VectorMetric.allCases, VectorElement.allCases)
    func kernelMatchesScalarReference(metric: VectorMetric, element: VectorElement) throws {
        var rng = SeededRandom(seed: 11)
        for dimension in Self.dimensions {
            for _ in 0..<20 {
                let query = (0..<dimension).map { _ in Float.random(in: -3...3, using: &rng) }
                let (bytes, read) = try stored(randomVector(dimension, element, using: &rng), element)
                let expected = VectorDistanceReference.distance(metric, query, read)
                let got = Double(kernel(metric, query, bytes, element))
                let scale = element == .int8 ? 400.0 * Double(dimension) : Double(dimension)
                #expect(abs(got - expected) <= 1e-4 * max(1, abs(expected)) + 1e-5 * scale, "dim \(dimension)")
            }
        }
    }

    /// The C kernels, through the dispatch (the widest instruction set this CPU has) and at
    /// baseline, against the reference, at every tail length of the 8- and 16-lane loops.
    @Test func float32KernelsMatchReferenceAtEveryInstructionSet() {
        var rng = SeededRandom(seed: 21)
        for dimension in 1...80 {
            let a = (0..<dimension).map { _ in Float.random(in: -2...2, using: &rng) }
            let b = (0..<dimension).map { _ in Float.random(in: -2...2, using: &rng) }
            let l2 = VectorDistanceReference.distance(.l2, a, b), dot = -VectorDistanceReference.distance(.dot, a, b)
            for (got, expected) in [(strata_l2sq_f32(a, b, dimension), l2), (strata_l2sq_f32_baseline(a, b, dimension), l2),
                                    (strata_dot_f32(a, b, dimension), dot), (strata_dot_f32_baseline(a, b, dimension), dot)] {
                #expect(abs(Double(got) - expected) <= 1e-4 * max(1, abs(expected)), "dimension \(dimension), level \(strata_simd_level())")
            }
        }
        #expect([0, 2, 3].contains(strata_simd_level()))
    }

    /// The float × int8 C kernels, dispatched and at baseline, at every tail length.
    @Test func int8KernelsMatchReferenceAtEveryInstructionSet() {
        var rng = SeededRandom(seed: 22)
        for dimension in 1...80 {
            let a = (0..<dimension).map { _ in Float.random(in: -100...100, using: &rng) }
            let codes = (0..<dimension).map { _ in Int8.random(in: -127...127, using: &rng) }
            let b = codes.map(Float.init)
            let l2 = VectorDistanceReference.distance(.l2, a, b), dot = -VectorDistanceReference.distance(.dot, a, b)
            for (got, expected) in [(strata_l2sq_f32_i8(a, codes, dimension), l2), (strata_l2sq_f32_i8_baseline(a, codes, dimension), l2),
                                    (strata_dot_f32_i8(a, codes, dimension), dot), (strata_dot_f32_i8_baseline(a, codes, dimension), dot)] {
                #expect(abs(Double(got) - expected) <= 1e-4 * max(1, abs(expected)), "dimension \(dimension), level \(strata_simd_level())")
            }
        }
    }

    @Test func cosineOfZeroVectorIsOne() throws {
        let query: [Float] = [1, 2, 3]
        let (bytes, _) = try stored([0, 0, 0], .float32)
        #expect(kernel(.cosine, query, bytes, .float32) == 1)
        #expect(VectorDistanceReference.distance(.cosine, query, [0, 0, 0]) == 1)
    }

    @Test func float16WideningIsExactForEveryBitPattern() {
        var patterns = (0...UInt16.max).map { $0 }
        patterns.append(contentsOf: repeatElement(0, count: 16))  // pad for the last SIMD load
        patterns.withUnsafeBytes { raw in
            for start in stride(from: 0, to: 65536, by: 16) {
                let lanes = Float16Element.load16(raw.baseAddress!, at: start)
                for lane in 0..<16 {
                    let bits = UInt16(start + lane)
                    let expected = Float(float16Bits: bits)
                    let single = Float16Element.load1(raw.baseAddress!, at: start + lane)
                    if expected.isNaN {
                        #expect(lanes[lane].isNaN && single.isNaN)
                    } else {
                        #expect(lanes[lane].bitPattern == expected.bitPattern, "pattern \(bits)")
                        #expect(single.bitPattern == expected.bitPattern, "pattern \(bits)")
                    }
                }
            }
        }
    }

    @Test(arguments: VectorMetric.allCases)
    func batchMatchesSingleKernel(metric: VectorMetric) {
        var rng = SeededRandom(seed: 5)
        let dimension = 37, count = 50
        let matrix = (0..<(dimension * count)).map { _ in Float.random(in: -1...1, using: &rng) }
        let query = (0..<dimension).map { _ in Float.random(in: -1...1, using: &rng) }
        var output = [Float](repeating: .nan, count: count)
        query.withUnsafeBufferPointer { q in
            matrix.withUnsafeBytes { m in
                output.withUnsafeMutableBufferPointer { out in
                    VectorDistance.batch(metric, query: q.baseAddress!, matrix: m.baseAddress!, as: Float32Element.self,
                                         count: count, dimension: dimension, into: out.baseAddress!)
                }
            }
        }
        for row in 0..<count {
            let expected = VectorDistanceReference.distance(metric, query, Array(matrix[(row * dimension)..<((row + 1) * dimension)]))
            #expect(abs(Double(output[row]) - expected) < 1e-4 * max(1, abs(expected)))
        }
    }
}

@Suite struct DistanceHeapTests {
    @Test func boundedInsertKeepsTheBestInOrder() {
        var rng = SeededRandom(seed: 3)
        for limit in [0, 1, 5, 10, 64] {
            var heap = DistanceHeap<UInt32>()
            var all: [(Float, UInt32)] = []
            for id in 0..<500 {
                // Few distinct distances, so ties are common and must break by id.
                let distance = Float(Int.random(in: 0..<40, using: &rng))
                all.append((distance, UInt32(id)))
                heap.insert(distance, UInt32(id), keepingBest: limit)
            }
            let expected = all.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.prefix(limit)
            #expect(heap.sortedBestFirst().map { $0.id } == expected.map { $0.1 })
        }
    }

    @Test func popReturnsWorstFirst() {
        var rng = SeededRandom(seed: 4)
        var heap = DistanceHeap<UInt64>()
        let values = (0..<300).map { _ in Float.random(in: -10...10, using: &rng) }
        for (i, v) in values.enumerated() { heap.push(v, UInt64(i)) }
        var popped: [Float] = []
        while let entry = heap.pop() { popped.append(entry.distance) }
        #expect(popped == values.sorted(by: >))
        #expect(heap.isEmpty)
    }
}
