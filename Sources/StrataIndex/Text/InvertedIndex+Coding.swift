import StrataCore
import StrataKernels

/// The sections of a text index file (`spec/indexes.md` §7.4).
enum TextIndexSection: UInt32, CaseIterable {
    /// UTF-8 `key=value` lines: the analyzer's settings, then `bm25.k1` and `bm25.b`.
    case settings = 1
    /// The terms, ascending, prefix-compressed.
    case dictionary = 2
    /// u32 per term: its number of documents.
    case documentFrequencies = 3
    /// u32 per term + 1: where each term's blocks start in the block sections.
    case termBlocks = 4
    /// u64 per block: where it starts in `postings`.
    case blockOffsets = 5
    /// u32 per block: its last document.
    case blockLastDocuments = 6
    /// f64 per block: the highest score of its postings.
    case blockMaxScores = 7
    /// u64 per block: where its first posting's positions start in `positions`.
    case blockPositionOffsets = 8
    /// The postings blocks.
    case postings = 9
    /// The word positions.
    case positions = 10
    /// u32 per document: its length in terms.
    case documentLengths = 11
}

extension InvertedIndex {
    static let magic: [UInt8] = Array("STTX".utf8)
    static let formatVersion: UInt16 = 1

    /// The index as a text index file: the index container (`SectionedFile`) with magic
    /// "STTX", header fields the document and term counts, and the sections of
    /// `TextIndexSection`.
    public func encoded() -> [UInt8] {
        var fields: [UInt8] = []
        fields.appendLittleEndian(UInt64(documentCount))
        fields.appendLittleEndian(UInt64(termCount))
        fields.appendLittleEndian(UInt16(0))  // reserved
        var file = SectionedFile.Writer(magic: Self.magic, version: Self.formatVersion, fields: fields)
        var settings = analyzer.options.settings
        settings["bm25.k1"] = "\(bm25.k1)"
        settings["bm25.b"] = "\(bm25.b)"
        let text = settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined()
        file.sections = [
            (TextIndexSection.settings.rawValue, [.bytes(Array(text.utf8))]),
            (TextIndexSection.dictionary.rawValue, [.bytes(Self.compressedDictionary(terms))]),
            (TextIndexSection.documentFrequencies.rawValue, [.words(documentFrequencies)]),
            (TextIndexSection.termBlocks.rawValue, [.words(blocks.termStarts.map { UInt32($0) })]),
            (TextIndexSection.blockOffsets.rawValue, [.integers(blocks.offsets.map { UInt64($0) })]),
            (TextIndexSection.blockLastDocuments.rawValue, [.words(blocks.lastDocuments)]),
            (TextIndexSection.blockMaxScores.rawValue, [.doubles(blocks.maxScores)]),
            (TextIndexSection.blockPositionOffsets.rawValue, [.integers(blocks.positionOffsets.map { UInt64($0) })]),
            (TextIndexSection.postings.rawValue, [.bytes(postings)]),
            (TextIndexSection.positions.rawValue, [.bytes(positions)]),
            (TextIndexSection.documentLengths.rawValue, [.words(documentLengths)]),
        ]
        return file.finish()
    }

    /// Each term as (LEB128 varints) the length it shares with the term before, the
    /// length of the rest, then the rest's bytes.
    static func compressedDictionary(_ terms: [String]) -> [UInt8] {
        var out: [UInt8] = []
        var previous: [UInt8] = []
        for term in terms {
            let bytes = Array(term.utf8)
            let shared = zip(previous, bytes).prefix { $0 == $1 }.count
            PositionCoding.appendVarint(UInt32(shared), to: &out)
            PositionCoding.appendVarint(UInt32(bytes.count - shared), to: &out)
            out += bytes[shared...]
            previous = bytes
        }
        return out
    }

