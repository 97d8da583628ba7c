import CLZ4
import CZstd
import StrataCore
import StrataKernels

/// A page's metadata after validation: every offset, length and parameter has been checked
/// against the file and the column type, so the decoders can rely on them.
struct PageDescriptor: Sendable {
    let column: Int
    let index: Int
    /// The page's first row within the file.
    let firstRow: Int
    let rowCount: Int
    let nullCount: Int
    let offset: UInt64
    let storedLength: Int
    let bodyLength: Int
    let encoding: PageEncoding
    let codec: PageCodec
    let checksum: UInt64
    let buffers: [Range<Int>]
    let bitWidth: Int
    let reference: UInt64
    let dictionaryCount: Int
    let blockSize: Int
    let blockChecksums: [UInt64]
    let statistics: PageStatistics

    var hasValidity: Bool { nullCount > 0 }
    var validityBuffer: Range<Int>? { hasValidity ? buffers[0] : nil }
    /// The encoding's first (or only) data buffer.
    var valuesBuffer: Range<Int> { buffers[hasValidity ? 1 : 0] }
    var rows: Range<Int> { firstRow..<(firstRow + rowCount) }
    /// Whether single rows can be read by byte range: an uncompressed fixed-position layout.
    var supportsRangedReads: Bool {
        codec == .none && blockSize > 0 && (encoding == .plain || encoding == .fixedSizeList || encoding == .bitpacked)
    }

