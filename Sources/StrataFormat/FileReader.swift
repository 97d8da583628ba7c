import StrataCore
import StrataKernels
import StrataStorage
import Synchronization

/// Reads a Strata data file: its schema, pages and statistics, scans of chosen columns, and
/// `take` of single rows by byte range.
///
/// Opening validates the whole structure (magic, version, footer, metadata checksum, every
/// page's offsets and lengths) before any data is used; each page is checked against its
/// XXH3-64 checksum when read. Damage raises `StrataError.corruption` naming the file and
/// offset; a newer major version raises `.incompatibleVersion`; nothing traps.
///
/// A reader is immutable and safe to share between tasks.
public final class FileReader: Sendable {
    /// The object's path in its store.
    public let path: String
    /// The file's schema.
    public let schema: Schema
    /// Rows in the file.
    public let rowCount: Int
    /// The writer's self-description.
    public let createdBy: String
    /// File-level key/value metadata.
    public let metadata: [String: String]
    /// The format version the file declares, "major.minor".
    public let formatVersion: String
    /// The file's size in bytes.
    public let fileSize: UInt64

    let handle: any ObjectReadHandle
    let cache: BlockCache?
    /// The offsets of the pages `take` has validated whole (a page's bytes never change,
    /// so one check serves every later take from it).
    let validatedPages = Mutex<Set<UInt64>>([])
    let pages: [[PageDescriptor]]

    /// Opens and validates the file at `path`.
    /// - Parameter cache: verified page bytes are kept here and reused, if given.
    /// - Throws: `StrataError` — `.notFound`, `.corruption` (truncated, bad magic, checksum
    ///   mismatch, offsets out of bounds, malformed metadata), `.incompatibleVersion`,
    ///   `.unsupportedFeature`, `.io`.
    public static func open(store: any ObjectStore, path: String, cache: BlockCache? = nil) async throws(StrataError) -> FileReader {
        let handle = try await store.openForReading(path)
        let size = handle.size
        let minimum = UInt64(FileLayout.headerSize + FileLayout.footerSize)
        let head = try await handle.read(0..<min(size, UInt64(FileLayout.headerSize)))
        guard head.count >= 4, Array(head.prefix(4)) == FileLayout.magic else {
            if size == 0 { throw .corruption(path: path, offset: 0, kind: .truncated, detail: "the file is empty") }
            throw .corruption(path: path, offset: 0, kind: .badMagic, detail: "the file does not start with \"STRA\": not a Strata data file")
        }
        guard size >= minimum else {
            throw .corruption(path: path, offset: size, kind: .truncated, detail: "\(size) bytes is shorter than header and footer (\(minimum))")
        }
        let headMajor = UInt16(head[4]) | UInt16(head[5]) << 8
        let headMinor = UInt16(head[6]) | UInt16(head[7]) << 8
        guard headMajor <= FileLayout.majorVersion else {
            throw .incompatibleVersion(path: path, found: "\(headMajor).\(headMinor)", supported: "\(FileLayout.majorVersion).x")
        }
        // One read for the tail: the footer and, usually, the whole metadata.
        let tailLength = min(size, 64 << 10)
        let tailStart = size - tailLength
        let tail = try await handle.read(tailStart..<size)
        guard Array(tail.suffix(4)) == FileLayout.magic else {
            throw .corruption(path: path, offset: size - 4, kind: .truncated,
                              detail: "the file does not end with \"STRA\": it was cut short or its tail overwritten")
        }
        let footer = Footer(tail[(tail.count - FileLayout.footerSize)...])
        guard footer.majorVersion == headMajor, footer.minorVersion == headMinor else {
            throw .corruption(path: path, offset: size - 8, kind: .malformedMetadata,
                              detail: "footer version \(footer.majorVersion).\(footer.minorVersion) differs from header \(headMajor).\(headMinor)")
        }
        let metadataEnd = size - UInt64(FileLayout.footerSize)
        guard footer.metadataOffset >= UInt64(FileLayout.headerSize), footer.metadataOffset <= metadataEnd,
              footer.metadataLength == metadataEnd - footer.metadataOffset
        else {
            throw .corruption(path: path, offset: size - UInt64(FileLayout.footerSize), kind: .offsetOutOfBounds,
                              detail: "footer places \(footer.metadataLength) metadata bytes at \(footer.metadataOffset), but they must end at \(metadataEnd)")
        }
        guard footer.metadataLength <= UInt64(FileLayout.maxMetadataBytes) else {
            throw .corruption(path: path, offset: footer.metadataOffset, kind: .malformedMetadata, detail: "metadata of \(footer.metadataLength) bytes exceeds the limit")
        }
        let metadataBytes: [UInt8]
        if footer.metadataOffset >= tailStart {
            let start = Int(footer.metadataOffset - tailStart)
            metadataBytes = Array(tail[start..<(start + Int(footer.metadataLength))])
        } else {
            metadataBytes = try await handle.read(footer.metadataOffset..<metadataEnd)
        }
        let actual = Checksum.xxh3(metadataBytes)
        guard actual == footer.metadataChecksum else {
            throw .corruption(path: path, offset: footer.metadataOffset, kind: .checksumMismatch,
                              detail: "metadata checksum is \(hex(actual)), the footer records \(hex(footer.metadataChecksum))")
        }
        let decoded = try FileMetadataDecoder(metadataBytes, dataEnd: footer.metadataOffset, path: path)
        return FileReader(path: path, handle: handle, cache: cache, decoded: decoded, version: "\(headMajor).\(headMinor)")
    }

