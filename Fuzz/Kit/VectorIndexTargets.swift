import StrataCore
import StrataIndex
import StrataKernels
import StrataTable

extension FuzzTargets {
    /// The vector index readers. The first byte picks one: 0 an index file (as stored, and
    /// with every checksum recomputed so that mutations reach the section decoders), 1 a rows
    /// file (as stored and resealed in a valid envelope), 2 an index file and a vector segment
    /// file (the next two bytes give where the first ends; both also resealed). An index that
    /// decodes is searched, with and without a filter, and its re-encoding must read back to
    /// the same index.
    public static func vectorIndex(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let input = Array(bytes.dropFirst())
        if selector % 3 == 2 {
            guard input.count >= 2 else { return }
            let split = min(input.count - 2, Int(input[0]) | Int(input[1]) << 8)
            let index = Array(input[2..<(2 + split)]), segment = Array(input[(2 + split)...])
            for (i, s) in [(index, segment), (resealedIndexFile(index), resealedIndexFile(segment))] {
                if let decoded = try? VectorIndexCoding.decode(i, path: "fuzz", segments: [(s, "fuzz.vseg")]) { exercise(decoded) }
            }
            return
        }
        if selector % 3 == 1 {
            let count = Int(input.first ?? 0)
            for candidate in [input, FramedObject.encode(magic: IndexRows.magic, payload: input)] {
                _ = try? IndexRows.decode(candidate, path: "fuzz", expectedCount: count)
            }
            return
        }
        for candidate in [input, resealedIndexFile(input)] {
            if let index = try? VectorIndexCoding.decode(candidate, path: "fuzz") { exercise(index) }
        }
    }

    /// Searches a decoded index with and without a filter and checks that its re-encoding
    /// reads back to an index that encodes the same.
    private static func exercise(_ index: any VectorIndex) {
        // Re-encoding is canonical: what it writes decodes to an index that writes the same.
        let encoded = index.encoded()
        precondition((try? VectorIndexCoding.decode(encoded, path: "fuzz"))?.encoded() == encoded, "index file does not round-trip")
        let query = (0..<index.dimension).map { Float($0 % 7) - 3 }
        var allowed = IDBitset(capacity: index.count)
        for id in stride(from: 0, to: index.count, by: 3) { allowed.insert(UInt32(id)) }
        for filter in [nil, allowed] {
            let found = (try? index.search(query, k: 5, parameters: VectorSearchParameters(ef: 8, nprobes: 2, refine: 2), allowed: filter)) ?? []
            precondition(found.allSatisfy { Int($0.id) < index.count }, "search returned an id outside the index")
            precondition(found.count == min(5, filter?.count ?? index.count), "search came back short")
        }
        if let graph = index as? HNSWIndex { _ = graph.checkInvariants() }
    }

    /// The bytes with each section checksum and the header checksum recomputed, following
    /// the layout of spec/indexes.md §1 (unchanged when too short or inconsistent to parse).
    static func resealedIndexFile(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 40 else { return bytes }
        var out = bytes
        func load64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(out[at + $1]) << (8 * UInt64($1)) } }
        func store64(_ value: UInt64, _ at: Int) { for i in 0..<8 { out[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) } }
        let sections = Int(out[24]) | Int(out[25]) << 8
        let tableEnd = 32 + sections * 32
        guard sections <= 16, tableEnd + 8 <= out.count else { return bytes }
        for s in 0..<sections {
            let entry = 32 + s * 32
            let offset = load64(entry + 8), length = load64(entry + 16)
            guard offset <= UInt64(out.count), length <= UInt64(out.count) - offset else { continue }
            store64(Checksum.xxh3(out, range: Int(offset)..<Int(offset + length)), entry + 24)
        }
        store64(Checksum.xxh3(out, range: 0..<tableEnd), tableEnd)
        return out
    }
}
