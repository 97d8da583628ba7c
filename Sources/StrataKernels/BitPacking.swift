/// Bit-packing of unsigned integers at a fixed bit width (0…64), least significant bit first.
///
/// Value `i` occupies bits `[i·w, (i+1)·w)` of the buffer, where bit `b` is bit `b % 8` of byte
/// `b / 8`. A packed run of `n` values takes `packedByteCount(count: n, bitWidth: w)` bytes.
/// Because every value sits at a computable bit offset, a single value can be read without
/// decoding its neighbours (`unpack(at:)`), which is what random access (`take`) needs.
public enum BitPacking {
    /// Bytes needed for `count` values of `bitWidth` bits.
    @inlinable
    public static func packedByteCount(count: Int, bitWidth: Int) -> Int {
        precondition(count >= 0 && (0...64).contains(bitWidth), "invalid bit-packing shape")
        let (bits, overflow) = count.multipliedReportingOverflow(by: bitWidth)
        precondition(!overflow, "bit count overflows")
        return (bits + 7) / 8
    }

    /// The number of bits needed to store `value` (0 for 0).
    @inlinable
    public static func bitWidth(of value: UInt64) -> Int {
        64 - value.leadingZeroBitCount
    }

    /// Packs `values` at `bitWidth` bits into `output`, which must hold
    /// `packedByteCount(count: values.count, bitWidth:)` bytes; bits beyond the last value are zero.
    /// - Precondition: every value fits in `bitWidth` bits.
    /// - Complexity: O(n).
    public static func pack(
        _ values: UnsafeBufferPointer<UInt64>, bitWidth: Int, into output: UnsafeMutableRawBufferPointer
    ) {
        let byteCount = packedByteCount(count: values.count, bitWidth: bitWidth)
        precondition(output.count >= byteCount, "output too small")
        if bitWidth == 0 { return }
        let out = output.bindMemory(to: UInt8.self)
        var accumulator: UInt64 = 0  // bits not yet written, lowest first
        var pending = 0  // number of valid bits in `accumulator`
        var position = 0
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) &- 1
        for value in values {
            precondition(value & ~mask == 0, "value does not fit the bit width")
            accumulator |= value << UInt64(pending)
            let room = 64 - pending
            if bitWidth >= room {
                // The accumulator is full: flush 8 bytes, keep the bits of `value` that did not fit.
                storeWord(accumulator, out, &position)
                accumulator = room == 64 ? 0 : value >> UInt64(room)
                pending = bitWidth - room
            } else {
                pending += bitWidth
            }
        }
        while pending > 0 {
            out[position] = UInt8(truncatingIfNeeded: accumulator)
            accumulator >>= 8
            position += 1
            pending -= 8
        }
    }

    @inline(__always)
    private static func storeWord(_ word: UInt64, _ out: UnsafeMutableBufferPointer<UInt8>, _ position: inout Int) {
        // Safety: `pack` checked that `out` holds every packed byte; a full word is only flushed
        // when 64 bits of values precede it, so the 8 bytes lie inside the packed length.
        UnsafeMutableRawPointer(out.baseAddress! + position).storeBytes(of: word.littleEndian, as: UInt64.self)
        position += 8
    }

    /// Unpacks `output.count` values of `bitWidth` bits from `input`.
    /// - Precondition: `input` holds at least `packedByteCount(count: output.count, bitWidth:)` bytes.
    /// - Complexity: O(n).
    public static func unpack(
        _ input: UnsafeRawBufferPointer, bitWidth: Int, into output: UnsafeMutableBufferPointer<UInt64>
    ) {
        let count = output.count
        precondition(input.count >= packedByteCount(count: count, bitWidth: bitWidth), "input too small")
        if bitWidth == 0 {
            output.update(repeating: 0)
            return
        }
        if bitWidth == 64 {
            for i in 0..<count { output[i] = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)) }
            return
        }
        let mask: UInt64 = (1 << UInt64(bitWidth)) &- 1
        // Fast path: one unaligned 8-byte load per value, valid while the load stays inside the
        // input and the value's bits fit in the loaded word (bit shift ≤ 7, width ≤ 57).
        var i = 0
        if bitWidth <= 57 && input.count >= 8 {
            let lastLoad = input.count - 8
            while i < count {
                let bit = i &* bitWidth
                let byte = bit >> 3
                if byte > lastLoad { break }
                let word = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                output[i] = (word >> UInt64(bit & 7)) & mask
                i &+= 1
            }
        }
        while i < count {
            output[i] = value(in: input, bitOffset: i &* bitWidth, bitWidth: bitWidth)
            i &+= 1
        }
    }

    /// Reads value `index` without touching the others.
    /// - Precondition: the value lies inside `input`.
    /// - Complexity: O(1).
    @inlinable
    public static func value(in input: UnsafeRawBufferPointer, at index: Int, bitWidth: Int) -> UInt64 {
        value(in: input, bitOffset: index * bitWidth, bitWidth: bitWidth)
    }

    /// Reads the `bitWidth`-bit value whose lowest bit is bit `bitOffset` of `input`.
    /// - Precondition: the value lies inside `input`.
    /// - Complexity: O(1).
    @inlinable
    public static func value(in input: UnsafeRawBufferPointer, bitOffset: Int, bitWidth: Int) -> UInt64 {
        if bitWidth == 0 { return 0 }
        precondition((bitOffset + bitWidth + 7) / 8 <= input.count, "value outside input")
        var result: UInt64 = 0
        var gathered = 0
        var bit = bitOffset
        while gathered < bitWidth {
            let byte = UInt64(input[bit >> 3])
            let offset = bit & 7
            let take = min(8 - offset, bitWidth - gathered)
            let chunk = (byte >> UInt64(offset)) & ((1 << UInt64(take)) - 1)
            result |= chunk << UInt64(gathered)
            gathered += take
            bit += take
        }
        return result
    }

    /// Scalar reference for `pack`: one bit at a time. Used by property tests only.
    public static func packReference(_ values: [UInt64], bitWidth: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: packedByteCount(count: values.count, bitWidth: bitWidth))
        for (i, value) in values.enumerated() {
            for b in 0..<bitWidth where (value >> UInt64(b)) & 1 == 1 {
                let bit = i * bitWidth + b
                out[bit / 8] |= 1 << UInt8(bit % 8)
            }
        }
        return out
    }

    /// Scalar reference for `unpack`: one bit at a time. Used by property tests only.
    public static func unpackReference(_ bytes: [UInt8], count: Int, bitWidth: Int) -> [UInt64] {
        (0..<count).map { i in
            var value: UInt64 = 0
            for b in 0..<bitWidth {
                let bit = i * bitWidth + b
                if (bytes[bit / 8] >> UInt8(bit % 8)) & 1 == 1 { value |= 1 << UInt64(b) }
            }
            return value
        }
    }
}
