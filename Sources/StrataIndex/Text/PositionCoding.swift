import StrataCore

/// The word positions of one posting: ascending, the first as is and each next as its gap
/// from the one before minus 1, every number an unsigned LEB128 varint (7 bits a byte, low
/// bits first, high bit set on all but the last byte). Positions of neighbouring words take
/// one byte each.
enum PositionCoding {
    /// Appends `positions` (ascending, distinct) to `out`.
    static func append(_ positions: [UInt32], to out: inout [UInt8]) {
        var previous: UInt32?
        for position in positions {
            appendVarint(previous.map { position - $0 - 1 } ?? position, to: &out)
            previous = position
        }
    }

    /// Appends `value` as an unsigned LEB128 varint.
    static func appendVarint(_ value: UInt32, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    /// Skips `count` positions at `offset`; returns the offset after them.
    /// - Throws: `.corruption` when a varint runs past the end or beyond 32 bits.
    static func skip(_ count: Int, in bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws(StrataError) -> Int {
        var offset = offset
        for _ in 0..<count { (_, offset) = try varint(bytes, at: offset, path: path) }
        return offset
    }

    /// Reads `count` positions at `offset` into `out` (replacing its contents); returns the
    /// offset after them.
    /// - Throws: `.corruption` for a varint past the end or beyond 32 bits, or a position
    ///   above 2³² − 1.
    static func read(_ count: Int, in bytes: UnsafeRawBufferPointer, at offset: Int, path: String, into out: inout [UInt32]) throws(StrataError) -> Int {
        out.removeAll(keepingCapacity: true)
        var offset = offset, previous: UInt64?
        for _ in 0..<count {
            let value: UInt32
            (value, offset) = try varint(bytes, at: offset, path: path)
            let position = previous.map { $0 + UInt64(value) + 1 } ?? UInt64(value)
            guard position <= UInt64(UInt32.max) else {
                throw .corruption(path: path, offset: UInt64(offset), kind: .malformedPage, detail: "word position beyond 2³² − 1")
            }
            out.append(UInt32(position))
            previous = position
        }
        return offset
    }

    /// The varint at `start` and the offset after it.
    /// - Throws: `.corruption` past the end, beyond 5 bytes or beyond 2³² − 1.
    static func varint(_ bytes: UnsafeRawBufferPointer, at start: Int, path: String) throws(StrataError) -> (UInt32, Int) {
        var value: UInt64 = 0, shift: UInt64 = 0, offset = start
        while true {
            guard offset < bytes.count else {
                throw .corruption(path: path, offset: UInt64(start), kind: .truncated, detail: "word position runs past the end")
            }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            guard shift < 35 else { throw .corruption(path: path, offset: UInt64(start), kind: .malformedPage, detail: "word position longer than 5 bytes") }
        }
        guard value <= UInt64(UInt32.max) else {
            throw .corruption(path: path, offset: UInt64(start), kind: .malformedPage, detail: "word position gap beyond 2³² − 1")
        }
        return (UInt32(value), offset)
    }
}
