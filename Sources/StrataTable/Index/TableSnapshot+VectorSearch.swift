import StrataCore
import StrataIndex
import StrataKernels

/// A nearest-neighbour search over one vector column of a snapshot.
public struct VectorSearchRequest: Sendable {
    /// The vector column.
    public var column: String
    /// The query, with the column's dimension.
    public var vector: [Float]
    /// How many rows to return (fewer only when fewer rows match).
    public var k: Int
    /// Only rows matching it are returned.
    public var filter: Predicate?
    /// Only rows with these keys (`TableSnapshot.rowKey`) are returned; nil: no restriction.
    public var allowedKeys: RowKeySet?
    /// ef, nprobes, refine; nil fields take the index's defaults.
    public var parameters: VectorSearchParameters
    /// The metric; nil takes the index's (or L2 without one). A metric other than the
    /// index's searches exactly.
    public var metric: VectorMetric?
    /// Columns of the returned rows (nil: all).
    public var columns: [String]?

    /// A request; see each property.
    public init(column: String, vector: [Float], k: Int, filter: Predicate? = nil, parameters: VectorSearchParameters = .init(),
                metric: VectorMetric? = nil, columns: [String]? = nil) {
        self.column = column
        self.vector = vector
        self.k = k
        self.filter = filter
        self.parameters = parameters
        self.metric = metric
        self.columns = columns
    }
}

/// The rows a search found, nearest first.
public struct VectorSearchResult: Sendable {
    /// The rows, projected as asked.
    public var rows: RecordBatch
    /// Each row's distance under the search's metric.
    public var distances: [Float]
    /// Each row's address; nil for rows still in the in-memory table.
    public var addresses: [RowAddress?]
    /// Each row's key (`TableSnapshot.rowKey`), in-memory rows included.
    public var keys: [UInt64]
}

extension TableSnapshot {
    /// The `k` rows nearest to the query. Fragments an index covers are searched through it;
    /// every other row — fragments written since, this process's in-memory rows — exactly;
    /// the two are merged, so a row is findable as soon as its write returns. Ties break on
    /// row address (in-memory rows last).
    /// - Throws: `.invalidInput` for an unknown or non-vector column, a query of the wrong
    ///   dimension or with a non-finite element, k < 1 or a bad parameter.
    public func search(_ request: VectorSearchRequest) async throws(StrataError) -> VectorSearchResult {
        let field = try Table.vectorField(request.column, in: schema)
        let dimension = Table.dimension(of: field)
        guard request.vector.count == dimension else {
            throw .invalidInput(what: "query vector", why: "has \(request.vector.count) elements, column '\(request.column)' has dimension \(dimension)")
        }
        guard request.vector.allSatisfy(\.isFinite) else { throw .invalidInput(what: "query vector", why: "has an element that is not a finite number") }
        guard request.k >= 1 else { throw .invalidInput(what: "k", why: "must be at least 1, got \(request.k)") }
        let projection = try fields(request.columns).map(\.name)

        // With several indexes on the column, the most recently created one with the
        // request's metric answers (without a metric asked, the most recent one).
        let entry = vectorIndex(on: field, metric: request.metric)
        let indexMetric = entry.flatMap { VectorMetric(rawValue: $0.metric) }
        let metric = request.metric ?? indexMetric ?? .l2
        let useIndex = entry != nil && indexMetric == metric
        let present = Set(manifest.fragments.map(\.id))
        let covered = useIndex ? present.intersection(entry!.fragmentIds) : []

        // Keys order candidates: committed rows by address, in-memory rows after them.
        var best = DistanceHeap<UInt64>(capacity: request.k + 1)
        let matching = try await matchingCommitted(request.filter, request.allowedKeys, fragments: covered)
        if useIndex, let entry {
            let loaded = try await loadedIndexes.index(entry, location: location)
            guard loaded.index.dimension == dimension else {
                throw .corruption(path: location.object(entry.indexFile.path), offset: nil, kind: .malformedMetadata,
                                  detail: "index of dimension \(loaded.index.dimension) on a column of dimension \(dimension)")
            }
            var allowed = try await loaded.rows.liveIDs(in: self, covered: covered)
            if let matching {
                var filtered = loaded.rows.ids(ofSorted: matching.keys)
                if let live = allowed { filtered.formIntersection(live) }
                allowed = filtered
            }
            if allowed?.isEmpty != true {
                for hit in try loaded.index.search(request.vector, k: request.k, parameters: request.parameters, allowed: allowed) {
                    best.insert(hit.distance, loaded.addresses[Int(hit.id)], keepingBest: request.k)
                }
            }
        }
        let pending = try await exactSearch(request, field: field, metric: metric, skipping: covered, output: projection) { distance, key in
            guard request.allowedKeys?.contains(key) ?? true else { return }
            best.insert(distance, key, keepingBest: request.k)
        }
        let found = best.sortedBestFirst()
        return VectorSearchResult(rows: try await resultRows(found.map(\.id), pending: pending, columns: projection),
                                  distances: found.map(\.distance),
                                  addresses: found.map { $0.id >> 63 == 0 ? RowAddress(rawValue: $0.id) : nil },
                                  keys: found.map(\.id))
    }