    /// Validates `page` (page `index` of column `column`, of `type`, starting at `firstRow`).
    /// `dataEnd` is where page data must end (the metadata offset).
    init(_ page: Strata_File_Page, column: Int, index: Int, firstRow: Int, field: Field, dataEnd: UInt64, path: String) throws(StrataError) {
        let name = "column '\(field.name)' page \(index)"
        func malformed(_ why: String) -> StrataError {
            .corruption(path: path, offset: page.offset, kind: .malformedMetadata, detail: "\(name): \(why)")
        }
        guard page.encoding != .unspecified else { throw malformed("no encoding") }
        guard let encoding = PageEncoding(page.encoding) else {
            throw .unsupportedFeature(path: path, feature: "page encoding \(page.encoding.rawValue) (\(name))")
        }
        guard let codec = PageCodec(page.codec) else {
            throw .unsupportedFeature(path: path, feature: "page codec \(page.codec.rawValue) (\(name))")
        }
        guard encoding.supports(field.type) else { throw malformed("encoding \(encoding.rawValue) cannot store \(field.type)") }
        guard page.rowCount >= 1, page.rowCount <= UInt64(FileLayout.maxRowsPerPage) else { throw malformed("row count \(page.rowCount)") }
        guard page.nullCount <= page.rowCount else { throw malformed("\(page.nullCount) nulls in \(page.rowCount) rows") }
        guard page.nullCount == 0 || field.nullable else { throw malformed("nulls in a non-nullable column") }
        guard page.offset >= UInt64(FileLayout.headerSize), page.offset % UInt64(FileLayout.pageAlignment) == 0 else {
            throw .corruption(path: path, offset: page.offset, kind: .offsetOutOfBounds, detail: "\(name) starts at \(page.offset), outside the data region or unaligned")
        }
        guard page.storedLength <= dataEnd, page.offset <= dataEnd - page.storedLength else {
            throw .corruption(path: path, offset: page.offset, kind: .offsetOutOfBounds,
                              detail: "\(name) of \(page.storedLength) bytes at \(page.offset) passes the end of the data region (\(dataEnd))")
        }
        guard page.bodyLength <= UInt64(FileLayout.maxPageBodyBytes) else { throw malformed("body length \(page.bodyLength) exceeds the limit") }
        guard codec != .none || page.bodyLength == page.storedLength else { throw malformed("uncompressed page with body length ≠ stored length") }
        // A codec cannot produce more than its bound, nor (LZ4) expand more than 255-fold.
        let body64 = Int(page.bodyLength)
        switch codec {
        case .none: break
        case .lz4:
            guard page.storedLength <= UInt64(LZ4_compressBound(Int32(body64))), page.bodyLength <= page.storedLength * 255 + 16 else {
                throw malformed("LZ4 page of \(page.storedLength) stored bytes cannot hold a \(page.bodyLength)-byte body")
            }
        case .zstd:
            guard page.storedLength <= UInt64(ZSTD_compressBound(body64)) else {
                throw malformed("Zstandard page of \(page.storedLength) stored bytes cannot hold a \(page.bodyLength)-byte body")
            }
        }
        let rows = Int(page.rowCount)
        let body = Int(page.bodyLength)

        // The buffers the encoding lists, each inside the body, each of its exact length.
        var expected: [Int] = page.nullCount > 0 ? [Bitmaps.byteCount(bits: rows)] : []
        var bitWidth = 0, dictionaryCount = 0
        switch encoding {
        case .plain:
            expected.append(field.type.fixedWidth.map { $0 * rows } ?? Bitmaps.byteCount(bits: rows))
        case .fixedSizeList:
            expected.append(field.type.fixedWidth! * rows)
        case .bitpacked:
            guard page.bitWidth <= UInt32(field.type.fixedWidth! * 8) else { throw malformed("bit width \(page.bitWidth) for \(field.type)") }
            bitWidth = Int(page.bitWidth)
            expected.append(BitPacking.packedByteCount(count: rows, bitWidth: bitWidth))
        case .varbinary:
            expected.append(4 * (rows + 1))
            guard page.buffers.count == expected.count + 1 else { throw malformed("\(page.buffers.count) buffers") }
            expected.append(Int(clamping: page.buffers[expected.count].length))
        case .dictionary:
            guard page.dictionaryCount <= page.rowCount, page.bitWidth <= 32 else { throw malformed("dictionary of \(page.dictionaryCount) values, \(page.bitWidth)-bit indices") }
            bitWidth = Int(page.bitWidth)
            dictionaryCount = Int(page.dictionaryCount)
            guard dictionaryCount > 0 || page.nullCount == page.rowCount else { throw malformed("empty dictionary for non-null rows") }
            expected.append(BitPacking.packedByteCount(count: rows, bitWidth: bitWidth))
            expected.append(4 * (dictionaryCount + 1))
            guard page.buffers.count == expected.count + 1 else { throw malformed("\(page.buffers.count) buffers") }
            expected.append(Int(clamping: page.buffers[expected.count].length))
        }
        guard page.buffers.count == expected.count else { throw malformed("\(page.buffers.count) buffers, expected \(expected.count)") }
        var buffers: [Range<Int>] = []
        for (i, (buffer, length)) in zip(page.buffers, expected).enumerated() {
            guard buffer.length == UInt64(length) else { throw malformed("buffer \(i) is \(buffer.length) bytes, expected \(length)") }
            guard buffer.offset % UInt64(FileLayout.bufferAlignment) == 0 else { throw malformed("buffer \(i) starts at \(buffer.offset), not a multiple of 8") }
            guard buffer.offset <= UInt64(body), buffer.length <= UInt64(body) - buffer.offset else {
                throw malformed("buffer \(i) (\(buffer.offset)+\(buffer.length)) passes the body end \(body)")
            }
            buffers.append(Int(buffer.offset)..<Int(buffer.offset + buffer.length))
        }

        var blockSize = 0
        guard page.checksumBlockSize > 0 || page.blockChecksums.isEmpty else { throw malformed("block checksums without a block size") }
        if page.checksumBlockSize > 0 {
            guard codec == .none, (512...(1 << 20)).contains(page.checksumBlockSize) else {
                throw malformed("checksum block size \(page.checksumBlockSize)")
            }
            blockSize = Int(page.checksumBlockSize)
            let blocks = (Int(page.storedLength) + blockSize - 1) / blockSize
            guard page.blockChecksums.count == blocks else { throw malformed("\(page.blockChecksums.count) block checksums, expected \(blocks)") }
        }

        self.column = column
        self.index = index
        self.firstRow = firstRow
        self.rowCount = rows
        self.nullCount = Int(page.nullCount)
        self.offset = page.offset
        self.storedLength = Int(page.storedLength)
        self.bodyLength = body
        self.encoding = encoding
        self.codec = codec
        self.checksum = page.checksum
        self.buffers = buffers
        self.bitWidth = bitWidth
        self.reference = page.reference
        self.dictionaryCount = dictionaryCount
        self.blockSize = blockSize
        self.blockChecksums = page.blockChecksums
        self.statistics = PageStatistics(page.statistics, rowCount: rows, nullCount: Int(page.nullCount), type: field.type)
    }
}
