import StrataCore
import StrataFormat
import StrataIndex

extension TableSnapshot {
    /// The visible rows matching `predicate`, in table order (committed rows, then in-memory
    /// ones), of `columns` (nil: all). Committed rows are found through a scalar index when
    /// one answers a comparison of the predicate (spec/indexes.md §7.7), and otherwise by a
    /// scan that skips the pages whose statistics rule the predicate out (zone maps).
    /// - Throws: `.invalidInput` for an unknown column; corruption and I/O errors.
    public func filter(_ predicate: Predicate, columns: [String]? = nil) async throws(StrataError) -> RecordBatch {
        let output = try fields(columns).map(\.name)
        var keys = try await matchingAddresses(predicate).map(\.rawValue)
        var pending: [(batch: RecordBatch, row: Int)] = []
        if !pendingRows.isEmpty {
            let scanner = try inMemoryOnly().scanner(columns: Array(Set(predicate.columns + output)).sorted())
            while let next = try await scanner.next() {
                for row in predicate.matchingRows(next.batch) {
                    keys.append(1 << 63 | UInt64(pending.count))
                    pending.append((next.batch, row))
                }
            }
        }
        return try await resultRows(keys, pending: pending, columns: output)
    }

    /// Addresses of the committed rows of `fragments` (nil: every fragment) matching
    /// `predicate`, ascending. The comparisons a scalar index answers (=, <, <=, >, >=, IS
    /// NULL) on the column of the first of them that has one are answered together by that
    /// index's segments for the fragments they cover — the other comparisons then checked on
    /// those rows alone — and every other fragment is scanned with zone maps.
    package func matchingAddresses(_ predicate: Predicate, in fragments: Set<UInt32>? = nil) async throws(StrataError) -> [RowAddress] {
        let present = fragments ?? Set(manifest.fragments.map(\.id))
        var found: [RowAddress] = []
        var covered = Set<UInt32>()
        if let (comparisons, entry) = indexedComparisons(predicate) {
            var candidates: [RowAddress] = []
            for segment in entry.segments {
                let part = present.intersection(segment.fragmentIds)
                guard !part.isEmpty else { continue }
                let loaded = try await loadedIndexes.segment(segment, kind: entry.kind, as: LoadedScalarSegment.self, location: location)
                let ids = loaded.ids(comparisons)
                covered.formUnion(part)
                let live = try await loaded.rows.liveIDs(in: self, covered: part)
                for id in ids.values where live?.contains(id) ?? true {
                    let address = loaded.rows.addresses[Int(id)]
                    if address != IndexRows.removed { candidates.append(RowAddress(rawValue: address)) }
                }
            }
            // The other comparisons are checked on the candidates' rows, except those another
            // index shows to hold for every row of the fragments read (a tenant or agent
            // column with one value): reading those rows would change nothing.
            var rest: [Predicate.Comparison] = []
            for comparison in predicate.comparisons where !(comparison.column == comparisons[0].column && LoadedScalarSegment.answers(comparison.op)) {
                if try await !holdsForEveryRow(comparison, in: covered) { rest.append(comparison) }
            }
            if !rest.isEmpty && !candidates.isEmpty {
                let check = Predicate(comparisons: rest)
                let rows = try await take(candidates, columns: check.columns)
                candidates = check.matchingRows(rows).map { candidates[$0] }
            }
            found = candidates
        }
        for fragment in manifest.fragments where present.contains(fragment.id) && !covered.contains(fragment.id) {
            found += try await scanMatching(fragment, predicate)
        }
        return found.sorted { $0.rawValue < $1.rawValue }
    }

    /// Whether scalar indexes show every comparison of `predicate` true for every row of
    /// the table (each index covering every fragment and matching every row it indexes):
    /// a filter that then filters nothing, such as the one tenant of a table.
    package func holdsForEveryRow(_ predicate: Predicate) async throws(StrataError) -> Bool {
        let all = Set(manifest.fragments.map(\.id))
        guard !all.isEmpty, !predicate.comparisons.isEmpty, pendingRows.allSatisfy({ $0.rowCount == 0 }) else { return false }
        for comparison in predicate.comparisons {
            guard try await holdsForEveryRow(comparison, in: all) else { return false }
        }
        return true
    }

