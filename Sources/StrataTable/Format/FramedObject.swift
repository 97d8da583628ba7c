import StrataCore
import StrataKernels

/// The envelope of every small table object (manifests, tags, deletion vectors): a magic, a
/// format version, the payload, and a trailer with the payload's length and an XXH3-64 of
/// everything before the trailer's checksum. spec/table.md §2 defines it.
///
/// Commits publish objects atomically, so a torn object should never be seen; the checksum
/// is what makes that a checked fact rather than an assumption (object stores without atomic
/// publication, bit rot, a copy cut short).
package enum FramedObject {
    /// The major format version this build writes and reads; a newer major is refused.
    package static let majorVersion: UInt16 = 1
    /// The minor version written; readers accept any minor of their major.
    package static let minorVersion: UInt16 = 0
    /// Header (magic, major, minor) plus trailer (length, checksum).
    package static let overhead = 8 + 16

    /// Wraps `payload` under the four-byte `magic`.
    package static func encode(magic: [UInt8], payload: [UInt8]) -> [UInt8] {
        precondition(magic.count == 4)
        var bytes = magic
        bytes.reserveCapacity(payload.count + overhead)
        append(majorVersion, to: &bytes)
        append(minorVersion, to: &bytes)
        bytes += payload
        append(UInt64(payload.count), to: &bytes)
        append(Checksum.xxh3(bytes), to: &bytes)
        return bytes
    }

    /// Checks the envelope and returns the payload.
    /// - Throws: `.corruption` (truncated, bad magic, checksum mismatch) or
    ///   `.incompatibleVersion`, naming `path`.
    package static func decode(_ bytes: [UInt8], magic: [UInt8], path: String) throws(StrataError) -> ArraySlice<UInt8> {
        guard bytes.count >= overhead else {
            throw .corruption(path: path, offset: 0, kind: .truncated, detail: "\(bytes.count) bytes, fewer than the \(overhead)-byte envelope")
        }
        guard Array(bytes[0..<4]) == magic else {
            throw .corruption(path: path, offset: 0, kind: .badMagic, detail: "expected \(String(decoding: magic, as: UTF8.self))")
        }
        let major = UInt16(bytes[4]) | UInt16(bytes[5]) << 8
        guard major == majorVersion else {
            let minor = UInt16(bytes[6]) | UInt16(bytes[7]) << 8
            throw .incompatibleVersion(path: path, found: "\(major).\(minor)", supported: "\(majorVersion).x")
        }
        let lengthAt = bytes.count - 16
        let length = readUInt64(bytes, at: lengthAt)
        guard length <= UInt64(lengthAt - 8) else {
            // Fewer bytes than the envelope says: a write cut short.
            throw .corruption(path: path, offset: UInt64(lengthAt), kind: .truncated,
                              detail: "payload length \(length) but \(lengthAt - 8) bytes present")
        }
        guard length == UInt64(lengthAt - 8) else {
            throw .corruption(path: path, offset: UInt64(lengthAt), kind: .malformedMetadata,
                              detail: "payload length \(length) but \(lengthAt - 8) bytes present: extra bytes")
        }
        let stored = readUInt64(bytes, at: bytes.count - 8)
        let actual = bytes.withUnsafeBytes { Checksum.xxh3(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 8)])) }
        guard stored == actual else {
            throw .corruption(path: path, offset: UInt64(bytes.count - 8), kind: .checksumMismatch,
                              detail: "stored \(hex(stored)), computed \(hex(actual))")
        }
        return bytes[8..<lengthAt]
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }

    private static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}
