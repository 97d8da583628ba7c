import StrataCore
import StrataKernels

/// The deleted row offsets of one fragment, stored as a framed roaring bitmap
/// (spec/table.md §4).
package enum DeletionVector {
    /// The deletion file envelope's magic.
    package static let magic: [UInt8] = Array("STRD".utf8)

    /// The bytes of a deletion file holding `rows`.
    package static func encode(_ rows: RoaringBitmap) -> [UInt8] {
        FramedObject.encode(magic: magic, payload: rows.portableBytes)
    }

    /// Decodes a deletion file of a fragment of `physicalRows` rows that declares
    /// `expectedCount` deleted rows.
    /// - Throws: `.corruption` when the bytes are damaged or disagree with the manifest.
    package static func decode(_ bytes: [UInt8], path: String, physicalRows: Int, expectedCount: Int) throws(StrataError) -> RoaringBitmap {
        let payload = try FramedObject.decode(bytes, magic: magic, path: path)
        // A fragment cannot delete more rows than it has: that bounds the decoding work.
        guard let rows = RoaringBitmap(portableBytes: Array(payload), maxCount: physicalRows) else {
            throw .corruption(path: path, offset: 8, kind: .malformedMetadata,
                              detail: "not a valid roaring bitmap of at most \(physicalRows) rows")
        }
        guard rows.count == expectedCount else {
            throw .corruption(path: path, offset: 8, kind: .malformedMetadata,
                              detail: "holds \(rows.count) rows, the manifest says \(expectedCount)")
        }
        if let max = rows.max, Int(max) >= physicalRows {
            throw .corruption(path: path, offset: 8, kind: .malformedMetadata,
                              detail: "deletes row \(max) of a fragment of \(physicalRows) rows")
        }
        return rows
    }
}
