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

/// Writes a vector index file: a fixed header, a section table, and the sections, each
/// checksummed with XXH3-64 (layout in `spec/indexes.md` §1). Sections are held by reference
/// to the index's own arrays (no copies) and streamed out in chunks, so writing a file never
/// holds a second copy of the index in memory.
public struct VectorIndexFileWriter: Sendable {
    static let magic: [UInt8] = Array("STVI".utf8)
    static let formatVersion: UInt16 = 1
    static let headerSize = 32
    static let tableEntrySize = 32

    /// One section's contents: one of the index's arrays, shared, not copied.
    enum Payload: Sendable {
        case floats([Float]), words([UInt32]), integers([UInt64]), bytes([UInt8])

        func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            switch self {
            case let .floats(a): return a.withUnsafeBytes(body)
            case let .words(a): return a.withUnsafeBytes(body)
            case let .integers(a): return a.withUnsafeBytes(body)
            case let .bytes(a): return a.withUnsafeBytes(body)
            }
        }
    }

    private let header: (kind: VectorIndexKind, metric: VectorMetric, dimension: Int, count: Int)
    /// Each section's contents: one or more arrays, written back to back.
    private var sections: [(id: VectorIndexSection, payload: [Payload])] = []

    init(kind: VectorIndexKind, metric: VectorMetric, dimension: Int, count: Int) {
        header = (kind, metric, dimension, count)
    }

    mutating func addSection(_ id: VectorIndexSection, floats: [Float]) { sections.append((id, [.floats(floats)])) }
    /// A section made of several arrays back to back (a vector store's runs).
    mutating func addSection(_ id: VectorIndexSection, floatRuns: [[Float]]) { sections.append((id, floatRuns.map { .floats($0) })) }
    mutating func addSection(_ id: VectorIndexSection, words: [UInt32]) { sections.append((id, [.words(words)])) }
    mutating func addSection(_ id: VectorIndexSection, integers: [UInt64]) { sections.append((id, [.integers(integers)])) }
    mutating func addSection(_ id: VectorIndexSection, bytes: [UInt8]) { sections.append((id, [.bytes(bytes)])) }

    /// The same file without its vectors section (they go to segment files).
    public func withoutVectors() -> VectorIndexFileWriter {
        var copy = self
        copy.sections.removeAll { $0.id == .vectors }
        return copy
    }

    /// A vector segment file: the stored vectors of ids `first..<store.count`, as a file of
    /// kind flat whose metric and dimension are the store's (`spec/indexes.md` §1.5).
    public static func vectorSegment(_ store: VectorStore, from first: Int) -> VectorIndexFileWriter {
        var writer = VectorIndexFileWriter(kind: .flat, metric: store.metric, dimension: store.dimension, count: store.count - first)
        writer.addSection(.vectors, floatRuns: store.runs(from: first))
        return writer
    }

    private static func length(_ payload: [Payload]) -> Int { payload.reduce(0) { $0 + $1.withBytes { $0.count } } }

    /// The XXH3-64 of the arrays back to back.
    private static func checksum(_ payload: [Payload]) -> UInt64 {
        if payload.count == 1 { return payload[0].withBytes { Checksum.xxh3($0) } }
        var stream = Checksum.XXH3Stream()
        for part in payload { part.withBytes { stream.update($0) } }
        return stream.digest()
    }

    /// The header, section table and its checksum (the file's first bytes).
    private func head() -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: Self.magic)
        out.appendLittleEndian(Self.formatVersion)
        out.append(VectorIndexFileReader.kindCodes[header.kind]!)
        out.append(VectorIndexFileReader.metricCodes[header.metric]!)
        out.appendLittleEndian(UInt32(header.dimension))
        out.appendLittleEndian(UInt32(0))  // reserved
        out.appendLittleEndian(UInt64(header.count))
        out.appendLittleEndian(UInt32(sections.count))
        out.appendLittleEndian(UInt32(0))  // reserved
        var offset = Self.headerSize + sections.count * Self.tableEntrySize + 8
        for section in sections {
            offset = (offset + 7) & ~7
            let length = Self.length(section.payload)
            out.appendLittleEndian(section.id.rawValue)
            out.appendLittleEndian(UInt32(0))  // reserved
            out.appendLittleEndian(UInt64(offset))
            out.appendLittleEndian(UInt64(length))
            out.appendLittleEndian(Self.checksum(section.payload))
            offset += length
        }
        out.appendLittleEndian(Checksum.xxh3(out))  // covers header and section table
        return out
    }

    /// Total bytes of the file.
    public var byteCount: Int {
        var size = Self.headerSize + sections.count * Self.tableEntrySize + 8
        for section in sections { size = (size + 7) & ~7 + Self.length(section.payload) }
        return size + Self.magic.count
    }

    /// The file's parts in order: header and table, then each section after its alignment
    /// padding, then the closing magic.
    private func parts() -> [Payload] {
        var parts: [Payload] = [.bytes(head())]
        var offset = Self.headerSize + sections.count * Self.tableEntrySize + 8
        for section in sections {
            let pad = (8 - offset % 8) % 8
            if pad > 0 { parts.append(.bytes([UInt8](repeating: 0, count: pad))) }
            parts += section.payload
            offset += pad + Self.length(section.payload)
        }
        parts.append(.bytes(Self.magic))
        return parts
    }

    /// The file's bytes in order, in chunks of at most `chunkSize`, made one at a time (a
    /// writer can await between them).
    public func chunks(size chunkSize: Int = 4 << 20) -> Chunks { Chunks(parts: parts(), chunkSize: chunkSize) }

    /// An iterator over a file's bytes in chunks.
    public struct Chunks: IteratorProtocol, Sendable {
        let parts: [Payload]
        let chunkSize: Int
        var part = 0
        var offset = 0

        /// The next chunk, or nil at the end.
        public mutating func next() -> [UInt8]? {
            while part < parts.count {
                let (chunk, done) = parts[part].withBytes { raw -> ([UInt8], Bool) in
                    let end = min(offset + chunkSize, raw.count)
                    return (Array(UnsafeRawBufferPointer(rebasing: raw[offset..<end])), end == raw.count)
                }
                if done { part += 1; offset = 0 } else { offset += chunk.count }
                if !chunk.isEmpty { return chunk }
            }
            return nil
        }
    }

    /// The whole file in one array (tests, fuzzing, small indexes).
    func finish() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(byteCount)
        var iterator = chunks()
        while let chunk = iterator.next() { out.append(contentsOf: chunk) }
        return out
    }
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
    private let bytes: [UInt8]
    private var ranges: [VectorIndexSection: Range<Int>] = [:]
    /// The vectors when they live in separate segment files (`spec/indexes.md` §1.5).
    var externalVectors: [Float]?

    init(_ bytes: [UInt8], path: String) throws(StrataError) {
        self.bytes = bytes
        self.path = path
        let headerSize = VectorIndexFileWriter.headerSize
        guard bytes.count >= headerSize + 8 + 4 else { throw Self.corrupt(path, nil, .truncated, "file of \(bytes.count) bytes") }
        guard Array(bytes[0..<4]) == VectorIndexFileWriter.magic else { throw Self.corrupt(path, 0, .badMagic, "not a Strata vector index file") }
        guard Array(bytes[(bytes.count - 4)...]) == VectorIndexFileWriter.magic else {
            throw Self.corrupt(path, UInt64(bytes.count - 4), .truncated, "no closing magic: the file is cut short")
        }
        let version = bytes.loadLE(UInt16.self, at: 4)
        guard version == VectorIndexFileWriter.formatVersion else {
            throw .incompatibleVersion(path: path, found: "vector index format \(version)", supported: "\(VectorIndexFileWriter.formatVersion)")
        }
        let sectionCount = Int(bytes.loadLE(UInt32.self, at: 24))
        let tableEnd = headerSize + sectionCount * VectorIndexFileWriter.tableEntrySize
        guard sectionCount <= VectorIndexSection.allCases.count, tableEnd + 8 <= bytes.count else {
            throw Self.corrupt(path, 24, .malformedMetadata, "section count \(sectionCount)")
        }
        guard Checksum.xxh3(bytes, range: 0..<tableEnd) == bytes.loadLE(UInt64.self, at: tableEnd) else {
            throw Self.corrupt(path, UInt64(tableEnd), .checksumMismatch, "header and section table")
        }
        guard let kind = Self.kindCodes.first(where: { $0.value == bytes[6] })?.key,
              let metric = Self.metricCodes.first(where: { $0.value == bytes[7] })?.key else {
            throw .unsupportedFeature(path: path, feature: "vector index kind \(bytes[6]) with metric \(bytes[7])")
        }
        let dimension = Int(bytes.loadLE(UInt32.self, at: 8))
        let count = bytes.loadLE(UInt64.self, at: 16)
        guard (1...DataType.maxVectorDimension).contains(dimension), count <= UInt64(UInt32.max) else {
            throw Self.corrupt(path, 8, .malformedMetadata, "dimension \(dimension), count \(count)")
        }
        (self.kind, self.metric, self.dimension, self.count) = (kind, metric, dimension, Int(count))
        let dataEnd = bytes.count - 4
        for s in 0..<sectionCount {
            let entry = headerSize + s * VectorIndexFileWriter.tableEntrySize
            let offset = bytes.loadLE(UInt64.self, at: entry + 8), length = bytes.loadLE(UInt64.self, at: entry + 16)
            guard let id = VectorIndexSection(rawValue: bytes.loadLE(UInt32.self, at: entry)), ranges[id] == nil,
                  offset >= UInt64(tableEnd + 8), offset <= UInt64(dataEnd), length <= UInt64(dataEnd) - offset else {
                throw Self.corrupt(path, UInt64(entry), .malformedMetadata, "section table entry \(s)")
            }
            let range = Int(offset)..<Int(offset + length)
            guard Checksum.xxh3(bytes, range: range) == bytes.loadLE(UInt64.self, at: entry + 24) else {
                throw Self.corrupt(path, offset, .checksumMismatch, "section \(id)")
            }
            ranges[id] = range
        }
    }

    /// The section's elements, checking that there are exactly `expected` (when given).
    func section<T: BitwiseCopyable>(_ id: VectorIndexSection, of type: T.Type, expected: Int? = nil) throws(StrataError) -> [T] {
        if id == .vectors, let external = externalVectors {
            guard ranges[id] == nil else { throw malformed("vectors both in the file and in segment files") }
            guard let values = external as? [T], expected == nil || values.count == expected! else {
                throw malformed("the segment files hold \(external.count) vector elements, the index needs \(expected ?? 0)")
            }
            return values
        }
        guard let range = ranges[id] else { throw Self.corrupt(path, nil, .malformedMetadata, "missing section \(id)") }
        let size = MemoryLayout<T>.size
        guard range.count % size == 0, expected == nil || range.count / size == expected! else {
            throw Self.corrupt(path, UInt64(range.lowerBound), .malformedMetadata,
                               "section \(id) holds \(range.count) bytes, expected \(expected.map { "\($0 * size)" } ?? "a multiple of \(size)")")
        }
        return [T](unsafeUninitializedCapacity: range.count / size) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[range]))
            }
            initialized = range.count / size
        }
    }

    /// A corruption error for a structural problem the index decoders find.
    func malformed(_ detail: String) -> StrataError {
        Self.corrupt(path, nil, .malformedMetadata, detail)
    }

    static func corrupt(_ path: String, _ offset: UInt64?, _ kind: CorruptionKind, _ detail: String) -> StrataError {
        .corruption(path: path, offset: offset, kind: kind, detail: detail)
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    func loadLE<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
