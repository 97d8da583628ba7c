import Dispatch
import Strata
import StrataFormat
import StrataKernels
import SwiftProtobuf

/// The bodies of Strata's fuzz targets. Each takes arbitrary bytes, must never trap, and may
/// only fail with a `StrataError`. The libFuzzer executables in `Fuzz/` call these; the
/// regression tests replay every input in `Fuzz/regressions/` through them.
public enum FuzzTargets {
    /// The file reader: open, verify, scan and take on `bytes` as a file, then again after
    /// resealing every checksum so that mutations reach the page decoders. For libFuzzer's
    /// synchronous entry point; async callers use `fileReaderAsync`.
    public static func fileReader(_ bytes: [UInt8]) {
        runBlocking { await fileReaderAsync(bytes) }
    }

    /// `fileReader` for async callers (tests), which must never block a concurrency-pool
    /// thread waiting for work that needs one.
    public static func fileReaderAsync(_ bytes: [UInt8]) async {
        await readEverything(bytes)
        if let resealed = reseal(bytes) { await readEverything(resealed) }
    }

    /// The metadata decoder: protobuf decoding and validation of `bytes` as a metadata block.
    public static func metadata(_ bytes: [UInt8]) {
        _ = try? FileMetadataDecoder(bytes, dataEnd: 1 << 40, path: "fuzz")
        _ = try? FileMetadataDecoder(bytes, dataEnd: UInt64(bytes.count), path: "fuzz")
    }

