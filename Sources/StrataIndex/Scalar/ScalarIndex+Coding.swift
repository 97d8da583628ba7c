import StrataCore
import StrataKernels

/// The sections of a scalar index file (`spec/indexes.md` §7.5).
enum ScalarIndexSection: UInt32, CaseIterable {
    /// u64 × (E + 1): where each value starts in `values` (variable-width kinds only).
    case valueOffsets = 1
    /// The E values: fixed-width little-endian, or the bytes of variable-width ones.
    case values = 2
    /// B-tree: u32 × E, each entry's row. Bitmap: u64 × (E + 1), where each key's bitmap
    /// starts in `bitmaps`.
    case rows = 3
    /// Bitmap only: each key's rows, a roaring bitmap in the portable format.
    case bitmaps = 4
    /// The rows holding null, a roaring bitmap in the portable format.
    case nulls = 5
}

/// How a scalar index file stores its values: one kind per file, the kind every value of the
/// column takes once canonical (`ScalarValues.canonical`: a timestamp is an integer).
enum ScalarValueKind: UInt8 {
    case none = 0, bool = 1, int = 2, uint = 3, float32 = 4, float64 = 5, string = 6, binary = 7, json = 8

    init?(of value: Value) {
        switch value {
        case .bool: self = .bool
        case .int, .timestamp: self = .int
        case .uint: self = .uint
        case .float32: self = .float32
        case .float64: self = .float64
        case .string: self = .string
        case .binary: self = .binary
        case .json: self = .json
        case .null, .vector: return nil
        }
    }

    /// Bytes per value, nil for the variable-width kinds.
    var width: Int? {
        switch self {
        case .none: return 0
        case .bool: return 1
        case .float32: return 4
        case .int, .uint, .float64: return 8
        case .string, .binary, .json: return nil
        }
    }
}

/// Reads and writes scalar index files: the index container (`SectionedFile`) with magic
/// "STSC", format version 1, and header fields index kind (u8: 1 B-tree, 2 bitmap), value
/// kind (u8), row count (u64), entry count (u64).
public enum ScalarIndexCoding {
    static let magic: [UInt8] = Array("STSC".utf8)
    static let formatVersion: UInt16 = 1

    /// The file of a B-tree index.
    public static func encode(_ index: BTreeIndex) -> [UInt8] {
        var file = writer(kind: 1, values: index.entries.map(\.value), rowCount: index.rowCount)
        file.sections += [(ScalarIndexSection.rows.rawValue, [.words(index.entries.map(\.row))]),
                          (ScalarIndexSection.nulls.rawValue, [.bytes(index.nulls.portableBytes)])]
        return file.finish()
    }

    /// The file of a bitmap index.
    public static func encode(_ index: BitmapIndex) -> [UInt8] {
        var file = writer(kind: 2, values: index.keys, rowCount: index.rowCount)
        var offsets: [UInt64] = [0], bitmaps: [UInt8] = []
        for rows in index.rows {
            bitmaps += rows.portableBytes
            offsets.append(UInt64(bitmaps.count))
        }
        file.sections += [(ScalarIndexSection.rows.rawValue, [.integers(offsets)]),
                          (ScalarIndexSection.bitmaps.rawValue, [.bytes(bitmaps)]),
                          (ScalarIndexSection.nulls.rawValue, [.bytes(index.nulls.portableBytes)])]
        return file.finish()
    }

    private static func writer(kind: UInt8, values: [Value], rowCount: Int) -> SectionedFile.Writer {
        let valueKind = values.first.flatMap(ScalarValueKind.init(of:)) ?? ScalarValueKind.none
        var fields: [UInt8] = [kind, valueKind.rawValue]
        fields.appendLittleEndian(UInt64(rowCount))
        fields.appendLittleEndian(UInt64(values.count))
        var file = SectionedFile.Writer(magic: magic, version: formatVersion, fields: fields)
        var data: [UInt8] = [], offsets: [UInt64] = [0]
        for value in values {
            switch value {
            case let .bool(flag): data.append(flag ? 1 : 0)
            case let .int(x), let .timestamp(x): data.appendLittleEndian(x)
            case let .uint(x): data.appendLittleEndian(x)
            case let .float32(x): data.appendLittleEndian(x.bitPattern)
            case let .float64(x): data.appendLittleEndian(x.bitPattern)
            case let .string(text), let .json(text): data += Array(text.utf8)
            case let .binary(bytes): data += bytes
            case .null, .vector: break  // never indexed (`ScalarValues.split`)
            }
            offsets.append(UInt64(data.count))
        }
        if valueKind.width == nil { file.sections.append((ScalarIndexSection.valueOffsets.rawValue, [.integers(offsets)])) }
        file.sections.append((ScalarIndexSection.values.rawValue, [.bytes(data)]))
        return file
    }

