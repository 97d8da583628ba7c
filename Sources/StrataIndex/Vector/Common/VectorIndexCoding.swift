import StrataCore

/// Decodes any vector index file into its index.
public enum VectorIndexCoding {
    /// The index `bytes` hold.
    /// - Throws: `StrataError.corruption` for damaged or inconsistent bytes,
    ///   `.incompatibleVersion` for a format this reader does not know.
    public static func decode(_ bytes: [UInt8], path: String) throws(StrataError) -> any VectorIndex {
        let file = try VectorIndexFileReader(bytes, path: path)
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
