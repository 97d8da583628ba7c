import StrataCore

/// Fixed constants of the file layout (spec/format.md, "Layout").
///
/// ```
/// offset 0   header   "STRA" · major u16 · minor u16 · 8 zero bytes          (16 bytes)
///            pages    each at a multiple of 64, zero padding between them
///            metadata FileMetadata protobuf
/// size − 32  footer   metadata offset u64 · metadata length u64 ·
///                     metadata XXH3-64 u64 · major u16 · minor u16 · "STRA"   (32 bytes)
/// ```
/// All integers are little-endian.
public enum FileLayout {
    /// The four magic bytes at the head and the tail.
    public static let magic: [UInt8] = Array("STRA".utf8)
    /// The major version this build writes and reads. A file with a greater major version is
    /// refused: it may use layouts an older reader would misread.
    public static let majorVersion: UInt16 = 1
    /// The minor version this build writes. Minor versions only add (new metadata fields,
    /// new encodings or codecs, which older readers report as unsupported features).
    public static let minorVersion: UInt16 = 0
    /// Bytes in the header.
    public static let headerSize = 16
    /// Bytes in the footer.
    public static let footerSize = 32
    /// Pages start at multiples of this many bytes.
    public static let pageAlignment = 64
    /// Buffers inside a page body start at multiples of this many bytes.
    public static let bufferAlignment = 8
    /// The largest page body a reader accepts (so a damaged length cannot demand a huge allocation).
    public static let maxPageBodyBytes = 256 << 20
    /// The most rows one page may hold.
    public static let maxRowsPerPage = 1 << 24
    /// The largest metadata block a reader accepts. Decoded protobuf takes several times its
    /// wire size, so this bounds what a damaged footer can make a reader allocate.
    public static let maxMetadataBytes = 64 << 20
    /// String and binary page statistics keep min/max only up to this many bytes.
    public static let maxStatisticsBytes = 64

    /// The version as text, "major.minor".
    public static var versionString: String { "\(majorVersion).\(minorVersion)" }

    /// The header bytes of a file this build writes.
    static var header: [UInt8] {
        var bytes = magic
        bytes.appendLittleEndian(majorVersion)
        bytes.appendLittleEndian(minorVersion)
        bytes.append(contentsOf: repeatElement(0, count: 8))
        return bytes
    }
}

/// The 32-byte footer: where the metadata is and how to check it.
package struct Footer: Equatable {
    package var metadataOffset: UInt64
    package var metadataLength: UInt64
    package var metadataChecksum: UInt64
    package var majorVersion: UInt16
    package var minorVersion: UInt16

    package var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(FileLayout.footerSize)
        out.appendLittleEndian(metadataOffset)
        out.appendLittleEndian(metadataLength)
        out.appendLittleEndian(metadataChecksum)
        out.appendLittleEndian(majorVersion)
        out.appendLittleEndian(minorVersion)
        out.append(contentsOf: FileLayout.magic)
        return out
    }

    /// Reads a footer from its 32 bytes (the tail magic is checked by the caller first).
    package init(_ bytes: ArraySlice<UInt8>) {
        precondition(bytes.count == FileLayout.footerSize, "footer must be 32 bytes")
        let base = bytes.startIndex
        metadataOffset = bytes.loadLittleEndian(at: base, as: UInt64.self)
        metadataLength = bytes.loadLittleEndian(at: base + 8, as: UInt64.self)
        metadataChecksum = bytes.loadLittleEndian(at: base + 16, as: UInt64.self)
        majorVersion = bytes.loadLittleEndian(at: base + 24, as: UInt16.self)
        minorVersion = bytes.loadLittleEndian(at: base + 26, as: UInt16.self)
    }

    package init(metadataOffset: UInt64, metadataLength: UInt64, metadataChecksum: UInt64) {
        self.metadataOffset = metadataOffset
        self.metadataLength = metadataLength
        self.metadataChecksum = metadataChecksum
        majorVersion = FileLayout.majorVersion
        minorVersion = FileLayout.minorVersion
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` as little-endian bytes.
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Appends zero bytes until `count` is a multiple of `alignment`.
    mutating func pad(toMultipleOf alignment: Int) {
        let remainder = count % alignment
        if remainder != 0 { append(contentsOf: repeatElement(0, count: alignment - remainder)) }
    }
}

extension ArraySlice where Element == UInt8 {
    /// Reads a little-endian integer at absolute index `index`.
    func loadLittleEndian<T: FixedWidthInteger>(at index: Int, as: T.Type) -> T {
        precondition(index >= startIndex && index + MemoryLayout<T>.size <= endIndex, "read outside slice")
        return withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: index - startIndex, as: T.self)) }
    }
}
