import Foundation
import StrataCore
import SwiftProtobuf

/// The file metadata, decoded from protobuf and validated against the file.
package struct FileMetadataDecoder: Sendable {
    package let schema: Schema
    package let rowCount: Int
    let pages: [[PageDescriptor]]
    package let createdBy: String
    package let metadata: [String: String]

    /// Decodes and validates `bytes`, the metadata of the file at `path`, whose data region
    /// ends at `dataEnd`.
    /// - Throws: `.corruption(.malformedMetadata)` for undecodable or inconsistent metadata,
    ///   `.corruption(.offsetOutOfBounds)` for pages outside the data region,
    ///   `.unsupportedFeature` for encodings, codecs or types this build does not know.
    package init(_ bytes: [UInt8], dataEnd: UInt64, path: String) throws(StrataError) {
        let proto: Strata_File_FileMetadata
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 16
            proto = try Strata_File_FileMetadata(serializedBytes: bytes, options: options)
        } catch {
            throw .corruption(path: path, offset: dataEnd, kind: .malformedMetadata, detail: "undecodable protobuf (\(error))")
        }
        schema = try SchemaCoding.schema(proto.schema, path: path)
        guard proto.columns.count == schema.fields.count else {
            throw .corruption(path: path, offset: dataEnd, kind: .malformedMetadata,
                              detail: "\(proto.columns.count) columns for \(schema.fields.count) fields")
        }
        guard proto.rowCount <= UInt64(Int.max / 2) else {
            throw .corruption(path: path, offset: dataEnd, kind: .malformedMetadata, detail: "row count \(proto.rowCount)")
        }
        rowCount = Int(proto.rowCount)
        // With no column to hold them, rows cannot be counted against pages: none may be claimed.
        guard !schema.fields.isEmpty || rowCount == 0 else {
            throw .corruption(path: path, offset: dataEnd, kind: .malformedMetadata, detail: "a file without columns claims \(rowCount) rows")
        }
        var pages: [[PageDescriptor]] = []
        for (c, (column, field)) in zip(proto.columns, schema.fields).enumerated() {
            guard column.fieldID == field.id else {
                throw .corruption(path: path, offset: dataEnd, kind: .malformedMetadata,
                                  detail: "column \(c) stores field id \(column.fieldID), the schema says \(field.id)")
            }
            var firstRow = 0
            var descriptors: [PageDescriptor] = []
            descriptors.reserveCapacity(column.pages.count)
            for (p, page) in column.pages.enumerated() {
                let descriptor = try PageDescriptor(page, column: c, index: p, firstRow: firstRow, field: field, dataEnd: dataEnd, path: path)
                firstRow += descriptor.rowCount
                guard firstRow <= rowCount else { break }
                descriptors.append(descriptor)
            }
            guard firstRow == rowCount else {
                throw .corruption(path: path, offset: dataEnd, kind: .malformedMetadata,
                                  detail: "column '\(field.name)' pages hold \(firstRow) rows, the file \(rowCount)")
            }
            pages.append(descriptors)
        }
        self.pages = pages
        createdBy = proto.createdBy
        metadata = proto.metadata
    }
}
