import Foundation
import StrataCore
import StrataKernels
import StrataStorage
import SwiftProtobuf

/// Writes a Strata data file from record batches, streaming: each page goes to the store as
/// soon as it is full, so memory stays near one page per column however large the file.
///
/// ```swift
/// let writer = try await FileWriter(store: store, path: "data/a.strata", schema: schema)
/// try await writer.write(batch)
/// let summary = try await writer.finish()
/// ```
/// Nothing is visible under `path` until `finish()` returns; after an error, call `abort()`.
/// A writer belongs to one task at a time.
public final class FileWriter {
    /// The schema every batch must have.
    public let schema: Schema
    /// The destination path.
    public let path: String
    private let options: FileWriterOptions
    private let output: any ObjectWriter
    private var position: UInt64 = 0
    private var rowCount = 0
    private var pending: [PendingColumn]
    private var written: [[Strata_File_Page]]
    private var finished = false

    /// The most bytes buffered for unwritten pages at any moment so far (a test hook for
    /// the bounded-memory guarantee).
    public private(set) var peakBufferedBytes = 0

    /// Starts a file at `path`.
    /// - Throws: `.invalidInput` for bad options; storage errors.
    public init(store: any ObjectStore, path: String, schema: Schema, options: FileWriterOptions = FileWriterOptions()) async throws(StrataError) {
        try options.validate(for: schema)
        self.schema = schema
        self.path = path
        self.options = options
        self.pending = schema.fields.map { PendingColumn(type: $0.type) }
        self.written = Array(repeating: [], count: schema.fields.count)
        self.output = try await store.makeWriter(path)
        try await append(FileLayout.header)
    }

    /// Appends the rows of `batch`.
    /// - Throws: `.invalidInput` when the batch's schema differs; storage errors.
    public func write(_ batch: RecordBatch) async throws(StrataError) {
        precondition(!finished, "write after finish")
        guard batch.schema.fields == schema.fields else {
            throw .invalidInput(what: "record batch", why: "its schema differs from the file's")
        }
        for (c, column) in batch.columns.enumerated() where column.count > 0 {
            if column.type == .json {
                // Columns built from raw bytes skip ColumnBuilder's check; the format promises valid JSON.
                for i in 0..<column.count where !column.isNull(i) {
                    do throws(StrataError) {
                        _ = try JSONParser.parse(Array(column.bytes(at: i)))
                    } catch {
                        throw .invalidInput(what: "json value in row \(i) of '\(schema.fields[c].name)'", why: error.description)
                    }
                }
            }
            if column.type.isVariableWidth {
                for i in 0..<column.count where column.offsets[i + 1] - column.offsets[i] > FileLayout.maxPageBodyBytes - 4096 {
                    throw .invalidInput(what: "value of \(column.offsets[i + 1] - column.offsets[i]) bytes in '\(schema.fields[c].name)'",
                                        why: "a value may hold at most \(FileLayout.maxPageBodyBytes - 4096) bytes")
                }
            }
            pending[c].add(column)
        }
        rowCount += batch.rowCount
        peakBufferedBytes = max(peakBufferedBytes, pending.reduce(0) { $0 + $1.bytes })
        for c in pending.indices {
            while let rows = pending[c].rowsForFullPage(target: pageTarget(c), maxRows: options.maxRowsPerPage) {
                try await writePage(column: c, pending[c].removeFirst(rows))
            }
        }
    }

    /// Writes the last pages, the metadata and the footer, and publishes the file.
    /// - Returns: what was written.
    /// - Throws: storage errors (the file is then not published).
    public func finish() async throws(StrataError) -> FileSummary {
        precondition(!finished, "finish called twice")
        for c in pending.indices {
            while pending[c].rows > 0 {
                let rows = pending[c].rowsForFullPage(target: pageTarget(c), maxRows: options.maxRowsPerPage) ?? pending[c].rows
                try await writePage(column: c, pending[c].removeFirst(rows))
            }
        }
        var metadata = Strata_File_FileMetadata()
        metadata.schema = SchemaCoding.proto(schema)
        metadata.rowCount = UInt64(rowCount)
        metadata.createdBy = "strata \(FileLayout.versionString)"
        metadata.metadata = options.metadata
        metadata.columns = zip(schema.fields, written).map { field, pages in
            var column = Strata_File_Column()
            column.fieldID = field.id
            column.pages = pages
            return column
        }
        let bytes: [UInt8]
        do {
            // Deterministic map order: the same data and settings always give the same bytes.
            var encoding = BinaryEncodingOptions()
            encoding.useDeterministicOrdering = true
            bytes = try metadata.serializedBytes(options: encoding)
        } catch {
            throw .io(path: path, operation: "serialize metadata", code: 0, message: "\(error)")
        }
        let footer = Footer(metadataOffset: position, metadataLength: UInt64(bytes.count), metadataChecksum: Checksum.xxh3(bytes))
        try await append(bytes + footer.bytes)
        try await output.finish()
        finished = true
        return FileSummary(path: path, rowCount: rowCount, bytes: position, pages: written.reduce(0) { $0 + $1.count })
    }

    /// Discards the file; nothing is published.
    public func abort() async {
        finished = true
        await output.abort()
    }

    private func pageTarget(_ c: Int) -> Int {
        schema.fields[c].type.isVariableWidth ? options.variablePageBytes : options.fixedPageBytes
    }

