import StrataCore
import StrataKernels

extension IVFPQIndex {
    /// Parameters section layout (u64 each), in this order.
    private enum Parameter: Int, CaseIterable {
        case partitions, subvectors, nprobes, refine, iterations, sampleSize, seed
    }

    public func fileWriter() -> VectorIndexFileWriter {
        var writer = VectorIndexFileWriter(kind: .ivfPQ, metric: metric, dimension: dimension, count: count)
        var values = [UInt64](repeating: 0, count: Parameter.allCases.count)
        values[Parameter.partitions.rawValue] = UInt64(partitions)
        values[Parameter.subvectors.rawValue] = UInt64(quantizer.subvectors)
        values[Parameter.nprobes.rawValue] = UInt64(parameters.nprobes!)
        values[Parameter.refine.rawValue] = UInt64(parameters.refine!)
        values[Parameter.iterations.rawValue] = UInt64(parameters.iterations!)
        values[Parameter.sampleSize.rawValue] = UInt64(parameters.sampleSize ?? 0)
        values[Parameter.seed.rawValue] = parameters.seed
        writer.addSection(.parameters, integers: values)
        writer.addSection(.vectors, floatRuns: store.runs())
        writer.addSection(.ivfCentroids, floats: centroids)
        writer.addSection(.pqCodebooks, floats: quantizer.codebooks)
        var offsets: [UInt64] = [0]
        for ids in listIDs { offsets.append(offsets.last! + UInt64(ids.count)) }
        writer.addSection(.ivfListOffsets, integers: offsets)
        writer.addSection(.ivfListIds, words: listIDs.flatMap { $0 })
        writer.addSection(.pqCodes, bytes: listCodes.flatMap { $0 })
        return writer
    }

    /// Decodes an IVF-PQ index file, checking the partition table, that every id appears
    /// exactly once, and the sizes of codes, centroids and codebooks.
    static func decode(_ file: VectorIndexFileReader) throws(StrataError) -> IVFPQIndex {
        let values = try file.section(.parameters, of: UInt64.self, expected: Parameter.allCases.count)
        let n = file.count, dimension = file.dimension
        let partitions = Int(clamping: values[Parameter.partitions.rawValue]), m = Int(clamping: values[Parameter.subvectors.rawValue])
        guard (1...65_536).contains(partitions), (1...dimension).contains(m) else {
            throw file.malformed("IVF-PQ with \(partitions) partitions and \(m) subvectors")
        }
        let sample = Int(clamping: values[Parameter.sampleSize.rawValue])
        let parameters = IVFPQParameters(
            partitions: partitions, subvectors: m, nprobes: Int(clamping: values[Parameter.nprobes.rawValue]),
            refine: Int(clamping: values[Parameter.refine.rawValue]), iterations: Int(clamping: values[Parameter.iterations.rawValue]),
            sampleSize: sample == 0 ? nil : sample, seed: values[Parameter.seed.rawValue])
        guard parameters.nprobes! >= 1, parameters.refine! <= 1000 else { throw file.malformed("IVF-PQ search defaults") }
        let vectors = try file.section(.vectors, of: Float.self, expected: n * dimension)
        let centroids = try file.section(.ivfCentroids, of: Float.self, expected: partitions * dimension)
        let codebooks = try file.section(.pqCodebooks, of: Float.self, expected: dimension * ProductQuantizer.centroidsPerSubvector)
        let offsets = try file.section(.ivfListOffsets, of: UInt64.self, expected: partitions + 1)
        let ids = try file.section(.ivfListIds, of: UInt32.self, expected: n)
        let codes = try file.section(.pqCodes, of: UInt8.self, expected: n * m)
        guard offsets.first == 0, offsets.last == UInt64(n), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw file.malformed("IVF-PQ partition offsets")
        }
        var seen = [Bool](repeating: false, count: n)
        for id in ids {
            guard Int(id) < n, !seen[Int(id)] else { throw file.malformed("IVF-PQ id \(id) out of range or listed twice") }
            seen[Int(id)] = true
        }
        guard vectors.allSatisfy(\.isFinite), centroids.allSatisfy(\.isFinite), codebooks.allSatisfy(\.isFinite) else {
            throw file.malformed("non-finite vector, centroid or codebook element")
        }
        var listIDs: [[UInt32]] = [], listCodes: [[UInt8]] = []
        for p in 0..<partitions {
            let range = Int(offsets[p])..<Int(offsets[p + 1])
            listIDs.append(Array(ids[range]))
            listCodes.append(Array(codes[(range.lowerBound * m)..<(range.upperBound * m)]))
        }
        return IVFPQIndex(parameters: parameters, store: VectorStore(dimension: dimension, metric: file.metric, storedValues: vectors),
                          centroids: centroids, quantizer: ProductQuantizer(dimension: dimension, subvectors: m, codebooks: codebooks),
                          listIDs: listIDs, listCodes: listCodes)
    }
}