    /// The newest vector index on `field` with `metric` (any metric when nil), else the
    /// newest vector index on it.
    package func vectorIndex(on field: Field, metric: VectorMetric?) -> TableIndex? {
        let isVector: (String) -> Bool = { VectorIndexKind(rawValue: $0) != nil }
        if let metric, let matching = manifest.indexes.filter({ $0.fieldIds == [field.id] && isVector($0.kind) && $0.metric == metric.rawValue })
            .max(by: { ($0.createdVersion, $0.name) < ($1.createdVersion, $1.name) }) {
            return matching
        }
        return newestIndex(on: field, kind: isVector)
    }

    /// The committed rows of `fragments` that match `filter` and are among `allowed` (nil:
    /// no restriction; nil when neither restricts).
    func matchingCommitted(_ filter: Predicate?, _ allowed: RowKeySet?, fragments: Set<UInt32>) async throws(StrataError) -> RowKeySet? {
        var matching: RowKeySet?
        if let filter { matching = RowKeySet(uncheckedSorted: try await matchingAddresses(filter, in: fragments).map(\.rawValue)) }
        if let allowed {
            let committed = RowKeySet(uncheckedSorted: Array(allowed.committed))
            matching = matching.map { $0.intersection(committed) } ?? committed
        }
        return matching
    }

    /// Scores every row outside `skipping` exactly (matching the filter, not deleted, vector
    /// not null), calling `visit(distance, key)`: committed fragments, then in-memory rows.
    /// In-memory rows have no address to `take` them by later, so their scan also reads the
    /// `output` columns; returns each in-memory row's batch and place, by ordinal, from
    /// which the result rows are cut.
    private func exactSearch(_ request: VectorSearchRequest, field: Field, metric: VectorMetric, skipping: Set<UInt32>, output: [String],
                             _ visit: (Float, UInt64) -> Void) async throws(StrataError) -> [(batch: RecordBatch, row: Int)] {
        var pending: [(batch: RecordBatch, row: Int)] = []
        let columns = Array(Set([field.name] + (request.filter?.columns ?? []))).sorted()
        let committed = restricted(to: Set(manifest.fragments.map(\.id)).subtracting(skipping))
        for (snapshot, withAddresses) in [(committed, true), (inMemoryOnly(), false)]
        where !snapshot.manifest.fragments.isEmpty || !snapshot.pendingRows.isEmpty {
            let scanner = try snapshot.scanner(columns: withAddresses ? columns : Array(Set(columns + output)).sorted(), withAddresses: withAddresses)
            while let next = try await scanner.next() {
                let vectors = next.batch.column(named: field.name)!
                let base = pending.count
                if !withAddresses { pending += (0..<next.batch.rowCount).map { (next.batch, $0) } }
                ColumnDistances.forEach(vectors, query: request.vector, metric: metric) { row, distance in
                    guard distance.isFinite, request.filter?.matches(next.batch, row: row) ?? true else { return }
                    visit(distance, next.addresses.map { $0[row].rawValue } ?? Self.pendingKey(base + row))
                }
            }
        }
        return pending
    }

    /// The result rows for `keys`, in order: a key is a committed row's address, taken with
    /// `take`, or 2⁶³ + i for the in-memory row `pending[i]`, cut from the batch it was
    /// scored in.
    func resultRows(_ keys: [UInt64], pending: [(batch: RecordBatch, row: Int)], columns: [String]) async throws(StrataError) -> RecordBatch {
        let committed = keys.filter { $0 >> 63 == 0 }.map { RowAddress(rawValue: $0) }
        let taken = try await take(committed, columns: columns)
        let fields = taken.schema.fields  // resolved once, by take
        var memoryRows: [ColumnBuffer] = []
        let memoryPicks = keys.filter { $0 >> 63 == 1 }.map { pending[Int($0 & ~(1 << 63))] }
        if !memoryPicks.isEmpty {
            memoryRows = try fields.map { (field) throws(StrataError) -> ColumnBuffer in
                let parts = try memoryPicks.map { (pick) throws(StrataError) -> (ColumnBuffer, Range<Int>) in
                    if let column = pick.batch.column(named: field.name) { return (column, pick.row..<(pick.row + 1)) }
                    return (try FieldDefaults.constantColumn(field, count: 1), 0..<1)
                }
                return ColumnBuffer.concatenate(parts, type: field.type)
            }
        }
        var order: [Int] = [], nextCommitted = 0, nextMemory = committed.count
        for key in keys {
            if key >> 63 == 0 { order.append(nextCommitted); nextCommitted += 1 } else { order.append(nextMemory); nextMemory += 1 }
        }
        let columnsOut = fields.indices.map { c in
            let memoryPart = memoryRows.isEmpty ? [] : [(memoryRows[c], 0..<memoryPicks.count)]
            return ColumnBuffer.concatenate([(taken.columns[c], 0..<committed.count)] + memoryPart, type: fields[c].type).gather(order)
        }
        return try RecordBatch(schema: try Schema(fields: fields), columns: columnsOut)
    }
}
