import StrataCore
import StrataKernels

/// Decodes page bodies into column buffers: whole pages for scans, single rows for `take`.
///
/// Every structural fact the metadata declared (buffer lengths, bit widths) was validated by
/// `PageDescriptor`; this layer checks what only the body can tell: offsets that must
/// increase, dictionary indices that must be in range, null counts that must match.
enum PageDecoder {
    /// Checks what only a whole body can tell: the validity bitmap's null count, and for
    /// variable-width encodings offsets that start at 0, never decrease and end at their data.
    /// Returns the validity bitmap and the offsets it read (value offsets for varbinary,
    /// dictionary offsets for dictionary pages).
    /// - Throws: `.corruption(.malformedPage)`.
    @discardableResult
    static func validate(_ page: PageDescriptor, body: [UInt8], path: String) throws(StrataError) -> (validity: ValidityBitmap?, offsets: [Int]) {
        var validity: ValidityBitmap?
        if let range = page.validityBuffer {
            let bitmap = ValidityBitmap(bytes: Array(body[range]), count: page.rowCount)
            guard bitmap.nullCount == page.nullCount else {
                throw malformed(page, path, "validity holds \(bitmap.nullCount) nulls, metadata \(page.nullCount)")
            }
            validity = bitmap
        }
        switch page.encoding {
        case .varbinary:
            return (validity, try readOffsets(body, page.valuesBuffer, count: page.rowCount + 1, limit: page.buffers.last!.count, page, path))
        case .dictionary:
            return (validity, try readOffsets(body, page.buffers[page.buffers.count - 2], count: page.dictionaryCount + 1,
                                              limit: page.buffers.last!.count, page, path))
        case .plain, .bitpacked, .fixedSizeList:
            return (validity, [])
        }
    }

    /// Decodes a whole page. Null rows come out as the `ColumnBuffer` layout requires (zero
    /// bytes, empty values) whatever the file holds in their slots.
    /// - Throws: `.corruption(.malformedPage)` for a body that contradicts its metadata, or a
    ///   dictionary page whose values would decode to more than `FileLayout.maxPageBodyBytes`.
    static func decode(_ page: PageDescriptor, body: [UInt8], type: DataType, path: String) throws(StrataError) -> ColumnBuffer {
        func bad(_ why: String) -> StrataError { malformed(page, path, why) }
        let rows = page.rowCount
        let (validity, offsets) = try validate(page, body: body, path: path)
        let values = page.valuesBuffer
        switch page.encoding {
        case .plain, .fixedSizeList:
            var bytes = values == 0..<body.count ? body : Array(body[values])
            if type == .bool {
                bytes = ValidityBitmap(bytes: bytes, count: rows).bytes
                if let validity { for i in 0..<rows where !validity.isValid(i) { bytes[i >> 3] &= ~(1 << UInt8(i & 7)) } }
            } else if let validity, let width = type.fixedWidth {
                for i in 0..<rows where !validity.isValid(i) { bytes.replaceSubrange((i * width)..<((i + 1) * width), with: repeatElement(0, count: width)) }
            }
            return ColumnBuffer(type: type, count: rows, validity: validity, values: bytes)
        case .bitpacked:
            return decodeBitPacked(page, body: body, type: type, validity: validity)
        case .varbinary:
            let data = page.buffers.last!
            guard let validity, (0..<rows).contains(where: { !validity.isValid($0) && offsets[$0] != offsets[$0 + 1] }) else {
                return ColumnBuffer(type: type, count: rows, validity: validity, values: Array(body[data]), offsets: offsets)
            }
            // Null rows with bytes in their slots (allowed, never read): rebuild without them.
            var builder = ColumnBuilder(type: type, capacity: rows)
            for i in 0..<rows {
                if validity.isValid(i) { builder.appendBytes(body[(data.lowerBound + offsets[i])..<(data.lowerBound + offsets[i + 1])]) } else { builder.appendNull() }
            }
            return builder.finish()
        case .dictionary:
            let indexBuffer = values
            let dictionaryBytes = page.buffers.last!
            var indices = [UInt64](repeating: 0, count: rows)
            body.withUnsafeBytes { raw in
                indices.withUnsafeMutableBufferPointer {
                    BitPacking.unpack(UnsafeRawBufferPointer(rebasing: raw[indexBuffer]), bitWidth: page.bitWidth, into: $0)
                }
            }
            // Check every index and bound the decoded size before allocating it: a small page
            // can repeat one large value for millions of rows.
            var total = 0
            for i in 0..<rows where validity?.isValid(i) ?? true {
                let id = indices[i]
                guard id < UInt64(page.dictionaryCount) else { throw bad("dictionary index \(id) ≥ \(page.dictionaryCount)") }
                total += offsets[Int(id) + 1] - offsets[Int(id)]
                guard total <= FileLayout.maxPageBodyBytes else { throw bad("values would decode to more than \(FileLayout.maxPageBodyBytes) bytes") }
            }
            var out: [UInt8] = []
            out.reserveCapacity(total)
            var valueOffsets: [Int] = [0]
            valueOffsets.reserveCapacity(rows + 1)
            for i in 0..<rows {
                if validity?.isValid(i) ?? true {
                    let id = Int(indices[i])
                    out.append(contentsOf: body[(dictionaryBytes.lowerBound + offsets[id])..<(dictionaryBytes.lowerBound + offsets[id + 1])])
                }
                valueOffsets.append(out.count)
            }
            return ColumnBuffer(type: type, count: rows, validity: validity, values: out, offsets: valueOffsets)
        }
    }