    private init(path: String, handle: any ObjectReadHandle, cache: BlockCache?, decoded: FileMetadataDecoder, version: String) {
        self.path = path
        self.handle = handle
        self.cache = cache
        self.schema = decoded.schema
        self.rowCount = decoded.rowCount
        self.createdBy = decoded.createdBy
        self.metadata = decoded.metadata
        self.pages = decoded.pages
        self.formatVersion = version
        self.fileSize = handle.size
    }

    /// Per column, its pages with encoding, codec, sizes and statistics.
    public var columns: [ColumnInfo] {
        zip(schema.fields, pages).map { field, pages in
            ColumnInfo(field: field, pages: pages.map { page in
                PageInfo(index: page.index, firstRow: page.firstRow, rowCount: page.rowCount, offset: page.offset,
                         storedLength: page.storedLength, bodyLength: page.bodyLength, encoding: page.encoding,
                         codec: page.codec, checksum: page.checksum, statistics: page.statistics)
            })
        }
    }

    /// The verified, decompressed body of a page.
    func pageBody(_ page: PageDescriptor) async throws(StrataError) -> [UInt8] {
        let key = BlockCache.Key(object: path, offset: page.offset, length: page.bodyLength, kind: 1, tag: page.checksum)
        if let cached = cache?.get(key), cached.count == page.bodyLength { return cached }
        let stored = try await handle.read(page.offset..<(page.offset + UInt64(page.storedLength)))
        let body = try verifiedBody(page, stored: stored)
        cache?.insert(key, body)
        return body
    }

    /// Checks a page's stored bytes against its checksum and decompresses them.
    func verifiedBody(_ page: PageDescriptor, stored: [UInt8]) throws(StrataError) -> [UInt8] {
        let actual = Checksum.xxh3(stored)
        guard actual == page.checksum else {
            throw .corruption(path: path, offset: page.offset, kind: .checksumMismatch,
                              detail: "column '\(schema.fields[page.column].name)' page \(page.index): checksum is \(hex(actual)), the metadata records \(hex(page.checksum))")
        }
        return try Codecs.decompress(stored, codec: page.codec, bodyLength: page.bodyLength, path: path, offset: page.offset)
    }

    /// Resolves column names (nil: all) to positions.
    func columnIndices(_ names: [String]?) throws(StrataError) -> [Int] {
        guard let names else { return Array(schema.fields.indices) }
        return try schema.indices(of: names)
    }
}

/// A column's pages, as `FileReader.columns` lists them.
public struct ColumnInfo: Sendable {
    /// The column's field.
    public let field: Field
    /// Its pages, in row order.
    public let pages: [PageInfo]
}

/// One page, as `FileReader.columns` lists it.
public struct PageInfo: Sendable {
    /// Position of the page in its column.
    public let index: Int
    /// The page's first row in the file.
    public let firstRow: Int
    /// Rows in the page.
    public let rowCount: Int
    /// Absolute file offset of the stored bytes.
    public let offset: UInt64
    /// Bytes stored (after the codec).
    public let storedLength: Int
    /// Bytes of the body (before the codec).
    public let bodyLength: Int
    /// How values are laid out.
    public let encoding: PageEncoding
    /// The compression applied.
    public let codec: PageCodec
    /// XXH3-64 of the stored bytes.
    public let checksum: UInt64
    /// Null count, NaN count, min and max.
    public let statistics: PageStatistics
}

/// A 64-bit value as 16 hex digits.
func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
}
