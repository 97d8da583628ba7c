import StrataCore
import StrataKernels

/// A page body before compression: its buffers, encoding and encoding parameters.
struct EncodedPage {
    var body: [UInt8] = []
    var buffers: [Range<Int>] = []
    var encoding: PageEncoding = .plain
    var bitWidth = 0
    var reference: UInt64 = 0
    var dictionaryCount = 0

    /// Appends a buffer at the next 8-byte boundary of the body.
    mutating func appendBuffer<C: Collection<UInt8>>(_ bytes: C) {
        body.pad(toMultipleOf: FileLayout.bufferAlignment)
        let start = body.count
        body.append(contentsOf: bytes)
        buffers.append(start..<body.count)
    }
}

/// Chooses an encoding for a page of values and lays the body out (spec/format.md, "Encodings").
enum PageEncoder {
    /// Encodes `column` (the rows of one page) with `forced`, or with the encoding the data
    /// suggests when nil: bit-packing when an integer page's range is narrower than its type,
    /// a dictionary when it takes at most 80% of varbinary's bytes, plain or fixed-size list
    /// otherwise.
    /// - Parameter wide: the column widened by `IntegerWidening.widen`, for integer and
    ///   timestamp columns (the caller shares it with the statistics).
    /// - Precondition: `forced`, if given, supports the column type; `wide` is given for
    ///   integer and timestamp columns.
    static func encode(_ column: ColumnBuffer, forced: PageEncoding?, wide: [UInt64]?) -> EncodedPage {
        var page = EncodedPage()
        if let validity = column.validity { page.appendBuffer(validity.bytes) }
        let type = column.type
        switch forced {
        case .plain?:
            page.encoding = .plain
            page.appendBuffer(column.values)
        case .fixedSizeList?:
            page.encoding = .fixedSizeList
            page.appendBuffer(column.values)
        case .bitpacked?:
            encodeBitPacked(column, wide: wide!, frame: frame(column, wide: wide!), into: &page)
        case .dictionary?:
            let built = encodeDictionary(column, into: &page, maxDistinct: column.count)
            precondition(built, "a page's dictionary cannot exceed its row count")
        case .varbinary?:
            encodeVarBinary(column, into: &page)
        case nil where type.isVector:
            page.encoding = .fixedSizeList
            page.appendBuffer(column.values)
        case nil where type.isVariableWidth:
            var dictionaryPage = page
            let varbinaryBytes = page.body.count + column.values.count + 4 * (column.count + 1)
            if encodeDictionary(column, into: &dictionaryPage, maxDistinct: max(1, column.count / 2)),
               dictionaryPage.body.count * 5 <= varbinaryBytes * 4 {
                page = dictionaryPage
            } else {
                encodeVarBinary(column, into: &page)
            }
        case nil where type.isSignedInteger || type.isUnsignedInteger:
            let wide = wide!
            let span = frame(column, wide: wide)
            if span.bitWidth < type.fixedWidth! * 8 {
                encodeBitPacked(column, wide: wide, frame: span, into: &page)
            } else {
                page.encoding = .plain
                page.appendBuffer(column.values)
            }
        case nil:
            page.encoding = .plain
            page.appendBuffer(column.values)
        }
        precondition(page.encoding.supports(type), "encoder produced \(page.encoding) for \(type)")
        return page
    }

    /// The frame-of-reference base (as a 64-bit pattern) and the bits needed for the offsets
    /// of the non-null values (nulls are stored as offset 0).
    static func frame(_ column: ColumnBuffer, wide: [UInt64]) -> (reference: UInt64, bitWidth: Int) {
        guard let (low, high) = IntegerWidening.range(wide, validity: column.validity, signed: column.type.isSignedInteger) else { return (0, 0) }
        return (low, BitPacking.bitWidth(of: high &- low))
    }

    /// Bit-packs `wide` as offsets from `frame.reference` at `frame.bitWidth` bits.
    private static func encodeBitPacked(_ column: ColumnBuffer, wide: [UInt64], frame: (reference: UInt64, bitWidth: Int),
                                        into page: inout EncodedPage) {
        var offsets = wide
        let (reference, width) = frame
        for i in offsets.indices { offsets[i] = offsets[i] &- reference }
        if let validity = column.validity {
            for i in offsets.indices where !validity.isValid(i) { offsets[i] = 0 }
        }
        let packed = [UInt8](unsafeUninitializedCapacity: BitPacking.packedByteCount(count: column.count, bitWidth: width)) { out, count in
            count = out.count
            offsets.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: width, into: UnsafeMutableRawBufferPointer(out)) }
        }
        page.encoding = .bitpacked
        page.bitWidth = width
        page.reference = reference
        page.appendBuffer(packed)
    }

    private static func encodeVarBinary(_ column: ColumnBuffer, into page: inout EncodedPage) {
        let base = column.offsets[0]
        var offsets: [UInt8] = []
        offsets.reserveCapacity((column.count + 1) * 4)
        for offset in column.offsets { offsets.appendLittleEndian(UInt32(offset - base)) }
        page.encoding = .varbinary
        page.appendBuffer(offsets)
        page.appendBuffer(column.values[base..<column.offsets[column.count]])
    }

    /// Builds the dictionary buffers; gives up (returning false) past `maxDistinct` values.
    private static func encodeDictionary(_ column: ColumnBuffer, into page: inout EncodedPage, maxDistinct: Int) -> Bool {
        guard let dictionary = ByteDictionary(column, maxDistinct: maxDistinct) else { return false }
        let width = BitPacking.bitWidth(of: UInt64(max(dictionary.entries.count, 1) - 1))
        let packed = [UInt8](unsafeUninitializedCapacity: BitPacking.packedByteCount(count: column.count, bitWidth: width)) { out, count in
            count = out.count
            dictionary.ids.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: width, into: UnsafeMutableRawBufferPointer(out)) }
        }
        var offsets: [UInt8] = []
        offsets.reserveCapacity(4 * (dictionary.entries.count + 1))
        var bytes: [UInt8] = []
        offsets.appendLittleEndian(UInt32(0))
        for range in dictionary.entries {
            bytes.append(contentsOf: column.values[range])
            offsets.appendLittleEndian(UInt32(bytes.count))
        }
        page.encoding = .dictionary
        page.bitWidth = width
        page.dictionaryCount = dictionary.entries.count
        page.appendBuffer(packed)
        page.appendBuffer(offsets)
        page.appendBuffer(bytes)
        return true
    }
}