    /// Reads a text index file, validating every section's size and every structural
    /// relation before the index is used; postings and positions are checked as they are
    /// decoded.
    /// - Throws: `.corruption` for a damaged file, `.incompatibleVersion` for another format.
    public init(decoding bytes: [UInt8], path: String) throws(StrataError) {
        let file = try SectionedFile.Reader(bytes, path: path, magic: Self.magic, version: Self.formatVersion, what: "text index",
                                            knownSections: Set(TextIndexSection.allCases.map(\.rawValue)))
        func bad(_ detail: String) -> StrataError { .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: detail) }
        func section<T: BitwiseCopyable>(_ id: TextIndexSection, _ type: T.Type, _ expected: Int? = nil) throws(StrataError) -> [T] {
            try file.section(id.rawValue, named: "\(id)", of: type, expected: expected)
        }
        let fields = Array(file.fields)
        let documents = fields.loadLE(UInt64.self, at: 0), termTotal = fields.loadLE(UInt64.self, at: 8)
        guard documents < UInt64(UInt32.max), termTotal < UInt64(UInt32.max) else {
            throw bad("\(documents) documents, \(termTotal) terms")
        }
        let n = Int(documents), t = Int(termTotal)
        // Settings.
        let text = String(decoding: try section(.settings, UInt8.self), as: UTF8.self)
        var settings: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { throw bad("settings line '\(line)'") }
            settings[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let k1 = settings.removeValue(forKey: "bm25.k1").flatMap(Double.init), let b = settings.removeValue(forKey: "bm25.b").flatMap(Double.init),
              k1.isFinite, k1 >= 0, b.isFinite, (0...1).contains(b) else { throw bad("BM25 parameters") }
        let options: TextAnalyzerOptions
        do throws(StrataError) { options = try TextAnalyzerOptions(settings: settings) } catch { throw bad("analyzer settings: \(error)") }
        do throws(StrataError) { analyzer = try TextAnalyzer(options: options) } catch { throw bad("analyzer: \(error)") }
        bm25 = BM25Parameters(k1: k1, b: b)
        // Dictionary: strictly ascending, valid UTF-8, exactly t terms.
        terms = try Self.decodeDictionary(try section(.dictionary, UInt8.self), count: t, path: path)
        documentFrequencies = try section(.documentFrequencies, UInt32.self, t)
        let termBlocks = try section(.termBlocks, UInt32.self, t + 1).map(Int.init)
        let blockCount = termBlocks.last ?? 0
        guard termBlocks.first == 0, zip(termBlocks, termBlocks.dropFirst()).allSatisfy({ $0 < $1 }) else { throw bad("term block ranges") }
        for (term, frequency) in documentFrequencies.enumerated() {
            let blocksOfTerm = termBlocks[term + 1] - termBlocks[term]
            guard frequency >= 1, Int(frequency) <= n, blocksOfTerm == (Int(frequency) + PostingsBlock.size - 1) / PostingsBlock.size else {
                throw bad("term \(term): \(frequency) documents in \(blocksOfTerm) blocks")
            }
        }
        let postings: [UInt8] = try section(.postings, UInt8.self), positions: [UInt8] = try section(.positions, UInt8.self)
        let offsets = try section(.blockOffsets, UInt64.self, blockCount), positionOffsets = try section(.blockPositionOffsets, UInt64.self, blockCount)
        guard offsets.first ?? 0 == 0, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 < $1 }), (offsets.last ?? 0) < UInt64(max(postings.count, 1)),
              zip(positionOffsets, positionOffsets.dropFirst()).allSatisfy({ $0 <= $1 }), (positionOffsets.last ?? 0) <= UInt64(positions.count) else {
            throw bad("block offsets")
        }
        let lastDocuments = try section(.blockLastDocuments, UInt32.self, blockCount)
        guard lastDocuments.allSatisfy({ Int($0) < n }) else { throw bad("a block's last document beyond \(n)") }
        let maxScores = try section(.blockMaxScores, Double.self, blockCount)
        guard maxScores.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw bad("block score bounds") }
        let blocks = BlockTable(offsets: offsets.map(Int.init), positionOffsets: positionOffsets.map(Int.init),
                                lastDocuments: lastDocuments, maxScores: maxScores, termStarts: termBlocks)
        documentLengths = try section(.documentLengths, UInt32.self, n)
        source = PostingSource(blocks: blocks, postings: postings, positions: positions, documentCount: n)
        totalLength = documentLengths.reduce(0) { $0 + UInt64($1) }
    }

    static func decodeDictionary(_ bytes: [UInt8], count: Int, path: String) throws(StrataError) -> [String] {
        func bad(_ detail: String) -> StrataError { .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: "dictionary: " + detail) }
        var terms: [String] = []
        terms.reserveCapacity(min(count, bytes.count / 2))
        var previous: [UInt8] = [], offset = 0
        return try bytes.withBytes { (raw) throws(StrataError) -> [String] in
            for _ in 0..<count {
                let (sharedValue, afterShared) = try PositionCoding.varint(raw, at: offset, path: path)
                let (restValue, afterRest) = try PositionCoding.varint(raw, at: afterShared, path: path)
                let shared = Int(sharedValue), rest = Int(restValue)
                offset = afterRest
                guard shared <= previous.count, rest <= raw.count - offset else { throw bad("entry \(terms.count) out of bounds") }
                let term = Array(previous[..<shared]) + Array(raw[offset..<(offset + rest)])
                offset += rest
                guard let string = String(validating: term, as: UTF8.self), terms.isEmpty || previous.lexicographicallyPrecedes(term) else {
                    throw bad("entry \(terms.count) is not UTF-8 or not ascending")
                }
                terms.append(string)
                previous = term
            }
            guard offset == raw.count else { throw bad("\(raw.count - offset) bytes after the last term") }
            return terms
        }
    }
}