    /// Whether a scalar index shows `comparison` true for every row of `fragments`: its
    /// segments cover them all and match every row they index.
    private func holdsForEveryRow(_ comparison: Predicate.Comparison, in fragments: Set<UInt32>) async throws(StrataError) -> Bool {
        guard !fragments.isEmpty, LoadedScalarSegment.answers(comparison.op), comparison.op != .isNull,
              let (comparisons, entry) = indexedComparisons(Predicate(comparisons: [comparison])) else { return false }
        var covered = Set<UInt32>()
        for segment in entry.segments where !fragments.isDisjoint(with: segment.fragmentIds) {
            let loaded = try await loadedIndexes.segment(segment, kind: entry.kind, as: LoadedScalarSegment.self, location: location)
            guard loaded.ids(comparisons).count == loaded.index.rowCount else { return false }
            covered.formUnion(segment.fragmentIds)
        }
        return fragments.isSubset(of: covered)
    }

    /// The comparisons of `predicate` on the column of its first comparison that a scalar
    /// index answers — all of them an index answers on that column — with that index (the
    /// most recently created one of the column).
    func indexedComparisons(_ predicate: Predicate) -> ([Predicate.Comparison], TableIndex)? {
        for comparison in predicate.comparisons where LoadedScalarSegment.answers(comparison.op) {
            guard let field = schema.fields.first(where: { $0.name == comparison.column }) else { continue }
            if let entry = newestIndex(on: field, kind: { ScalarIndexKind(rawValue: $0) != nil }) {
                return (predicate.comparisons.filter { $0.column == comparison.column && LoadedScalarSegment.answers($0.op) }, entry)
            }
        }
        return nil
    }

    /// The live rows of `fragment` matching `predicate`. Pages whose statistics rule out a
    /// comparison are skipped (the zone maps); when none is, the fragment is scanned.
    private func scanMatching(_ fragment: Fragment, _ predicate: Predicate) async throws(StrataError) -> [RowAddress] {
        let reader = try await reader(for: fragment)
        let fields = try fields(predicate.columns)
        var candidates: [Range<Int>] = [0..<fragment.physicalRows]
        for comparison in predicate.comparisons {
            guard let field = fields.first(where: { $0.name == comparison.column }), let pages = reader.pages(of: field) else { continue }
            let kept = pages.filter { ZoneMap.mayMatch($0.statistics, comparison) }.map { $0.firstRow..<($0.firstRow + $0.rowCount) }
            candidates = ZoneMap.intersect(candidates, kept)
        }
        let candidateRows = candidates.reduce(0) { $0 + $1.count }
        if candidateRows == 0 { return [] }
        if candidateRows == fragment.physicalRows {
            var found: [RowAddress] = []
            let scanner = try restricted(to: [fragment.id]).scanner(columns: predicate.columns, withAddresses: true)
            while let next = try await scanner.next() {
                for row in predicate.matchingRows(next.batch) { found.append(next.addresses![row]) }
            }
            return found
        }
        let offsets = candidates.flatMap { $0 }.filter { !reader.isDeleted($0) }
        guard !offsets.isEmpty else { return [] }
        let rows = try RecordBatch(schema: try Schema(fields: fields), columns: try await reader.take(offsets, fields: fields))
        return predicate.matchingRows(rows).map { RowAddress(fragment: fragment.id, offset: UInt32(offsets[$0])) }
    }
}

/// Page statistics used as zone maps: which pages a comparison might match.
enum ZoneMap {
    /// Whether a page with `statistics` may hold a row satisfying `comparison` (true when
    /// the statistics cannot tell).
    static func mayMatch(_ statistics: PageStatistics, _ comparison: Predicate.Comparison) -> Bool {
        switch comparison.op {
        case .isNull: return statistics.nullCount > 0
        case .isNotNull: return statistics.nullCount < statistics.rowCount
        default:
            // Nulls and NaNs satisfy no comparison.
            guard statistics.rowCount > statistics.nullCount + statistics.nanCount else { return false }
            guard let min = statistics.min, let max = statistics.max,
                  let low = ValueOrder.compare(min, comparison.literal), let high = ValueOrder.compare(max, comparison.literal) else { return true }
            switch comparison.op {
            case .equal: return low <= 0 && high >= 0
            case .notEqual: return !(low == 0 && high == 0)
            case .less: return low < 0
            case .lessOrEqual: return low <= 0
            case .greater: return high > 0
            case .greaterOrEqual: return high >= 0
            case .isNull, .isNotNull: return true
            }
        }
    }

    /// The rows in both lists of ascending, disjoint ranges.
    static func intersect(_ a: [Range<Int>], _ b: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = [], i = 0, j = 0
        while i < a.count && j < b.count {
            let low = Swift.max(a[i].lowerBound, b[j].lowerBound), high = Swift.min(a[i].upperBound, b[j].upperBound)
            if low < high { result.append(low..<high) }
            if a[i].upperBound < b[j].upperBound { i += 1 } else { j += 1 }
        }
        return result
    }
}
