import StrataCore
import StrataKernels

/// Up to 128 postings of one term, compressed: the document ids as gaps from the id before
/// (the previous block's last, or −1 for a term's first block), bit-packed at the width of
/// the largest gap, and the term frequencies minus one bit-packed at theirs. Layout: u8 count
/// − 1, u8 gap width, u8 frequency width, the packed gaps, the packed frequencies. Small
/// gaps — a common term in many documents — take a few bits each.
enum PostingsBlock {
    /// Postings per full block.
    static let size = 128

    /// Appends the block of `documents` (ascending, after `previous`) with their
    /// `frequencies` (each ≥ 1) to `out`.
    static func encode(documents: ArraySlice<UInt32>, frequencies: ArraySlice<UInt32>, after previous: UInt32?, into out: inout [UInt8]) {
        precondition((1...size).contains(documents.count) && documents.count == frequencies.count, "bad block")
        var gaps: [UInt64] = []
        gaps.reserveCapacity(documents.count)
        var last = previous.map { Int64($0) } ?? -1
        for document in documents {
            precondition(Int64(document) > last, "document ids must ascend")
            gaps.append(UInt64(Int64(document) - last - 1))
            last = Int64(document)
        }
        let counts = frequencies.map { (frequency) -> UInt64 in
            precondition(frequency >= 1, "a posting has a frequency of at least 1")
            return UInt64(frequency - 1)
        }
        let gapWidth = BitPacking.bitWidth(of: gaps.max() ?? 0), countWidth = BitPacking.bitWidth(of: counts.max() ?? 0)
        out.append(UInt8(documents.count - 1))
        out.append(UInt8(gapWidth))
        out.append(UInt8(countWidth))
        for (values, width) in [(gaps, gapWidth), (counts, countWidth)] {
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: BitPacking.packedByteCount(count: values.count, bitWidth: width)))
            values.withUnsafeBufferPointer { source in
                out.withUnsafeMutableBytes { BitPacking.pack(source, bitWidth: width, into: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
            }
        }
    }

    /// Decodes the block at `offset` of `bytes` into `documents` and `frequencies`
    /// (replacing their contents); returns the offset after it. Every width and length is
    /// checked, and ids must stay below `documentCount`.
    /// - Throws: `.corruption` for a block that runs past the end, a width above 32, or an id
    ///   at or beyond `documentCount`.
    static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int, after previous: UInt32?, documentCount: Int, path: String,
                       documents: inout [UInt32], frequencies: inout [UInt32]) throws(StrataError) -> Int {
        guard offset + 3 <= bytes.count else { throw corrupt(path, offset, "block header past the end") }
        let count = Int(bytes[offset]) + 1, gapWidth = Int(bytes[offset + 1]), countWidth = Int(bytes[offset + 2])
        guard gapWidth <= 32, countWidth <= 32 else { throw corrupt(path, offset, "bit widths \(gapWidth), \(countWidth) above 32") }
        let gapBytes = BitPacking.packedByteCount(count: count, bitWidth: gapWidth)
        let countBytes = BitPacking.packedByteCount(count: count, bitWidth: countWidth)
        let end = offset + 3 + gapBytes + countBytes
        guard end <= bytes.count else { throw corrupt(path, offset, "block of \(count) postings runs past the end") }
        // Sized once (a cursor reuses the same arrays block after block), then filled through
        // pointers: no per-posting append, no allocation.
        if documents.count != count { documents = [UInt32](repeating: 0, count: count) }
        if frequencies.count != count { frequencies = [UInt32](repeating: 0, count: count) }
        let (last, largestCount) = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { (values) -> (Int64, UInt64) in
            var last = previous.map { Int64($0) } ?? -1
            BitPacking.unpack(UnsafeRawBufferPointer(rebasing: bytes[(offset + 3)...]), bitWidth: gapWidth, into: values)
            documents.withUnsafeMutableBufferPointer { out in
                for i in 0..<count {
                    // Gaps are below 2³², so 128 of them cannot overflow: the last id is checked once.
                    last &+= Int64(truncatingIfNeeded: values[i]) &+ 1
                    out[i] = UInt32(truncatingIfNeeded: last)
                }
            }
            BitPacking.unpack(UnsafeRawBufferPointer(rebasing: bytes[(offset + 3 + gapBytes)...]), bitWidth: countWidth, into: values)
            var largest: UInt64 = 0
            frequencies.withUnsafeMutableBufferPointer { out in
                for i in 0..<count {
                    largest = max(largest, values[i])
                    out[i] = UInt32(truncatingIfNeeded: values[i] &+ 1)
                }
            }
            return (last, largest)
        }
        guard last < documentCount else { throw corrupt(path, offset, "document id \(last) beyond \(documentCount) documents") }
        guard largestCount < UInt64(UInt32.max) else { throw corrupt(path, offset, "term frequency above 2³² − 1") }
        return end
    }

    private static func corrupt(_ path: String, _ offset: Int, _ detail: String) -> StrataError {
        .corruption(path: path, offset: UInt64(offset), kind: .malformedPage, detail: "postings block: " + detail)
    }
}
