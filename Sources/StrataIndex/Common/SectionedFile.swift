import StrataCore
import StrataKernels

/// The container of every index file (`spec/indexes.md` §1.1): a 32-byte header — magic (4
/// bytes), format version (u16), 18 bytes of the kind's own fields, the section count (u32),
/// 4 reserved bytes — then a table of 32-byte section entries (id u32, reserved u32, offset
/// u64, length u64, XXH3-64 of the section), the XXH3-64 of header and table, the sections
/// (each 8-byte aligned, zero padding), and the magic again. All integers little-endian.
public enum SectionedFile {
    static let headerSize = 32
    static let tableEntrySize = 32
    /// Where the kind's own header fields sit.
    static let fieldsRange = 6..<24

    /// One part of a section's contents: an array of the index's, shared, not copied.
    enum Payload: Sendable {
        case floats([Float]), doubles([Double]), words([UInt32]), integers([UInt64]), bytes([UInt8])

        func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            switch self {
            case let .floats(a): return a.withUnsafeBytes(body)
            case let .doubles(a): return a.withUnsafeBytes(body)
            case let .words(a): return a.withUnsafeBytes(body)
            case let .integers(a): return a.withUnsafeBytes(body)
            case let .bytes(a): return a.withUnsafeBytes(body)
            }
        }
    }

    /// Writes the container. Sections are held by reference to the index's own arrays and
    /// streamed out in chunks, so writing a file never holds a second copy of the index.
    struct Writer: Sendable {
        let magic: [UInt8]
        let version: UInt16
        /// The kind's 18 header bytes.
        let fields: [UInt8]
        /// Each section's contents: one or more arrays, written back to back.
        var sections: [(id: UInt32, payload: [Payload])] = []

        init(magic: [UInt8], version: UInt16, fields: [UInt8]) {
            precondition(magic.count == 4 && fields.count == SectionedFile.fieldsRange.count, "bad container header")
            self.magic = magic
            self.version = version
            self.fields = fields
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
            var out = magic
            out.appendLittleEndian(version)
            out += fields
            out.appendLittleEndian(UInt32(sections.count))
            out.appendLittleEndian(UInt32(0))  // reserved
            var offset = SectionedFile.headerSize + sections.count * SectionedFile.tableEntrySize + 8
            for section in sections {
                offset = (offset + 7) & ~7
                let length = Self.length(section.payload)
                out.appendLittleEndian(section.id)
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
        var byteCount: Int {
            var size = SectionedFile.headerSize + sections.count * SectionedFile.tableEntrySize + 8
            for section in sections { size = (size + 7) & ~7 + Self.length(section.payload) }
            return size + magic.count
        }

        /// The file's parts in order: header and table, then each section after its alignment
        /// padding, then the closing magic.
        private func parts() -> [Payload] {
            var parts: [Payload] = [.bytes(head())]
            var offset = SectionedFile.headerSize + sections.count * SectionedFile.tableEntrySize + 8
            for section in sections {
                let pad = (8 - offset % 8) % 8
                if pad > 0 { parts.append(.bytes([UInt8](repeating: 0, count: pad))) }
                parts += section.payload
                offset += pad + Self.length(section.payload)
            }
            parts.append(.bytes(magic))
            return parts
        }

        /// The file's bytes in order, in chunks of at most `chunkSize`.
        func chunks(size chunkSize: Int = 4 << 20) -> Chunks { Chunks(parts: parts(), chunkSize: chunkSize) }

        /// The whole file in one array.
        func finish() -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(byteCount)
            var iterator = chunks()
            while let chunk = iterator.next() { out.append(contentsOf: chunk) }
            return out
        }
    }

    /// An iterator over a file's bytes in chunks, made one at a time (a writer can await
    /// between them).
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

    /// Reads and validates the container: magics, version, header and table checksum, every
    /// section's bounds and checksum, before anything is used. Damage raises `.corruption`
    /// (or `.incompatibleVersion`), never a trap.
    struct Reader {
        let path: String
        /// The kind's 18 header bytes.
        let fields: ArraySlice<UInt8>
        let bytes: [UInt8]
        private(set) var ranges: [UInt32: Range<Int>] = [:]

        /// - Parameters:
        ///   - what: the file's name in messages ("vector index").
        ///   - knownSections: the section ids this kind defines; any other is corruption.
        init(_ bytes: [UInt8], path: String, magic: [UInt8], version: UInt16, what: String, knownSections: Set<UInt32>) throws(StrataError) {
            self.bytes = bytes
            self.path = path
            let headerSize = SectionedFile.headerSize
            guard bytes.count >= headerSize + 8 + 4 else { throw Self.corrupt(path, nil, .truncated, "file of \(bytes.count) bytes") }
            guard Array(bytes[0..<4]) == magic else { throw Self.corrupt(path, 0, .badMagic, "not a Strata \(what) file") }
            guard Array(bytes[(bytes.count - 4)...]) == magic else {
                throw Self.corrupt(path, UInt64(bytes.count - 4), .truncated, "no closing magic: the file is cut short")
            }
            let found = bytes.loadLE(UInt16.self, at: 4)
            guard found == version else {
                throw .incompatibleVersion(path: path, found: "\(what) format \(found)", supported: "\(version)")
            }
            let sectionCount = Int(bytes.loadLE(UInt32.self, at: 24))
            let tableEnd = headerSize + sectionCount * SectionedFile.tableEntrySize
            guard sectionCount <= knownSections.count, tableEnd + 8 <= bytes.count else {
                throw Self.corrupt(path, 24, .malformedMetadata, "section count \(sectionCount)")
            }
            guard Checksum.xxh3(bytes, range: 0..<tableEnd) == bytes.loadLE(UInt64.self, at: tableEnd) else {
                throw Self.corrupt(path, UInt64(tableEnd), .checksumMismatch, "header and section table")
            }
            fields = bytes[SectionedFile.fieldsRange]
            let dataEnd = bytes.count - 4
            for s in 0..<sectionCount {
                let entry = headerSize + s * SectionedFile.tableEntrySize
                let id = bytes.loadLE(UInt32.self, at: entry)
                let offset = bytes.loadLE(UInt64.self, at: entry + 8), length = bytes.loadLE(UInt64.self, at: entry + 16)
                guard knownSections.contains(id), ranges[id] == nil,
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

        /// Section `id`'s elements, checking that there are exactly `expected` (when given).
        /// `name` names it in messages.
        func section<T: BitwiseCopyable>(_ id: UInt32, named name: String, of type: T.Type, expected: Int? = nil) throws(StrataError) -> [T] {
            guard let range = ranges[id] else { throw Self.corrupt(path, nil, .malformedMetadata, "missing section \(name)") }
            let size = MemoryLayout<T>.size
            guard range.count % size == 0, expected == nil || range.count / size == expected! else {
                throw Self.corrupt(path, UInt64(range.lowerBound), .malformedMetadata,
                                   "section \(name) holds \(range.count) bytes, expected \(expected.map { "\($0 * size)" } ?? "a multiple of \(size)")")
            }
            return [T](unsafeUninitializedCapacity: range.count / size) { buffer, initialized in
                bytes.withUnsafeBytes { raw in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[range]))
                }
                initialized = range.count / size
            }
        }

        static func corrupt(_ path: String, _ offset: UInt64?, _ kind: CorruptionKind, _ detail: String) -> StrataError {
            .corruption(path: path, offset: offset, kind: kind, detail: detail)
        }
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    func loadLE<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    /// `withUnsafeBytes` for a body that throws a `StrataError` (the standard one rethrows
    /// untyped errors only).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(StrataError) -> R) throws(StrataError) -> R {
        let result = withUnsafeBytes { (raw) -> Result<R, StrataError> in
            do throws(StrataError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
