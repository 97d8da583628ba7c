import StrataCore
import StrataIndex

/// A full-text search over one string column of a snapshot.
public struct TextSearchRequest: Sendable {
    /// The string column.
    public var column: String
    /// The query, in the syntax of spec/indexes.md §7.3 (`TextQuery`).
    public var query: String
    /// How many rows to return (fewer only when fewer rows match).
    public var k: Int
    /// Only rows matching it are returned; it does not change the scores.
    public var filter: Predicate?
    /// Only rows with these keys (`TableSnapshot.rowKey`) are returned; nil: no restriction.
    public var allowedKeys: RowKeySet?
    /// Columns of the returned rows (nil: all).
    public var columns: [String]?

    /// A request; see each property.
    public init(column: String, query: String, k: Int, filter: Predicate? = nil, columns: [String]? = nil) {
        self.column = column
        self.query = query
        self.k = k
        self.filter = filter
        self.columns = columns
    }
}

/// The rows a full-text search found, best first.
public struct TextSearchResult: Sendable {
    /// The rows, projected as asked.
    public var rows: RecordBatch
    /// Each row's BM25 score.
    public var scores: [Double]
    /// Each row's address; nil for rows still in the in-memory table.
    public var addresses: [RowAddress?]
    /// Each row's key (`TableSnapshot.rowKey`), in-memory rows included.
    public var keys: [UInt64]
}

extension TableSnapshot {
    /// The `k` rows scoring highest for the query by BM25 (spec/indexes.md §7.6). The
    /// segments of the column's full-text index answer for the fragments they cover; every
    /// other fragment, and this process's in-memory rows, are indexed on the fly with the
    /// index's settings; all of them score with the statistics of every live row together,
    /// so a row is findable, with the score it will keep, as soon as its write returns.
    /// Ties break on row address (in-memory rows last).
    /// - Throws: `.invalidInput` for an unknown or non-string column, a bad query, k < 1.
    public func search(_ request: TextSearchRequest) async throws(StrataError) -> TextSearchResult {
        let field = try Table.textField(request.column, in: schema)
        guard request.k >= 1 else { throw .invalidInput(what: "k", why: "must be at least 1, got \(request.k)") }
        let query = try TextQuery.parse(request.query)
        let projection = try fields(request.columns).map(\.name)
        // With several indexes on the column, the most recently created one answers.
        let entry = newestIndex(on: field) { $0 == TextIndexSettings.kind }
        let settings = try loadedIndexes.textSettings(entry)
        let present = Set(manifest.fragments.map(\.id))

        // The parts: committed segments, then unindexed fragments, then in-memory rows.
        var parts: [(text: LoadedTextSegment, live: IDBitset?)] = []
        var covered = Set<UInt32>()
        for segment in entry?.segments ?? [] {
            let fragments = present.intersection(segment.fragmentIds)
            guard !fragments.isEmpty else { continue }
            covered.formUnion(fragments)
            let loaded = try await loadedIndexes.segment(segment, kind: TextIndexSettings.kind, as: LoadedTextSegment.self, location: location)
            parts.append((loaded, try await loaded.rows.liveIDs(in: self, covered: fragments)))
        }
        for fragment in manifest.fragments where !covered.contains(fragment.id) {
            // A fragment never changes, its deletions only by a new deletion file: the key
            // names all the index depends on.
            let key = "fragment \(fragment.id) \(fragment.deletion?.path ?? "-") field \(field.id) index \(entry?.uuid ?? "-")"
            let only = restricted(to: [fragment.id])
            let made = try await loadedIndexes.cached(key) { () throws(StrataError) -> any LoadedSegment in
                let (index, addresses) = try await Table.indexText(only, field: field, settings: settings)
                return LoadedTextSegment(index: index, addresses: addresses, path: "")
            }
            guard let text = made as? LoadedTextSegment else { throw .invalidInput(what: "cache key \(key)", why: "holds another kind") }
            parts.append((text, nil))
        }
        let committedParts = parts.count
        var pending: [(batch: RecordBatch, row: Int)] = []
        var pendingAllowed: IDBitset?
        if !pendingRows.isEmpty {
            let (memory, rows, allowed) = try await indexPendingText(field: field, filter: request.filter, output: projection, settings: settings)
            parts.append((memory, nil))
            pending = rows
            pendingAllowed = allowed
        }

        // One part holding every live row scores with its own statistics: the same numbers,
        // without collecting them.
        let statistics = parts.count == 1 && parts[0].live == nil ? nil : try TextStatistics.collect(query, over: parts.map { ($0.text.index, $0.live) })
        let matching = try await matchingCommitted(request.filter, request.allowedKeys, fragments: present)
        if let keys = request.allowedKeys {
            if !pendingRows.isEmpty {
                var mask = IDBitset(capacity: pending.count)
                for key in keys.keys where key >> 63 == 1 {
                    let ordinal = key & ~(1 << 63)
                    if ordinal < pending.count, pendingAllowed?.contains(UInt32(ordinal)) ?? true { mask.insert(UInt32(ordinal)) }
                }
                pendingAllowed = mask
            }
        }
        var found: [(score: Double, key: UInt64)] = []
        for (i, part) in parts.enumerated() {
            var allowed = part.live
            if i >= committedParts {
                allowed = pendingAllowed
            } else if let matching {
                var filtered = part.text.rows.ids(ofSorted: matching.keys)
                if let live = allowed { filtered.formIntersection(live) }
                allowed = filtered
            }
            guard allowed?.isEmpty != true else { continue }
            for hit in try part.text.index.search(query, k: request.k, allowed: allowed, statistics: statistics) {
                found.append((hit.score, i >= committedParts ? Self.pendingKey(Int(hit.id)) : part.text.rows.addresses[Int(hit.id)]))
            }
        }
        found.sort { $0.score > $1.score || ($0.score == $1.score && $0.key < $1.key) }
        found = Array(found.prefix(request.k))
        return TextSearchResult(rows: try await resultRows(found.map(\.key), pending: pending, columns: projection),
                                scores: found.map(\.score),
                                addresses: found.map { $0.key >> 63 == 0 ? RowAddress(rawValue: $0.key) : nil },
                                keys: found.map(\.key))
    }

