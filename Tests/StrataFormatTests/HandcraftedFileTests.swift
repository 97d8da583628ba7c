import Strata
@testable import StrataFormat
import StrataKernels
import SwiftProtobuf
import Testing

/// Files built byte by byte, for damage that no writer produces and no bit flip reaches
/// (the checksums are all valid): each must be refused with a typed error, never a trap or
/// an unbounded allocation.
@Suite struct HandcraftedFileTests {
    /// A file of one column with one page holding `body` (its checksum valid); `bodyLength`
    /// overrides the declared body length.
    static func file(body: [UInt8], page: Strata_File_Page, type: Strata_File_LogicalType, rows: UInt64, bodyLength: Int? = nil) throws -> [UInt8] {
        var bytes = FileLayout.header + [UInt8](repeating: 0, count: 64 - FileLayout.headerSize)
        var sealedPage = page
        sealedPage.offset = 64
        sealedPage.storedLength = UInt64(body.count)
        sealedPage.bodyLength = UInt64(bodyLength ?? body.count)
        sealedPage.checksum = Checksum.xxh3(body)
        bytes += body
        var field = Strata_File_Field()
        field.name = "s"
        field.type = type
        field.nullable = true
        var column = Strata_File_Column()
        column.pages = [sealedPage]
        var metadata = Strata_File_FileMetadata()
        metadata.schema.fields = [field]
        metadata.rowCount = rows
        metadata.columns = [column]
        let encoded: [UInt8] = try metadata.serializedBytes()
        let footer = Footer(metadataOffset: UInt64(bytes.count), metadataLength: UInt64(encoded.count), metadataChecksum: Checksum.xxh3(encoded))
        return bytes + encoded + footer.bytes
    }

    static func buffer(_ offset: Int, _ length: Int) -> Strata_File_Buffer {
        var buffer = Strata_File_Buffer()
        buffer.offset = UInt64(offset)
        buffer.length = UInt64(length)
        return buffer
    }

    @Test func dictionaryPageThatWouldExpandWithoutBoundIsRefused() async throws {
        // 2^24 rows, every one index 0 (zero-bit indices take no bytes) of a 64 KiB value:
        // 1 TiB decoded from a 64 KiB file.
        let rows = 1 << 24, value = [UInt8](repeating: 0x61, count: 64 << 10)
        var body: [UInt8] = []
        body.appendLittleEndian(UInt32(0))
        body.appendLittleEndian(UInt32(value.count))
        body += value
        var page = Strata_File_Page()
        page.rowCount = UInt64(rows)
        page.encoding = .dictionary
        page.bitWidth = 0
        page.dictionaryCount = 1
        page.buffers = [Self.buffer(0, 0), Self.buffer(0, 8), Self.buffer(8, value.count)]
        let store = MemoryObjectStore()
        try await store.write("bomb", bytes: try Self.file(body: body, page: page, type: .string, rows: UInt64(rows)))
        let reader = try await FileReader.open(store: store, path: "bomb")
        do {
            _ = try await reader.readAll()
            Issue.record("a 1 TiB decode was attempted and returned")
        } catch {
            guard case .corruption(_, _, .malformedPage, _) = error else { Issue.record("wrong error \(error)"); return }
        }
        // take of one row needs only that row: it succeeds.
        #expect(try await reader.take([rows - 1]).columns[0].bytes(at: 0).count == value.count)
    }

    @Test func compressedPageLongerThanItsCodecBoundIsRefused() async throws {
        // An LZ4 page declaring an 8-byte body for 4,096 stored bytes: LZ4 never produces more
        // than LZ4_compressBound(8) bytes, so the metadata is refused at open, before any read.
        var page = Strata_File_Page()
        page.rowCount = 1
        page.encoding = .plain
        page.codec = .lz4
        page.buffers = [Self.buffer(0, 8)]
        let store = MemoryObjectStore()
        try await store.write("long", bytes: try Self.file(body: [UInt8](repeating: 7, count: 4096), page: page, type: .int64, rows: 1, bodyLength: 8))
        do {
            _ = try await FileReader.open(store: store, path: "long")
            Issue.record("opened")
        } catch {
            guard case .corruption(_, _, .malformedMetadata, _) = error else { Issue.record("wrong error \(error)"); return }
        }
    }
}
