import StrataCore
import StrataKernels
import StrataStorage

extension FileReader {
    /// Reads the rows at `rows` (any order, repeats allowed) of the chosen columns.
    ///
    /// Only the pages holding those rows are read; in uncompressed fixed-width pages, only the
    /// checksum blocks (4 KiB by default) holding the rows' bytes, each verified.
    /// - Parameter columns: names to read, in the order wanted; nil reads all.
    /// - Returns: a batch whose row `i` is file row `rows[i]`.
    /// - Throws: `.invalidInput` for a row outside the file or an unknown column; corruption
    ///   and I/O errors as `open` describes.
    /// - Complexity: O(k log k) for k rows, plus one read per page or block run touched.
    public func take(_ rows: [Int], columns: [String]? = nil) async throws(StrataError) -> RecordBatch {
        let indices = try columnIndices(columns)
        for row in rows where row < 0 || row >= rowCount {
            throw .invalidInput(what: "row \(row)", why: "outside the file's \(rowCount) rows")
        }
        // Read in ascending order (each page once), then put rows back in the asked order.
        let order = rows.indices.sorted { rows[$0] < rows[$1] }
        let sortedRows = order.map { rows[$0] }
        var unique: [Int] = []
        var position = [Int](repeating: 0, count: rows.count)  // asked index → unique index
        for (k, i) in order.enumerated() {
            if unique.last != sortedRows[k] { unique.append(sortedRows[k]) }
            position[i] = unique.count - 1
        }
        // Rows asked in ascending order without repeats come back as read, without a gather.
        let inOrder = position.indices.allSatisfy { position[$0] == $0 }
        var output: [ColumnBuffer] = []
        for c in indices {
            let column = try await takeSorted(unique, column: c)
            output.append(inOrder ? column : column.gather(position))
        }
        return RecordBatch(checked: schema.projected(indices), columns: output)
    }

    /// Reads ascending, distinct `rows` of column `c`.
    private func takeSorted(_ rows: [Int], column c: Int) async throws(StrataError) -> ColumnBuffer {
        let type = schema.fields[c].type
        var builder = ColumnBuilder(type: type, capacity: rows.count)
        let columnPages = pages[c]
        var start = 0
        while start < rows.count {
            let page = columnPages[pageIndex(containing: rows[start], in: columnPages)]
            var end = start
            while end < rows.count && rows[end] < page.rows.upperBound { end += 1 }
            let local = rows[start..<end].map { $0 - page.firstRow }
            let bytes = try await pageBytes(page, rows: local, type: type)
            try PageDecoder.appendRows(local, of: page, from: bytes, to: &builder, path: path)
            start = end
        }
        return builder.finish()
    }

    /// Binary search for the page holding `row`.
    private func pageIndex(containing row: Int, in columnPages: [PageDescriptor]) -> Int {
        var low = 0, high = columnPages.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if columnPages[mid].firstRow <= row { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The verified bytes of `page` that rows `rows` need: the covering checksum blocks when
    /// the layout allows ranged reads and they are fewer than half the page, else the body.
    private func pageBytes(_ page: PageDescriptor, rows: [Int], type: DataType) async throws(StrataError) -> PageBytes {
        guard page.supportsRangedReads else { return try await wholePage(page) }
        let size = page.blockSize
        var covering = Set<Int>()
        for range in PageDecoder.byteRanges(of: rows, in: page, type: type) where !range.isEmpty {
            covering.formUnion((range.lowerBound / size)...((range.upperBound - 1) / size))
        }
        let blocks = covering.sorted()
        if blocks.count * size * 2 >= page.storedLength { return try await wholePage(page) }
        var runs: [(start: Int, bytes: [UInt8])] = []
        var i = 0
        while i < blocks.count {
            var j = i
            while j + 1 < blocks.count && blocks[j + 1] == blocks[j] + 1 { j += 1 }
            runs.append((blocks[i] * size, try await readBlocks(page, blocks[i]...blocks[j])))
            i = j + 1
        }
        return PageBytes(runs: runs)
    }

    /// A whole page body, checked as a scan checks it (validity count, offsets), so that `take`
    /// never returns values from a page a scan would reject.
    private func wholePage(_ page: PageDescriptor) async throws(StrataError) -> PageBytes {
        let body = try await pageBody(page)
        if !validatedPages.withLock({ $0.contains(page.offset) }) {
            try PageDecoder.validate(page, body: body, path: path)
            validatedPages.withLock { _ = $0.insert(page.offset) }
        }
        return PageBytes(body: body)
    }

    /// Reads and verifies a run of consecutive checksum blocks of an uncompressed page.
    private func readBlocks(_ page: PageDescriptor, _ blocks: ClosedRange<Int>) async throws(StrataError) -> [UInt8] {
        let size = page.blockSize
        let start = blocks.lowerBound * size
        let end = min((blocks.upperBound + 1) * size, page.storedLength)
        let key = BlockCache.Key(object: path, offset: page.offset + UInt64(start), length: end - start, kind: 2,
                                 tag: page.blockChecksums[blocks.lowerBound] &+ UInt64(page.blockSize))
        if let cached = cache?.get(key), cached.count == end - start { return cached }
        let bytes = try await handle.read((page.offset + UInt64(start))..<(page.offset + UInt64(end)))
        for block in blocks {
            let range = (block * size - start)..<min((block + 1) * size - start, bytes.count)
            let actual = Checksum.xxh3(bytes, range: range)
            guard actual == page.blockChecksums[block] else {
                throw .corruption(path: path, offset: page.offset + UInt64(block * size), kind: .checksumMismatch,
                                  detail: "column '\(schema.fields[page.column].name)' page \(page.index) block \(block): checksum is \(hex(actual)), the metadata records \(hex(page.blockChecksums[block]))")
            }
        }
        cache?.insert(key, bytes)
        return bytes
    }
}
