import StrataCore
import StrataFormat
import StrataKernels
import SwiftProtobuf

/// The bytes of write-ahead-log segments (spec/table.md §9.1): a header holding the schema the
/// records are written in, then records, each `[u32 length][u64 sequence][payload][u64
/// xxh3]`, the payload one record batch column by column.
package enum LogCoding {
    package static let magic: [UInt8] = Array("STRW".utf8)

    /// The segment header for records of `schema`.
    package static func header(schema: Schema) -> [UInt8] {
        // Serializing a schema message built from a valid schema cannot fail.
        let payload: [UInt8] = try! SchemaCoding.proto(schema).serializedBytes()
        var bytes = magic
        put(UInt32(payload.count), &bytes)
        bytes += payload
        put(Checksum.xxh3(bytes), &bytes)
        return bytes
    }

    /// One record holding `batch`.
    package static func record(sequence: UInt64, batch: RecordBatch) -> [UInt8] {
        var payload: [UInt8] = []
        put(UInt64(batch.rowCount), &payload)
        for column in batch.columns {
            if let validity = column.validity {
                payload.append(1)
                payload += validity.bytes
            } else {
                payload.append(0)
            }
            put(UInt64(column.values.count), &payload)
            payload += column.values
            if column.type.isVariableWidth { for offset in column.offsets { put(UInt64(offset), &payload) } }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payload.count + 20)
        put(UInt32(payload.count), &bytes)
        put(sequence, &bytes)
        bytes += payload
        put(Checksum.xxh3(bytes), &bytes)
        return bytes
    }

    /// A decoded segment: its schema and the records that survived intact, in order.
    package struct Segment {
        package var schema: Schema
        package var records: [(sequence: UInt64, batch: RecordBatch)]
        /// Whether decoding stopped at a complete record that is damaged (bad checksum or
        /// contents), rather than at a record cut short: real damage, not a crash.
        package var damaged: Bool
    }

    /// Decodes a segment. A record that is cut short or fails its checksum ends the segment:
    /// records are acknowledged only after they are complete, so only an unacknowledged tail
    /// can be damaged that way.
    /// - Throws: `.corruption` when the header itself is damaged (nothing in such a segment
    ///   was ever acknowledged).
    package static func decode(_ bytes: [UInt8], path: String) throws(StrataError) -> Segment {
        var reader = ByteReader(bytes: bytes)
        guard let head = reader.bytes(4), head == magic, let length = reader.u32(), let payload = reader.bytes(Int(length)),
              let checksum = reader.u64(), checksum == Checksum.xxh3(Array(bytes[0..<(8 + Int(length))])) else {
            throw .corruption(path: path, offset: 0, kind: .truncated, detail: "write-ahead-log segment header is incomplete or damaged")
        }
        let proto: Strata_File_Schema
        do {
            proto = try Strata_File_Schema(serializedBytes: payload)
        } catch {
            throw .corruption(path: path, offset: 8, kind: .malformedMetadata, detail: "undecodable segment schema")
        }
        let schema = try SchemaCoding.schema(proto, path: path)
        var records: [(UInt64, RecordBatch)] = []
        var recordStart = reader.position
        var damaged = false
        while reader.remaining > 0 {
            guard let length = reader.u32(), let sequence = reader.u64(), let payload = reader.bytes(Int(length)), let checksum = reader.u64()
            else { break }  // cut short: a torn tail
            guard checksum == Checksum.xxh3(Array(bytes[recordStart..<(reader.position - 8)])),
                  let batch = decodeBatch(payload, schema: schema) else {
                damaged = true
                break
            }
            records.append((sequence, batch))
            recordStart = reader.position
        }
        return Segment(schema: schema, records: records, damaged: damaged)
    }

    /// Decodes one record's batch, nil when it does not fit the schema.
    private static func decodeBatch(_ payload: [UInt8], schema: Schema) -> RecordBatch? {
        var reader = ByteReader(bytes: payload)
        guard let rows64 = reader.u64(), rows64 <= UInt64(payload.count) * 8 + 8 else { return nil }
        let rows = Int(rows64)
        var columns: [ColumnBuffer] = []
        for field in schema.fields {
            guard let flag = reader.bytes(1) else { return nil }
            var validity: ValidityBitmap?
            if flag[0] == 1 {
                guard let bits = reader.bytes((rows + 7) / 8) else { return nil }
                validity = ValidityBitmap(bytes: bits, count: rows)
            } else if flag[0] != 0 {
                return nil
            }
            guard let length = reader.u64(), length <= UInt64(reader.remaining), let values = reader.bytes(Int(length)) else { return nil }
            var offsets: [Int] = []
            if field.type.isVariableWidth {
                guard rows < reader.remaining else { return nil }
                offsets.reserveCapacity(rows + 1)
                for _ in 0...rows {
                    guard let offset = reader.u64(), offset <= length, offset >= UInt64(offsets.last ?? 0) else { return nil }
                    offsets.append(Int(offset))
                }
                guard offsets.first == 0, offsets.last == values.count else { return nil }
            } else if let width = field.type.fixedWidth {
                guard values.count == rows * width else { return nil }
            } else if values.count != (rows + 7) / 8 {
                return nil
            }
            columns.append(ColumnBuffer(type: field.type, count: rows, validity: validity, values: values, offsets: offsets))
        }
        guard reader.remaining == 0 else { return nil }
        return try? RecordBatch(schema: schema, columns: columns)
    }

    private static func put<T: FixedWidthInteger>(_ value: T, _ bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// Bounds-checked little-endian reads.
    private struct ByteReader {
        let bytes: [UInt8]
        var position = 0
        var remaining: Int { bytes.count - position }

        mutating func bytes(_ count: Int) -> [UInt8]? {
            guard count >= 0, count <= remaining else { return nil }
            defer { position += count }
            return Array(bytes[position..<(position + count)])
        }

        mutating func u32() -> UInt32? {
            bytes(4).map { $0.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        }

        mutating func u64() -> UInt64? {
            bytes(8).map { $0.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        }
    }
}