    /// The text parsers: `bytes` as a JSON document, as a JSON Lines row of a schema holding
    /// every type (and the row printed back and parsed again, which must give the same
    /// values), as a schema, as a timestamp and as base64; as HTML stripped to text and as
    /// text cut into chunks.
    public static func text(_ bytes: [UInt8]) {
        _ = try? JSONParser.parse(bytes)
        _ = try? Schema(json: bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? Timestamp.parse(text)
        _ = try? Base64.decode(text)
        if let query = try? TextQuery.parse(text) {
            for hit in (try? queryIndex.search(query, k: 3)) ?? [] where Int(hit.id) >= queryIndex.documentCount || !hit.score.isFinite {
                fatalError("a text query gave a hit outside the index or a score that is not finite: \(hit) for \(text.debugDescription)")
            }
        }
        // The context layer's document text: HTML stripped, then chunked (spec/context.md §3).
        for source in [text, DocumentText.plainText(text, contentType: "text/html")] {
            for options in chunkings {
                for chunk in Chunker.chunks(source, options: options) where chunk.text.isEmpty || chunk.text.count > options.maxCharacters {
                    fatalError("a chunk is empty or longer than \(options.maxCharacters): \(chunk.text.debugDescription) of \(source.debugDescription)")
                }
            }
        }
        for analyzer in analyzers {
            let tokens = analyzer.analyze(text)
            for (i, token) in tokens.enumerated() where token.term.isEmpty || (i > 0 && token.position < tokens[i - 1].position) {
                fatalError("analyzer gave an empty term or a position going back: \(tokens) for \(text.debugDescription)")
            }
        }
        guard let row = try? JSONRows.row(bytes, schema: allTypes) else { return }
        var builders = allTypes.fields.map { ColumnBuilder(type: $0.type) }
        for (c, value) in row.enumerated() {
            guard (try? builders[c].append(value)) != nil else { return }
        }
        guard let batch = try? RecordBatch(schema: allTypes, columns: builders.map { $0.finish() }) else { return }
        let line = JSONRows.line(batch, row: 0)
        guard let again = try? JSONRows.row(Array(line.utf8), schema: allTypes) else {
            fatalError("a printed row does not parse back: \(line)")
        }
        let stored = (0..<allTypes.fields.count).map { batch.columns[$0].value(at: 0) }
        for (a, b) in zip(stored, again) where !a.isIdentical(to: b) {
            if case let .json(x) = a, case let .json(y) = b, (try? JSONParser.parse(x)) == (try? JSONParser.parse(y)) { continue }
            fatalError("row changed through print and parse: \(a) vs \(b) in \(line)")
        }
    }

    /// Chunking as the context layer does it by default, and tight.
    static let chunkings = [ChunkingOptions.standard, try! ChunkingOptions(maxCharacters: 40, overlapCharacters: 12)]

    /// The default analyzer and one with every option turned the other way.
    static let analyzers: [TextAnalyzer] = [
        try! TextAnalyzer(),
        try! TextAnalyzer(options: TextAnalyzerOptions(settings: ["lowercase": "false", "ascii_folding": "false", "stop_words": "none",
                                                                  "stemmer": "french", "max_token_length": "3", "cjk": "unigram"])),
    ]

    /// A small index that parsed text queries run against.
    static let queryIndex = InvertedIndex(documents: ["the quick brown fox", "jumps over the lazy dog", nil, "Cafés à Paris", "東京都に住む",
                                                      "quick quick fox fox"], analyzer: analyzers[0])

    /// A schema with one nullable column of every type, named by type.
    static let allTypes: Schema = {
        let types = DataType.scalarTypes + [.vector(.float32, dimension: 2), .vector(.float16, dimension: 2), .vector(.int8, dimension: 2)]
        return try! Schema(types.map { ($0.description, $0, true) })
    }()

    /// Opens `bytes` as a file and reads all of it every way the reader offers.
    static func readEverything(_ bytes: [UInt8]) async {
        let store = MemoryObjectStore()
        do throws(StrataError) {
            try await store.write("f", bytes: bytes)
            let reader = try await FileReader.open(store: store, path: "f")
            _ = reader.columns
            // A valid file may hold 2²⁴ rows per page in zero bytes (a constant column), so a
            // small input can describe billions of rows; decoding them all is correct but
            // slow. Whole-file passes run only below a budget of cells; take runs always.
            let cells = reader.rowCount.multipliedReportingOverflow(by: max(1, reader.schema.fields.count))
            if !cells.overflow && cells.partialValue <= 1 << 24 {
                _ = try await reader.verify()
                let scanner = try reader.scanner(batchRows: 1000)
                while let batch = try await scanner.next() {
                    for row in 0..<min(batch.rowCount, 3) { _ = JSONRows.line(batch, row: row) }
                }
            }
            if reader.rowCount > 0 {
                _ = try await reader.take([reader.rowCount - 1, 0, reader.rowCount / 2, 0])
            }
        } catch {
            _ = error.description
        }
    }

    /// `bytes` with the metadata checksum and every page and block checksum recomputed, or nil
    /// when the footer or metadata cannot be located or decoded.
    static func reseal(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= FileLayout.headerSize + FileLayout.footerSize else { return nil }
        let footerStart = bytes.count - FileLayout.footerSize
        let footer = Footer(bytes[footerStart...])
        guard footer.metadataOffset >= UInt64(FileLayout.headerSize), footer.metadataOffset <= UInt64(footerStart),
              var metadata = try? Strata_File_FileMetadata(serializedBytes: Array(bytes[Int(footer.metadataOffset)..<footerStart]))
        else { return nil }
        for c in metadata.columns.indices {
            for p in metadata.columns[c].pages.indices {
                let page = metadata.columns[c].pages[p]
                guard page.offset <= footer.metadataOffset, page.storedLength <= footer.metadataOffset - page.offset else { continue }
                let range = Int(page.offset)..<Int(page.offset + page.storedLength)
                metadata.columns[c].pages[p].checksum = Checksum.xxh3(bytes, range: range)
                let block = Int(page.checksumBlockSize)
                if block >= 512 && block <= 1 << 20 {
                    metadata.columns[c].pages[p].blockChecksums = stride(from: range.lowerBound, to: range.upperBound, by: block).map {
                        Checksum.xxh3(bytes, range: $0..<min($0 + block, range.upperBound))
                    }
                }
            }
        }
        guard let encoded: [UInt8] = try? metadata.serializedBytes() else { return nil }
        let sealed = Footer(metadataOffset: footer.metadataOffset, metadataLength: UInt64(encoded.count), metadataChecksum: Checksum.xxh3(encoded))
        return Array(bytes[..<Int(footer.metadataOffset)]) + encoded + sealed.bytes
    }

    /// Runs async work to completion from synchronous code (libFuzzer's entry point is a C
    /// function): the work runs on the concurrency pool while this thread waits.
    static func runBlocking(_ work: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await work()
            done.signal()
        }
        done.wait()
    }
}