    private func append(_ bytes: [UInt8]) async throws(StrataError) {
        try await output.append(bytes)
        position += UInt64(bytes.count)
    }

    private func writePage(column c: Int, _ values: ColumnBuffer) async throws(StrataError) {
        let field = schema.fields[c]
        // Integer pages are widened to 64 bits once, for both the encoding and the statistics.
        let wide = field.type.isSignedInteger || field.type.isUnsignedInteger ? IntegerWidening.widen(values) : nil
        let encoded = PageEncoder.encode(values, forced: options.encodings[field.name], wide: wide)
        let requested = options.codecs[field.name] ?? options.codec
        var codec = requested ?? (field.type.isVariableWidth ? .zstd : .none)
        var stored = Codecs.compress(encoded.body, codec: codec, zstdLevel: options.zstdLevel)
        if requested == nil && codec != .none && stored.count >= encoded.body.count {
            codec = .none  // incompressible: keep it readable by byte range instead
            stored = encoded.body
        }
        // Align the page, then write it.
        let padding = (FileLayout.pageAlignment - Int(position % UInt64(FileLayout.pageAlignment))) % FileLayout.pageAlignment
        if padding > 0 { try await append([UInt8](repeating: 0, count: padding)) }
        var page = Strata_File_Page()
        page.offset = position
        page.storedLength = UInt64(stored.count)
        page.bodyLength = UInt64(encoded.body.count)
        page.rowCount = UInt64(values.count)
        page.nullCount = UInt64(values.nullCount)
        page.encoding = encoded.encoding.proto
        page.codec = codec.proto
        page.checksum = Checksum.xxh3(stored)
        page.buffers = encoded.buffers.map { range in
            var buffer = Strata_File_Buffer()
            buffer.offset = UInt64(range.lowerBound)
            buffer.length = UInt64(range.count)
            return buffer
        }
        page.bitWidth = UInt32(encoded.bitWidth)
        page.reference = encoded.reference
        page.dictionaryCount = UInt64(encoded.dictionaryCount)
        if codec == .none && stored.count > options.checksumBlockBytes {
            let size = options.checksumBlockBytes
            page.checksumBlockSize = UInt32(size)
            page.blockChecksums = stride(from: 0, to: stored.count, by: size).map {
                Checksum.xxh3(stored, range: $0..<min($0 + size, stored.count))
            }
        }
        page.statistics = PageStatistics.compute(values, wide: wide).proto
        try await append(stored)
        written[c].append(page)
    }
}

/// What `FileWriter.finish()` wrote.
public struct FileSummary: Sendable, Hashable {
    /// The file's path.
    public let path: String
    /// Rows written.
    public let rowCount: Int
    /// The file's size in bytes.
    public let bytes: UInt64
    /// Pages written, over all columns.
    public let pages: Int
}

/// Rows of one column waiting to fill a page: slices of the caller's batches, not copies.
struct PendingColumn {
    let type: DataType
    private var parts: [(ColumnBuffer, Range<Int>)] = []
    private(set) var rows = 0
    private(set) var bytes = 0

    init(type: DataType) { self.type = type }

    mutating func add(_ column: ColumnBuffer) {
        parts.append((column, 0..<column.count))
        rows += column.count
        bytes += PendingColumn.size(column, 0..<column.count)
    }

    /// The row count of the next full page, or nil if the pending rows do not fill one yet.
    func rowsForFullPage(target: Int, maxRows: Int) -> Int? {
        if let width = type.fixedWidth {
            let perPage = min(maxRows, max(1, target / width))
            return rows >= perPage ? perPage : nil
        }
        if type == .bool {
            let perPage = min(maxRows, max(8, target * 8))
            return rows >= perPage ? perPage : nil
        }
        // Variable width: walk values until the page would pass the target (at least one row).
        var count = 0, size = 0
        for (column, range) in parts {
            for i in range {
                let valueBytes = column.offsets[i + 1] - column.offsets[i] + 4
                if count > 0 && (size + valueBytes > target || count == maxRows) { return count }
                size += valueBytes
                count += 1
            }
        }
        return nil
    }

    /// Removes the first `count` rows and returns them as one buffer.
    mutating func removeFirst(_ count: Int) -> ColumnBuffer {
        var taken: [(ColumnBuffer, Range<Int>)] = []
        var needed = count
        while needed > 0 {
            let (column, range) = parts[0]
            let take = min(needed, range.count)
            taken.append((column, range.lowerBound..<(range.lowerBound + take)))
            bytes -= PendingColumn.size(column, range.lowerBound..<(range.lowerBound + take))
            if take == range.count { parts.removeFirst() } else { parts[0].1 = (range.lowerBound + take)..<range.upperBound }
            needed -= take
        }
        rows -= count
        if taken.count == 1 && taken[0].1 == 0..<taken[0].0.count { return taken[0].0 }
        return ColumnBuffer.concatenate(taken, type: type)
    }

    private static func size(_ column: ColumnBuffer, _ range: Range<Int>) -> Int {
        if let width = column.type.fixedWidth { return range.count * width }
        if column.type.isVariableWidth { return column.offsets[range.upperBound] - column.offsets[range.lowerBound] + 4 * range.count }
        return (range.count + 7) / 8
    }
}
