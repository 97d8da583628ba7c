import StrataCore

/// Decodes any vector index file into its index.
public enum VectorIndexCoding {
    /// The index `bytes` hold.
    /// - Throws: `StrataError.corruption` for damaged or inconsistent bytes,
    ///   `.incompatibleVersion` for a format this reader does not know.
    public static func decode(_ bytes: [UInt8], path: String) throws(StrataError) -> any VectorIndex {
        try decode(VectorIndexFileReader(bytes, path: path))
    }

    /// The index `bytes` hold, its vectors taken from `segments` (files written by
    /// `VectorIndexFileWriter.vectorSegment`, in id order) instead of the file.
    /// - Throws: `StrataError.corruption` for damaged or inconsistent files (a segment of
    ///   another dimension, counts that do not add up, vectors in both places).
    public static func decode(_ bytes: [UInt8], path: String, segments: [(bytes: [UInt8], path: String)]) throws(StrataError) -> any VectorIndex {
        var file = try VectorIndexFileReader(bytes, path: path)
        var vectors: [Float] = []
        var dimension: Int?
        for segment in segments {
            let reader = try VectorIndexFileReader(segment.bytes, path: segment.path)
            guard reader.kind == .flat, dimension == nil || reader.dimension == dimension else {
                throw reader.malformed("not a vector segment of dimension \(dimension ?? reader.dimension)")
            }
            dimension = reader.dimension
            vectors += try reader.section(.vectors, of: Float.self, expected: reader.count * reader.dimension)
        }
        guard vectors.allSatisfy(\.isFinite) else { throw file.malformed("non-finite vector element in a segment") }
        file.externalVectors = vectors
        return try decode(file)
    }

    private static func decode(_ file: VectorIndexFileReader) throws(StrataError) -> any VectorIndex {
        switch file.kind {
        case .flat:
            let values = try file.section(.vectors, of: Float.self, expected: file.count * file.dimension)
            guard values.allSatisfy(\.isFinite) else { throw file.malformed("non-finite vector element") }
            return FlatIndex(store: VectorStore(dimension: file.dimension, metric: file.metric, storedValues: values))
        case .hnsw:
            return try HNSWIndex.decode(file)
        case .ivfPQ:
            return try IVFPQIndex.decode(file)
        }
    }
}
