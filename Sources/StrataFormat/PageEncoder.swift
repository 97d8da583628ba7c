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
    /// Encodes `column` (the rows of one page) with `forced`, or with the encoding chosen
    /// from the data when nil.
    /// - Precondition: `forced`, if given, supports the column type.
    static func encode(_ column: ColumnBuffer, forced: PageEncoding?) -> EncodedPage {
        var page = EncodedPage()
        if let validity = column.validity { page.appendBuffer(validity.bytes) }
        let type = column.type
        switch forced ?? choose(column) {
        case .plain:
            page.encoding = .plain
            page.appendBuffer(column.values)
        case .fixedSizeList:
            page.encoding = .fixedSizeList
            page.appendBuffer(column.values)
        case .bitpacked:
            encodeBitPacked(column, into: &page)
        case .dictionary:
            if !encodeDictionary(column, into: &page, maxDistinct: column.count) {
                preconditionFailure("dictionary of a page cannot exceed its row count")
            }
        case .varbinary:
            encodeVarBinary(column, into: &page)
        }
        precondition(page.encoding.supports(type), "encoder produced \(page.encoding) for \(type)")
        return page
    }

    /// The encoding the data suggests: bit-packing when the value range is narrower than the
    /// type, a dictionary when distinct values are few enough to save a fifth of the bytes.
    static func choose(_ column: ColumnBuffer) -> PageEncoding {
        let type = column.type
        if type.isVector { return .fixedSizeList }
        if type.isVariableWidth { return dictionaryPays(column) ? .dictionary : .varbinary }
        if type.isSignedInteger || type.isUnsignedInteger {
            let (_, width) = frame(column, wide: IntegerWidening.widen(column))
            return width < type.fixedWidth! * 8 ? .bitpacked : .plain
        }
        return .plain
    }

    /// The frame-of-reference base (as a 64-bit pattern) and the bits needed for the offsets
    /// of the non-null values (nulls are stored as offset 0).
    static func frame(_ column: ColumnBuffer, wide: [UInt64]) -> (reference: UInt64, bitWidth: Int) {
        guard let (low, high) = IntegerWidening.range(wide, validity: column.validity, signed: column.type.isSignedInteger) else { return (0, 0) }
        return (low, BitPacking.bitWidth(of: high &- low))
    }

    private static func encodeBitPacked(_ column: ColumnBuffer, into page: inout EncodedPage) {
        var offsets = IntegerWidening.widen(column)
        let (reference, width) = frame(column, wide: offsets)
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

    /// Whether a dictionary would take at most 80% of the varbinary bytes.
    private static func dictionaryPays(_ column: ColumnBuffer) -> Bool {
        let plainBytes = column.values.count + 4 * (column.count + 1)
        var trial = EncodedPage()
        guard encodeDictionary(column, into: &trial, maxDistinct: max(1, column.count / 2)) else { return false }
        return trial.body.count * 5 <= plainBytes * 4
    }

    /// Builds the dictionary buffers; gives up (returning false) past `maxDistinct` values.
    private static func encodeDictionary(_ column: ColumnBuffer, into page: inout EncodedPage, maxDistinct: Int) -> Bool {
        var ids: [ArraySlice<UInt8>: UInt64] = [:]
        var order: [ArraySlice<UInt8>] = []
        var indices = [UInt64](repeating: 0, count: column.count)
        for i in 0..<column.count where !column.isNull(i) {
            let value = column.bytes(at: i)
            if let id = ids[value] {
                indices[i] = id
            } else {
                guard order.count < maxDistinct else { return false }
                ids[value] = UInt64(order.count)
                indices[i] = UInt64(order.count)
                order.append(value)
            }
        }
        let width = BitPacking.bitWidth(of: UInt64(max(order.count, 1) - 1))
        let packed = [UInt8](unsafeUninitializedCapacity: BitPacking.packedByteCount(count: column.count, bitWidth: width)) { out, count in
            count = out.count
            indices.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: width, into: UnsafeMutableRawBufferPointer(out)) }
        }
        var offsets: [UInt8] = []
        var bytes: [UInt8] = []
        offsets.appendLittleEndian(UInt32(0))
        for value in order {
            bytes.append(contentsOf: value)
            offsets.appendLittleEndian(UInt32(bytes.count))
        }
        page.encoding = .dictionary
        page.bitWidth = width
        page.dictionaryCount = order.count
        page.appendBuffer(packed)
        page.appendBuffer(offsets)
        page.appendBuffer(bytes)
        return true
    }
}