    /// Appends rows `rows` (page-relative, ascending) of a page to `builder`, reading only
    /// the bytes those rows occupy in `bytes`.
    /// - Throws: `.corruption(.malformedPage)` for a body that contradicts its metadata.
    static func appendRows(_ rows: [Int], of page: PageDescriptor, from bytes: PageBytes, to builder: inout ColumnBuilder, path: String) throws(StrataError) {
        let type = builder.type
        for row in rows {
            if let validity = page.validityBuffer, (bytes.byte(validity.lowerBound + row >> 3) >> UInt8(row & 7)) & 1 == 0 {
                builder.appendNull()
                continue
            }
            let values = page.valuesBuffer
            switch page.encoding {
            case .plain where type == .bool:
                builder.appendBit((bytes.byte(values.lowerBound + row >> 3) >> UInt8(row & 7)) & 1 == 1)
            case .plain, .fixedSizeList:
                let width = type.fixedWidth!
                builder.appendFixedBytes(bytes.slice((values.lowerBound + row * width)..<(values.lowerBound + (row + 1) * width)))
            case .bitpacked:
                let first = row * page.bitWidth
                let range = (values.lowerBound + first / 8)..<(values.lowerBound + (first + page.bitWidth + 7) / 8)
                let offset = bytes.slice(range).withUnsafeBytes {
                    BitPacking.value(in: $0, bitOffset: first % 8, bitWidth: page.bitWidth)
                }
                appendWidened(page.reference &+ offset, type: type, to: &builder)
            case .varbinary:
                let offsets = try offsetPair(bytes, values, row, limit: page.buffers.last!.count, page, path)
                let data = page.buffers.last!
                builder.appendBytes(bytes.slice((data.lowerBound + offsets.lowerBound)..<(data.lowerBound + offsets.upperBound)))
            case .dictionary:
                let indexBuffer = values
                let first = row * page.bitWidth
                let range = (indexBuffer.lowerBound + first / 8)..<(indexBuffer.lowerBound + (first + page.bitWidth + 7) / 8)
                let id = bytes.slice(range).withUnsafeBytes {
                    BitPacking.value(in: $0, bitOffset: first % 8, bitWidth: page.bitWidth)
                }
                guard id < UInt64(page.dictionaryCount) else { throw malformed(page, path, "dictionary index \(id) ≥ \(page.dictionaryCount)") }
                let dictionaryOffsets = page.buffers[page.buffers.count - 2]
                let offsets = try offsetPair(bytes, dictionaryOffsets, Int(id), limit: page.buffers.last!.count, page, path)
                let data = page.buffers.last!
                builder.appendBytes(bytes.slice((data.lowerBound + offsets.lowerBound)..<(data.lowerBound + offsets.upperBound)))
            }
        }
    }

