import CLZ4
import CZstd
import StrataCore

/// Page compression through liblz4 and libzstd, with decompression bounded by the body
/// length the metadata declares.
enum Codecs {
    /// Compresses `body` with `codec` (`.none` returns it unchanged).
    static func compress(_ body: [UInt8], codec: PageCodec, zstdLevel: Int32) -> [UInt8] {
        switch codec {
        case .none:
            return body
        case .lz4:
            let bound = Int(LZ4_compressBound(Int32(body.count)))
            return [UInt8](unsafeUninitializedCapacity: max(bound, 1)) { out, count in
                // Safety: `out` has `bound` bytes, the most LZ4 can produce for this input.
                count = body.withUnsafeBytes { input in
                    Int(LZ4_compress_default(
                        input.baseAddress?.assumingMemoryBound(to: CChar.self), UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self),
                        Int32(body.count), Int32(bound)))
                }
            }
        case .zstd:
            let bound = ZSTD_compressBound(body.count)
            return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
                // Safety: `out` has ZSTD_compressBound bytes, enough for any input of this size.
                let written = body.withUnsafeBytes { input in
                    ZSTD_compress(out.baseAddress, bound, input.baseAddress, body.count, zstdLevel)
                }
                precondition(ZSTD_isError(written) == 0, "zstd compression failed with a sufficient buffer")
                count = written
            }
        }
    }

    /// Decompresses `stored` into exactly `bodyLength` bytes.
    /// - Throws: `.corruption(kind: .malformedPage)` when the data does not decompress to
    ///   exactly `bodyLength` bytes.
    static func decompress(_ stored: [UInt8], codec: PageCodec, bodyLength: Int, path: String, offset: UInt64) throws(StrataError) -> [UInt8] {
        func bad(_ why: String) -> StrataError {
            .corruption(path: path, offset: offset, kind: .malformedPage, detail: why)
        }
        switch codec {
        case .none:
            guard stored.count == bodyLength else { throw bad("stored length \(stored.count) differs from body length \(bodyLength)") }
            return stored
        case .lz4:
            var produced: Int32 = -1
            let body = [UInt8](unsafeUninitializedCapacity: bodyLength) { out, count in
                produced = stored.withUnsafeBytes { input in
                    LZ4_decompress_safe(
                        input.baseAddress?.assumingMemoryBound(to: CChar.self),
                        out.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) },
                        Int32(stored.count), Int32(bodyLength))
                }
                count = max(0, Int(produced))
            }
            guard produced == Int32(bodyLength) else { throw bad("LZ4 data does not decompress to \(bodyLength) bytes") }
            return body
        case .zstd:
            let declared = stored.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, stored.count) }
            guard declared == UInt64(bodyLength) else { throw bad("Zstandard frame does not declare \(bodyLength) bytes") }
            let frame = stored.withUnsafeBytes { ZSTD_findFrameCompressedSize($0.baseAddress, stored.count) }
            guard ZSTD_isError(frame) == 0, frame == stored.count else { throw bad("the stored bytes are not exactly one Zstandard frame") }
            var produced = 0
            let body = [UInt8](unsafeUninitializedCapacity: bodyLength) { out, count in
                produced = stored.withUnsafeBytes { input in
                    ZSTD_decompress(out.baseAddress, bodyLength, input.baseAddress, stored.count)
                }
                count = ZSTD_isError(produced) == 0 ? produced : 0
            }
            guard ZSTD_isError(produced) == 0, produced == bodyLength else {
                throw bad("Zstandard data does not decompress to \(bodyLength) bytes")
            }
            return body
        }
    }
}
