import StrataCore

/// The rows file of an index or index segment (spec/indexes.md §3): the row address of each internal
/// id, in id order, inside the framed-object envelope. An id whose row left the table
/// (dropped by compaction) holds `removed`.
package enum IndexRows {
    package static let magic: [UInt8] = Array("STRI".utf8)
    /// The address of an id whose row no longer exists.
    static let removed = UInt64.max

    package static func encode(_ addresses: [UInt64]) -> [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(8 * (addresses.count + 1))
        for value in [UInt64(addresses.count)] + addresses {
            withUnsafeBytes(of: value.littleEndian) { payload.append(contentsOf: $0) }
        }
        return FramedObject.encode(magic: magic, payload: payload)
    }

    /// - Throws: `.corruption` for a damaged file or one whose count is not `expectedCount`.
    package static func decode(_ bytes: [UInt8], path: String, expectedCount: Int) throws(StrataError) -> [UInt64] {
        let payload = Array(try FramedObject.decode(bytes, magic: magic, path: path))
        guard payload.count % 8 == 0, payload.count >= 8 else {
            throw .corruption(path: path, offset: 8, kind: .malformedMetadata, detail: "rows payload of \(payload.count) bytes")
        }
        let values = payload.withUnsafeBytes { raw in
            (0..<(payload.count / 8)).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
        guard values[0] == UInt64(values.count - 1), values.count - 1 == expectedCount else {
            throw .corruption(path: path, offset: 8, kind: .malformedMetadata,
                              detail: "rows file lists \(values[0]) addresses for an index of \(expectedCount) vectors")
        }
        return Array(values.dropFirst())
    }
}
