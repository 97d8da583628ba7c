import StrataCore
import StrataKernels

/// The sections a vector index file can hold (`spec/indexes.md` §2 lists their contents).
/// Raw values are stored in the section table and never reused.
public enum VectorIndexSection: UInt32, Sendable, CaseIterable {
    /// float32 × count × dimension: the vectors in stored form.
    case vectors = 1
    /// u64 values: the kind's build parameters and scalar state.
    case parameters = 2
    /// u8 × count: each HNSW node's top level.
    case hnswLevels = 3
    /// u32 × count × (M0 + 1): level-0 neighbour lists, each a count then the slots.
    case hnswLevel0 = 4
    /// u32 × count: where each node's upper-level lists start in `hnswUpperLinks`.
    case hnswUpperOffsets = 5
    /// u32: upper-level neighbour lists, (M + 1) slots per level per node.
    case hnswUpperLinks = 6
    /// float32 × partitions × dimension: IVF centroids.
    case ivfCentroids = 7
    /// float32 × subvectors × 256 × subdimension: PQ codebooks.
    case pqCodebooks = 8
    /// u64 × (partitions + 1): where each partition's entries start.
    case ivfListOffsets = 9
    /// u32 × count: the ids in partition order.
    case ivfListIds = 10
    /// u8 × count × subvectors: the PQ codes in partition order.
    case pqCodes = 11
}

/// Writes a vector index file: the index container (`SectionedFile`, `spec/indexes.md` §1)
/// with magic "STVI", whose header fields are the kind, the metric, the dimension and the
/// vector count. Sections are held by reference to the index's own arrays and streamed out.
public struct VectorIndexFileWriter: Sendable {
    static let magic: [UInt8] = Array("STVI".utf8)
    static let formatVersion: UInt16 = 1

    private var file: SectionedFile.Writer

    init(kind: VectorIndexKind, metric: VectorMetric, dimension: Int, count: Int) {
        var fields: [UInt8] = [VectorIndexFileReader.kindCodes[kind]!, VectorIndexFileReader.metricCodes[metric]!]
        fields.appendLittleEndian(UInt32(dimension))
        fields.appendLittleEndian(UInt32(0))  // reserved
        fields.appendLittleEndian(UInt64(count))
        file = SectionedFile.Writer(magic: Self.magic, version: Self.formatVersion, fields: fields)
    }

    mutating func addSection(_ id: VectorIndexSection, floats: [Float]) { file.sections.append((id.rawValue, [.floats(floats)])) }
    /// A section made of several arrays back to back (a vector store's runs).
    mutating func addSection(_ id: VectorIndexSection, floatRuns: [[Float]]) { file.sections.append((id.rawValue, floatRuns.map { .floats($0) })) }
    mutating func addSection(_ id: VectorIndexSection, words: [UInt32]) { file.sections.append((id.rawValue, [.words(words)])) }
    mutating func addSection(_ id: VectorIndexSection, integers: [UInt64]) { file.sections.append((id.rawValue, [.integers(integers)])) }
    mutating func addSection(_ id: VectorIndexSection, bytes: [UInt8]) { file.sections.append((id.rawValue, [.bytes(bytes)])) }

    /// The same file without its vectors section (they go to segment files).
    public func withoutVectors() -> VectorIndexFileWriter {
        var copy = self
        copy.file.sections.removeAll { $0.id == VectorIndexSection.vectors.rawValue }
        return copy
    }

    /// A vector segment file: the stored vectors of ids `first..<store.count`, as a file of
    /// kind flat whose metric and dimension are the store's (`spec/indexes.md` §1.5).
    public static func vectorSegment(_ store: VectorStore, from first: Int) -> VectorIndexFileWriter {
        var writer = VectorIndexFileWriter(kind: .flat, metric: store.metric, dimension: store.dimension, count: store.count - first)
        writer.addSection(.vectors, floatRuns: store.runs(from: first))
        return writer
    }

    /// Total bytes of the file.
    public var byteCount: Int { file.byteCount }

    /// The file's bytes in order, in chunks of at most `chunkSize`, made one at a time (a
    /// writer can await between them).
    public func chunks(size chunkSize: Int = 4 << 20) -> SectionedFile.Chunks { file.chunks(size: chunkSize) }

    /// The whole file in one array (tests, fuzzing, small indexes).
    func finish() -> [UInt8] { file.finish() }
}

/// Reads and validates a vector index file. Every length, offset and checksum is checked
/// before use; damage raises `StrataError.corruption`, never a trap.
struct VectorIndexFileReader {
    static let kindCodes: [VectorIndexKind: UInt8] = [.flat: 1, .ivfPQ: 2, .hnsw: 3]
    static let metricCodes: [VectorMetric: UInt8] = [.l2: 1, .cosine: 2, .dot: 3]

    let path: String
    let kind: VectorIndexKind
    let metric: VectorMetric
    let dimension: Int
    let count: Int
    private let file: SectionedFile.Reader
    /// The vectors when they live in separate segment files (`spec/indexes.md` §1.5).
    var externalVectors: [Float]?

    init(_ bytes: [UInt8], path: String) throws(StrataError) {
        self.path = path
        file = try SectionedFile.Reader(bytes, path: path, magic: VectorIndexFileWriter.magic, version: VectorIndexFileWriter.formatVersion,
                                        what: "vector index", knownSections: Set(VectorIndexSection.allCases.map(\.rawValue)))
        let fields = Array(file.fields)
        guard let kind = Self.kindCodes.first(where: { $0.value == fields[0] })?.key,
              let metric = Self.metricCodes.first(where: { $0.value == fields[1] })?.key else {
            throw .unsupportedFeature(path: path, feature: "vector index kind \(fields[0]) with metric \(fields[1])")
        }
        let dimension = Int(fields.loadLE(UInt32.self, at: 2))
        let count = fields.loadLE(UInt64.self, at: 10)
        guard (1...DataType.maxVectorDimension).contains(dimension), count <= UInt64(UInt32.max) else {
            throw SectionedFile.Reader.corrupt(path, 8, .malformedMetadata, "dimension \(dimension), count \(count)")
        }
        (self.kind, self.metric, self.dimension, self.count) = (kind, metric, dimension, Int(count))
    }

    /// The section's elements, checking that there are exactly `expected` (when given).
    func section<T: BitwiseCopyable>(_ id: VectorIndexSection, of type: T.Type, expected: Int? = nil) throws(StrataError) -> [T] {
        if id == .vectors, let external = externalVectors {
            guard file.ranges[id.rawValue] == nil else { throw malformed("vectors both in the file and in segment files") }
            guard let values = external as? [T], expected == nil || values.count == expected! else {
                throw malformed("the segment files hold \(external.count) vector elements, the index needs \(expected ?? 0)")
            }
            return values
        }
        return try file.section(id.rawValue, named: "\(id)", of: type, expected: expected)
    }

    /// A corruption error for a structural problem the index decoders find.
    func malformed(_ detail: String) -> StrataError {
        SectionedFile.Reader.corrupt(path, nil, .malformedMetadata, detail)
    }
}