    /// An index of the in-memory rows' column `field`, each row's batch and place, and the
    /// rows matching `filter` (nil: all). The scan also reads the `output` columns, from
    /// which result rows are cut (in-memory rows have no address to take them by).
    private func indexPendingText(field: Field, filter: Predicate?, output: [String], settings: (analyzer: TextAnalyzer, bm25: BM25Parameters))
        async throws(StrataError) -> (LoadedTextSegment, [(batch: RecordBatch, row: Int)], IDBitset?) {
        let columns = Array(Set([field.name] + (filter?.columns ?? []) + output)).sorted()
        var builder = InvertedIndex.Builder(analyzer: settings.analyzer, bm25: settings.bm25)
        var rows: [(batch: RecordBatch, row: Int)] = []
        var matches: [UInt32] = []
        let scanner = try inMemoryOnly().scanner(columns: columns, withAddresses: false)
        while let next = try await scanner.next() {
            let column = next.batch.column(named: field.name)!
            if let filter { matches += filter.matchingRows(next.batch).map { UInt32(rows.count + $0) } }
            for row in 0..<next.batch.rowCount {
                builder.add(column.isNull(row) ? nil : String(decoding: column.bytes(at: row), as: UTF8.self))
                rows.append((next.batch, row))
            }
        }
        var allowed: IDBitset?
        if filter != nil {
            var mask = IDBitset(capacity: rows.count)
            for id in matches { mask.insert(id) }
            allowed = mask
        }
        return (LoadedTextSegment(index: builder.build(), addresses: rows.indices.map(UInt64.init), path: ""), rows, allowed)
    }
}