    /// Reads a scalar index file, validating it whole before use: sizes, value kinds and
    /// order (a B-tree's entries ascending by value then row, a bitmap's keys strictly
    /// ascending), rows below the row count, every bitmap well formed.
    /// - Throws: `.corruption` for a damaged file, `.incompatibleVersion` for another format.
    public static func decode(_ bytes: [UInt8], path: String) throws(StrataError) -> any ScalarIndex {
        let file = try SectionedFile.Reader(bytes, path: path, magic: magic, version: formatVersion, what: "scalar index",
                                            knownSections: Set(ScalarIndexSection.allCases.map(\.rawValue)))
        func bad(_ detail: String) -> StrataError { .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: detail) }
        let fields = Array(file.fields)
        let kind = fields[0], rows = fields.loadLE(UInt64.self, at: 2), count = fields.loadLE(UInt64.self, at: 10)
        guard let valueKind = ScalarValueKind(rawValue: fields[1]), kind == 1 || kind == 2 else { throw bad("index kind \(kind), value kind \(fields[1])") }
        guard rows < UInt64(UInt32.max), count <= rows, (count == 0) == (valueKind == .none),
              kind == 1 || count <= UInt64(BitmapIndex.maxKeys) else { throw bad("\(count) entries over \(rows) rows") }
        let n = Int(rows), e = Int(count)
        let values = try decodeValues(file, kind: valueKind, count: e, path: path)
        func bitmap(_ bytes: [UInt8], what: String) throws(StrataError) -> RoaringBitmap {
            guard let set = RoaringBitmap(portableBytes: bytes, maxCount: n), (set.max.map { Int($0) < n } ?? true) else { throw bad("\(what) bitmap") }
            return set
        }
        let nulls = try bitmap(try file.section(ScalarIndexSection.nulls.rawValue, named: "nulls", of: UInt8.self), what: "null")
        if kind == 1 {
            let entryRows = try file.section(ScalarIndexSection.rows.rawValue, named: "rows", of: UInt32.self, expected: e)
            var entries: [(value: Value, row: UInt32)] = []
            entries.reserveCapacity(e)
            for i in 0..<e {
                guard Int(entryRows[i]) < n else { throw bad("entry \(i): row \(entryRows[i]) beyond \(n)") }
                if let previous = entries.last {
                    let order = ValueOrder.compare(previous.value, values[i]) ?? 1
                    guard order < 0 || (order == 0 && previous.row < entryRows[i]) else { throw bad("entry \(i) out of order") }
                }
                entries.append((values[i], entryRows[i]))
            }
            return BTreeIndex(sortedEntries: entries, nulls: nulls, rowCount: n)
        }
        for i in values.indices.dropFirst() where (ValueOrder.compare(values[i - 1], values[i]) ?? 1) >= 0 { throw bad("key \(i) out of order") }
        let offsets = try file.section(ScalarIndexSection.rows.rawValue, named: "rows", of: UInt64.self, expected: e + 1)
        let data = try file.section(ScalarIndexSection.bitmaps.rawValue, named: "bitmaps", of: UInt8.self)
        guard offsets.first == 0, offsets.last == UInt64(data.count), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw bad("bitmap offsets")
        }
        var sets: [RoaringBitmap] = []
        for i in 0..<e { sets.append(try bitmap(Array(data[Int(offsets[i])..<Int(offsets[i + 1])]), what: "key \(i)'s")) }
        return BitmapIndex(keys: values, rows: sets, nulls: nulls, rowCount: n)
    }

    /// The E values of the file, canonical, none of them NaN.
    private static func decodeValues(_ file: SectionedFile.Reader, kind: ScalarValueKind, count: Int, path: String) throws(StrataError) -> [Value] {
        func bad(_ detail: String) -> StrataError { .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: detail) }
        let data = try file.section(ScalarIndexSection.values.rawValue, named: "values", of: UInt8.self)
        guard let width = kind.width else {
            let offsets = try file.section(ScalarIndexSection.valueOffsets.rawValue, named: "value offsets", of: UInt64.self, expected: count + 1)
            guard offsets.first == 0, offsets.last == UInt64(data.count), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw bad("value offsets")
            }
            var values: [Value] = []
            values.reserveCapacity(count)
            for i in 0..<count {
                let bytes = Array(data[Int(offsets[i])..<Int(offsets[i + 1])])
                if kind == .binary {
                    values.append(.binary(bytes))
                } else {
                    guard let text = String(validating: bytes, as: UTF8.self) else { throw bad("value \(i) is not UTF-8") }
                    values.append(kind == .string ? .string(text) : .json(text))
                }
            }
            return values
        }
        guard data.count == width * count else { throw bad("\(data.count) value bytes for \(count) values") }
        var values: [Value] = []
        values.reserveCapacity(count)
        for i in 0..<count {
            let value: Value
            switch kind {
            case .bool:
                guard data[i] <= 1 else { throw bad("value \(i) is not a boolean") }
                value = .bool(data[i] == 1)
            case .int: value = .int(data.loadLE(Int64.self, at: i * 8))
            case .uint: value = .uint(data.loadLE(UInt64.self, at: i * 8))
            case .float32: value = .float32(Float(bitPattern: data.loadLE(UInt32.self, at: i * 4)))
            case .float64: value = .float64(Double(bitPattern: data.loadLE(UInt64.self, at: i * 8)))
            case .none, .string, .binary, .json: throw bad("value kind")
            }
            guard !ScalarValues.isUnordered(value) else { throw bad("value \(i) is NaN") }
            values.append(ScalarValues.canonical(value))
        }
        return values
    }
}
