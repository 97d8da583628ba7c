import StrataCore
import StrataKernels

extension HNSWIndex {
    /// Parameters section layout (u64 each), in this order.
    private enum Parameter: Int, CaseIterable {
        case m, efConstruction, efSearch, seed, entryPoint, maxLevel, generatorState, normBound
    }

    public func fileWriter() -> VectorIndexFileWriter {
        var writer = VectorIndexFileWriter(kind: .hnsw, metric: metric, dimension: dimension, count: count)
        var values = [UInt64](repeating: 0, count: Parameter.allCases.count)
        values[Parameter.m.rawValue] = UInt64(parameters.m)
        values[Parameter.efConstruction.rawValue] = UInt64(parameters.efConstruction)
        values[Parameter.efSearch.rawValue] = UInt64(parameters.efSearch)
        values[Parameter.seed.rawValue] = parameters.seed
        values[Parameter.entryPoint.rawValue] = UInt64(graph.entryPoint)
        values[Parameter.maxLevel.rawValue] = UInt64(bitPattern: Int64(graph.maxLevel))
        values[Parameter.generatorState.rawValue] = levelGenerator.state
        values[Parameter.normBound.rawValue] = UInt64(normBound.bitPattern)
        writer.addSection(.parameters, integers: values)
        writer.addSection(.vectors, floatRuns: store.runs())
        writer.addSection(.hnswLevels, bytes: graph.levels)
        writer.addSection(.hnswLevel0, words: graph.level0)
        writer.addSection(.hnswUpperOffsets, words: graph.upperOffsets)
        writer.addSection(.hnswUpperLinks, words: graph.upperLinks)
        return writer
    }

    /// Decodes an HNSW index file, checking every structural bound a search relies on
    /// (list counts, neighbour ids, upper-level offsets), so that a damaged file raises
    /// `StrataError.corruption` instead of steering a search out of bounds.
    static func decode(_ file: VectorIndexFileReader) throws(StrataError) -> HNSWIndex {
        let values = try file.section(.parameters, of: UInt64.self, expected: Parameter.allCases.count)
        let parameters = HNSWParameters(
            m: Int(clamping: values[Parameter.m.rawValue]), efConstruction: Int(clamping: values[Parameter.efConstruction.rawValue]),
            efSearch: Int(clamping: values[Parameter.efSearch.rawValue]), seed: values[Parameter.seed.rawValue])
        do { try parameters.validate() } catch { throw file.malformed("HNSW parameters: \(error)") }
        let n = file.count
        var graph = HNSWGraph(m: parameters.m)
        let storedDimension = file.metric == .dot ? file.dimension + 1 : file.dimension
        let vectors = try file.section(.vectors, of: Float.self, expected: n * storedDimension)
        let normBound = Float(bitPattern: UInt32(truncatingIfNeeded: values[Parameter.normBound.rawValue]))
        guard normBound.isFinite, normBound >= 0 else { throw file.malformed("HNSW norm bound \(normBound)") }
        graph.levels = try file.section(.hnswLevels, of: UInt8.self, expected: n)
        graph.level0 = try file.section(.hnswLevel0, of: UInt32.self, expected: n * (graph.m0 + 1))
        graph.upperOffsets = try file.section(.hnswUpperOffsets, of: UInt32.self, expected: n)
        graph.upperLinks = try file.section(.hnswUpperLinks, of: UInt32.self)
        let maxLevel = Int64(bitPattern: values[Parameter.maxLevel.rawValue])
        let entryPoint = values[Parameter.entryPoint.rawValue]
        guard n == 0 ? maxLevel == -1 : (entryPoint < UInt64(n) && maxLevel == Int64(graph.levels[Int(entryPoint)])) else {
            throw file.malformed("HNSW entry point \(entryPoint) at level \(maxLevel)")
        }
        graph.entryPoint = UInt32(entryPoint)
        graph.maxLevel = Int(maxLevel)
        try validateLinks(graph, file: file)
        guard vectors.allSatisfy(\.isFinite) else { throw file.malformed("non-finite vector element") }
        let store = VectorStore(dimension: storedDimension, metric: file.metric == .dot ? .l2 : file.metric, storedValues: vectors)
        return HNSWIndex(parameters: parameters, metric: file.metric, normBound: normBound, store: store,
                         graph: graph, levelGenerator: SeededGenerator(state: values[Parameter.generatorState.rawValue]))
    }

    private static func validateLinks(_ graph: HNSWGraph, file: VectorIndexFileReader) throws(StrataError) {
        let n = graph.nodeCount
        var upperEnd = 0
        for node in 0..<n {
            let level = Int(graph.levels[node])
            guard level <= graph.maxLevel else { throw file.malformed("HNSW node \(node) above the top level") }
            if level > 0 {
                let start = Int(graph.upperOffsets[node])
                guard start == upperEnd, start + level * (graph.m + 1) <= graph.upperLinks.count else {
                    throw file.malformed("HNSW node \(node): upper lists at \(start)")
                }
                upperEnd = start + level * (graph.m + 1)
            }
            for l in 0...level {
                let slots = l == 0 ? graph.m0 : graph.m
                let start = l == 0 ? node * (graph.m0 + 1) : Int(graph.upperOffsets[node]) + (l - 1) * (graph.m + 1)
                let linkCount = Int(l == 0 ? graph.level0[start] : graph.upperLinks[start])
                guard linkCount <= slots else { throw file.malformed("HNSW node \(node) level \(l): \(linkCount) links") }
                for neighbour in graph.neighbours(of: UInt32(node), level: l) where Int(neighbour) >= n || Int(graph.levels[Int(neighbour)]) < l {
                    throw file.malformed("HNSW node \(node) level \(l): link to \(neighbour)")
                }
            }
        }
        guard upperEnd == graph.upperLinks.count else { throw file.malformed("HNSW upper lists: \(graph.upperLinks.count) slots, \(upperEnd) used") }
    }
}
