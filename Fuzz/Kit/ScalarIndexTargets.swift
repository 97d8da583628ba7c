import Strata
import StrataIndex

extension FuzzTargets {
    /// Selector 0: the rest is a scalar index file — read it, and query it when it reads.
    /// Selector 1: the rest makes a column (each byte a value: small integers, strings or
    /// nulls, by the byte) — index it as a B-tree and as a bitmap, check that each file reads
    /// back to the same answers, then read each file with a byte the input picks flipped (an
    /// error or an index that answers, never a trap).
    public static func scalarIndex(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        if selector & 1 == 0 {
            for candidate in [rest, resealedIndexFile(rest)] { readAndQuery(candidate) }
            return
        }
        let strings = rest.first.map { $0 & 1 == 1 } ?? false
        let values: [Value] = rest.prefix(400).map { byte in
            if byte % 17 == 0 { return .null }
            return strings ? .string(String(repeating: "k", count: Int(byte % 5)) + String(byte % 23)) : .int(Int64(byte % 41) - 20)
        }
        let probes: [Value] = strings ? [.string("k3"), .string("kk"), .null] : [.int(0), .int(-20), .int(7), .null]
        guard let tree = try? BTreeIndex(values: values), let bitmap = try? BitmapIndex(values: values) else {
            fatalError("a column of one kind does not index: \(values)")
        }
        for (index, file) in [(tree as any ScalarIndex, ScalarIndexCoding.encode(tree)), (bitmap, ScalarIndexCoding.encode(bitmap))] {
            guard let reloaded = try? ScalarIndexCoding.decode(file, path: "fuzz.sidx"), answers(reloaded, probes) == answers(index, probes) else {
                fatalError("a scalar index does not read back: \(values)")
            }
            var damaged = file
            let at = rest.count > 0 ? (Int(rest[0]) << 8 | Int(rest[rest.count / 2])) % damaged.count : 0
            damaged[at] ^= rest.last ?? 0x5A
            for candidate in [damaged, resealedIndexFile(damaged)] { readAndQuery(candidate) }
        }
    }

    /// Every kind of answer of `index` for `probes`, as row lists.
    static func answers(_ index: any ScalarIndex, _ probes: [Value]) -> [[UInt32]] {
        probes.flatMap { probe in
            [index.equal(probe).values, index.range(from: probe, to: nil).values, index.range(from: nil, inclusive: false, to: probe, inclusive: false).values]
        } + [index.nulls.values, index.any(of: probes).values]
    }

    /// Reads `bytes` as a scalar index file and, when it reads, queries it.
    static func readAndQuery(_ bytes: [UInt8]) {
        guard let index = try? ScalarIndexCoding.decode(bytes, path: "fuzz.sidx") else { return }
        _ = answers(index, [.int(0), .int(Int64.min), .string("k"), .float64(0), .bool(true), .null])
    }
}
