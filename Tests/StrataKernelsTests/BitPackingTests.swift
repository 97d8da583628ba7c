import StrataKernels
import Testing
import TestSupport

@Suite struct BitPackingTests {
    @Test(arguments: Array(0...64))
    func packMatchesReferenceAndUnpacks(bitWidth: Int) {
        var rng = SeededRandom(seed: UInt64(bitWidth) + 1)
        for count in [0, 1, 7, 8, 63, 64, 65, 300] {
            let mask: UInt64 = bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1
            let values = (0..<count).map { _ in UInt64.random(in: 0 ... .max, using: &rng) & mask }
            let size = BitPacking.packedByteCount(count: count, bitWidth: bitWidth)
            var packed = [UInt8](repeating: 0xAA, count: size)
            values.withUnsafeBufferPointer { v in packed.withUnsafeMutableBytes { BitPacking.pack(v, bitWidth: bitWidth, into: $0) } }
            #expect(packed == BitPacking.packReference(values, bitWidth: bitWidth))
            var unpacked = [UInt64](repeating: 99, count: count)
            packed.withUnsafeBytes { p in unpacked.withUnsafeMutableBufferPointer { BitPacking.unpack(p, bitWidth: bitWidth, into: $0) } }
            #expect(unpacked == values)
            #expect(BitPacking.unpackReference(packed, count: count, bitWidth: bitWidth) == values)
            for i in values.indices {
                #expect(packed.withUnsafeBytes { BitPacking.value(in: $0, at: i, bitWidth: bitWidth) } == values[i])
            }
        }
    }

    @Test func bitWidthOfValues() {
        #expect(BitPacking.bitWidth(of: 0) == 0)
        #expect(BitPacking.bitWidth(of: 1) == 1)
        #expect(BitPacking.bitWidth(of: 255) == 8)
        #expect(BitPacking.bitWidth(of: 256) == 9)
        #expect(BitPacking.bitWidth(of: .max) == 64)
    }
}

@Suite struct FrameOfReferenceTests {
    @Test func encodeMatchesReferenceAndDecodes() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<200 {
            var values = (0..<Int.random(in: 1...50, using: &rng)).map { _ in Int64.random(in: .min ... .max, using: &rng) }
            if Bool.random(using: &rng) { values = values.map { $0 >> 40 } }
            let reference = values.min()!
            var offsets = [UInt64](repeating: 0, count: values.count)
            values.withUnsafeBufferPointer { v in offsets.withUnsafeMutableBufferPointer { FrameOfReference.encode(v, reference: reference, into: $0) } }
            #expect(offsets == FrameOfReference.encodeReference(values, reference: reference))
            var decoded = [Int64](repeating: 0, count: values.count)
            offsets.withUnsafeBufferPointer { o in decoded.withUnsafeMutableBufferPointer { FrameOfReference.decode(o, reference: reference, into: $0) } }
            #expect(decoded == values)
        }
    }
}

@Suite struct BitmapTests {
    @Test func popCountAndCopyMatchReference() {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<200 {
            let bits = Int.random(in: 0...300, using: &rng)
            let bytes = (0..<Bitmaps.byteCount(bits: bits)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(bytes.withUnsafeBytes { Bitmaps.popCount($0, bitCount: bits) } == Bitmaps.popCountReference(bytes, bitCount: bits))
            guard bits > 0 else { continue }
            let source = Int.random(in: 0..<bits, using: &rng)
            let count = Int.random(in: 0...(bits - source), using: &rng)
            let destination = Int.random(in: 0..<20, using: &rng)
            var out = [UInt8](repeating: 0, count: Bitmaps.byteCount(bits: destination + count))
            bytes.withUnsafeBytes { i in out.withUnsafeMutableBytes { Bitmaps.copyBits(from: i, at: source, to: $0, at: destination, count: count) } }
            for k in 0..<count {
                let expected = (bytes[(source + k) / 8] >> UInt8((source + k) % 8)) & 1 == 1
                #expect(out.withUnsafeBytes { Bitmaps.isSet($0, destination + k) } == expected)
            }
        }
    }
}

@Suite struct ChecksumTests {
    @Test func knownVectors() {
        // Published XXH3-64 (seed 0) test vectors.
        #expect(Checksum.xxh3([]) == 0x2D06_8005_38D3_94C2)
    }

    @Test func sliceMatchesCopyAndDetectsFlips() {
        var rng = SeededRandom(seed: 3)
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        #expect(Checksum.xxh3(bytes, range: 100..<4100) == Checksum.xxh3(Array(bytes[100..<4100])))
        let base = Checksum.xxh3(bytes)
        for position in stride(from: 0, to: bytes.count, by: 97) {
            var flipped = bytes
            flipped[position] ^= 0x10
            #expect(Checksum.xxh3(flipped) != base)
        }
    }
}