    /// The body byte ranges that `appendRows` will touch for `rows`: what a ranged read fetches.
    static func byteRanges(of rows: [Int], in page: PageDescriptor, type: DataType) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        let values = page.valuesBuffer
        for row in rows {
            if let validity = page.validityBuffer { ranges.append((validity.lowerBound + row >> 3)..<(validity.lowerBound + row >> 3 + 1)) }
            switch page.encoding {
            case .plain where type == .bool:
                ranges.append((values.lowerBound + row >> 3)..<(values.lowerBound + row >> 3 + 1))
            case .plain, .fixedSizeList:
                let width = type.fixedWidth!
                ranges.append((values.lowerBound + row * width)..<(values.lowerBound + (row + 1) * width))
            case .bitpacked:
                let first = row * page.bitWidth
                ranges.append((values.lowerBound + first / 8)..<(values.lowerBound + (first + page.bitWidth + 7) / 8))
            case .varbinary, .dictionary:
                return [0..<page.bodyLength]
            }
        }
        return ranges
    }

    private static func malformed(_ page: PageDescriptor, _ path: String, _ why: String) -> StrataError {
        .corruption(path: path, offset: page.offset, kind: .malformedPage, detail: "column \(page.column) page \(page.index): \(why)")
    }

    /// Reads `count` u32 offsets that must start at 0, never decrease and end at most at `limit`.
    private static func readOffsets(_ body: [UInt8], _ range: Range<Int>, count: Int, limit: Int, _ page: PageDescriptor, _ path: String) throws(StrataError) -> [Int] {
        let offsets: [Int] = body.withUnsafeBytes { raw in
            (0..<count).map { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: range.lowerBound + $0 * 4, as: UInt32.self))) }
        }
        var previous = 0
        for (i, value) in offsets.enumerated() {
            guard value >= previous, value <= limit, i > 0 || value == 0 else {
                throw malformed(page, path, "offset \(i) is \(value) (previous \(previous), limit \(limit))")
            }
            previous = value
        }
        guard offsets.last == limit || count == 0 else { throw malformed(page, path, "offsets end at \(offsets.last!), the data at \(limit)") }
        return offsets
    }

    /// The byte range of entry `index` from a u32 offsets buffer, checked against `limit`.
    private static func offsetPair(_ bytes: PageBytes, _ buffer: Range<Int>, _ index: Int, limit: Int, _ page: PageDescriptor, _ path: String) throws(StrataError) -> Range<Int> {
        // Read in place (no copy: this runs once per value a take reads).
        let (start, end) = bytes.slice((buffer.lowerBound + index * 4)..<(buffer.lowerBound + index * 4 + 8)).withUnsafeBytes {
            (Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self))),
             Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self))))
        }
        guard start <= end, end <= limit else { throw malformed(page, path, "value \(index) spans \(start)..<\(end) of \(limit) bytes") }
        return start..<end
    }

    private static func decodeBitPacked(_ page: PageDescriptor, body: [UInt8], type: DataType, validity: ValidityBitmap?) -> ColumnBuffer {
        let rows = page.rowCount
        var wide = [UInt64](repeating: 0, count: rows)
        body.withUnsafeBytes { raw in
            wide.withUnsafeMutableBufferPointer { out in
                BitPacking.unpack(UnsafeRawBufferPointer(rebasing: raw[page.valuesBuffer]), bitWidth: page.bitWidth, into: out)
                FrameOfReference.decodeInPlace(out, reference: page.reference)
            }
        }
        if let validity {
            for i in 0..<rows where !validity.isValid(i) { wide[i] = 0 }
        }
        let width = type.fixedWidth!
        let values = [UInt8](unsafeUninitializedCapacity: rows * width) { out, count in
            count = rows * width
            let raw = UnsafeMutableRawBufferPointer(out)
            switch width {
            case 1: for i in 0..<rows { raw.storeBytes(of: UInt8(truncatingIfNeeded: wide[i]), toByteOffset: i, as: UInt8.self) }
            case 2: for i in 0..<rows { raw.storeBytes(of: UInt16(truncatingIfNeeded: wide[i]).littleEndian, toByteOffset: i * 2, as: UInt16.self) }
            case 4: for i in 0..<rows { raw.storeBytes(of: UInt32(truncatingIfNeeded: wide[i]).littleEndian, toByteOffset: i * 4, as: UInt32.self) }
            default: for i in 0..<rows { raw.storeBytes(of: wide[i].littleEndian, toByteOffset: i * 8, as: UInt64.self) }
            }
        }
        return ColumnBuffer(type: type, count: rows, validity: validity, values: values)
    }

    private static func appendWidened(_ bits: UInt64, type: DataType, to builder: inout ColumnBuilder) {
        switch type.fixedWidth! {
        case 1: builder.appendRaw(UInt8(truncatingIfNeeded: bits))
        case 2: builder.appendRaw(UInt16(truncatingIfNeeded: bits))
        case 4: builder.appendRaw(UInt32(truncatingIfNeeded: bits))
        default: builder.appendRaw(bits)
        }
    }
}
