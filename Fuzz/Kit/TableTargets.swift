import StrataCore
import StrataKernels
import StrataTable

extension FuzzTargets {
    /// The table layer's decoders. The first byte picks one, the rest is its input, both as
    /// stored and resealed in a valid envelope so that mutations reach the payload decoders:
    /// 0 manifest, 1 deletion vector, 2 tag, 3 write-ahead-log segment, 4 delete predicate.
    public static func tableObjects(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let input = Array(bytes.dropFirst())
        switch selector % 5 {
        case 0:
            for candidate in [input, FramedObject.encode(magic: Manifest.magic, payload: input)] {
                if let manifest = try? Manifest(decoding: candidate, path: "fuzz", expectedVersion: 1) {
                    // A manifest that decodes must encode and decode to the same state.
                    let again = try? Manifest(decoding: manifest.encoded(), path: "fuzz", expectedVersion: 1)
                    precondition(again?.fragments == manifest.fragments && again?.schema == manifest.schema, "manifest does not round-trip")
                    _ = manifest.referencedFiles
                    _ = manifest.rowCount
                }
            }
        case 1:
            let rows = Int(input.first ?? 0) * 97
            for candidate in [input, FramedObject.encode(magic: DeletionVector.magic, payload: input)] {
                for expected in [0, 1, 7, RoaringBitmap(portableBytes: input, maxCount: rows)?.count ?? 3] {
                    if let bitmap = try? DeletionVector.decode(candidate, path: "fuzz", physicalRows: rows, expectedCount: expected) {
                        precondition(bitmap.values.allSatisfy { Int($0) < rows }, "deletion vector past its fragment")
                        precondition(RoaringBitmap(portableBytes: bitmap.portableBytes, maxCount: rows) == bitmap, "bitmap does not round-trip")
                    }
                }
            }
        case 2:
            for candidate in [input, FramedObject.encode(magic: Tag.magic, payload: input)] { _ = try? Tag(decoding: candidate, path: "fuzz") }
        case 3:
            if let segment = try? LogCoding.decode(input, path: "fuzz") {
                for record in segment.records {
                    for row in 0..<min(record.batch.rowCount, 64) { _ = record.batch.row(row) }
                }
            }
        default:
            _ = try? Predicate(parsing: String(decoding: input, as: UTF8.self), schema: predicateSchema)
        }
    }

    /// A schema with one column of each kind a predicate can compare.
    private static let predicateSchema = try! Schema([
        ("id", .int64, true), ("u", .uint32, true), ("name", .string, true), ("score", .float64, true),
        ("ok", .bool, true), ("ts", .timestamp, true), ("bytes", .binary, true),
    ])
}
