import StrataCore

/// Reads chosen columns of a file in row order, one batch at a time, decoding each page once.
///
/// ```swift
/// let scanner = try reader.scanner(columns: ["id", "text"], batchRows: 8192)
/// while let batch = try await scanner.next() { … }
/// ```
/// A batch never spans a page boundary of any projected column: it ends at `batchRows` rows
/// or at the nearest page end, whichever comes first. So no batch is stitched from pieces,
/// and a column whose page coincides with the batch is passed on without a copy. Memory stays
/// bounded by one decoded page per column. A scanner belongs to one task at a time.
public final class FileScanner {
    private let reader: FileReader
    private let indices: [Int]
    private let batchRows: Int
    private let outputSchema: Schema
    private var emitted = 0
    /// Per projected column: the next page to decode, the decoded current page and the next row in it.
    private var cursors: [(nextPage: Int, page: ColumnBuffer?, row: Int)]

    init(reader: FileReader, indices: [Int], batchRows: Int) {
        self.reader = reader
        self.indices = indices
        self.batchRows = batchRows
        self.outputSchema = reader.schema.projected(indices)
        self.cursors = Array(repeating: (0, nil, 0), count: indices.count)
    }

    /// The next batch of at most `batchRows` rows, or nil after the last row.
    /// - Throws: corruption and I/O errors as `FileReader.open` describes.
    public func next() async throws(StrataError) -> RecordBatch? {
        var count = min(batchRows, reader.rowCount - emitted)
        guard count > 0 else { return nil }
        // Make sure every column has a page with rows left, and cut the batch at the nearest page end.
        for (k, c) in indices.enumerated() {
            if cursors[k].page == nil || cursors[k].row == cursors[k].page!.count {
                let descriptor = reader.pages[c][cursors[k].nextPage]
                let body = try await reader.pageBody(descriptor)
                cursors[k].page = try PageDecoder.decode(descriptor, body: body, type: reader.schema.fields[c].type, path: reader.path)
                cursors[k].nextPage += 1
                cursors[k].row = 0
            }
            count = min(count, cursors[k].page!.count - cursors[k].row)
        }
        var columns: [ColumnBuffer] = []
        columns.reserveCapacity(indices.count)
        for k in indices.indices {
            let page = cursors[k].page!
            let rows = cursors[k].row..<(cursors[k].row + count)
            columns.append(rows == 0..<page.count ? page : page.slice(rows))
            cursors[k].row += count
        }
        emitted += count
        return RecordBatch(checked: outputSchema, columns: columns)
    }
}

extension FileReader {
    /// A scanner over `columns` (nil: all), in batches of at most `batchRows` rows.
    /// - Throws: `.invalidInput` for an unknown column or a batch size below 1.
    public func scanner(columns: [String]? = nil, batchRows: Int = 65_536) throws(StrataError) -> FileScanner {
        guard batchRows >= 1 else { throw .invalidInput(what: "batch size \(batchRows)", why: "must be at least 1") }
        return FileScanner(reader: self, indices: try columnIndices(columns), batchRows: batchRows)
    }

    /// Reads every row of `columns` (nil: all) into one batch.
    /// - Throws: as `scanner` and `FileScanner.next` do.
    public func readAll(columns: [String]? = nil) async throws(StrataError) -> RecordBatch {
        let indices = try columnIndices(columns)
        let scan = try scanner(columns: columns, batchRows: max(1, rowCount))
        var batches: [RecordBatch] = []
        while let batch = try await scan.next() { batches.append(batch) }
        if batches.count == 1 { return batches[0] }
        return RecordBatch.concatenate(batches, schema: schema.projected(indices))
    }
}
