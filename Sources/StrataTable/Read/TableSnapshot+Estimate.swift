import StrataCore
import StrataIndex
import StrataKernels

extension TableSnapshot {
    /// How many committed rows a scalar index says match `predicate`'s comparisons on its
    /// column, counted without reading a row: exact for the fragments the index covers
    /// (before deletions), extrapolated at the same rate to the rest. Nil when no scalar
    /// index answers a comparison of the predicate. Comparisons on other columns are not
    /// counted, so this is an upper estimate for the whole predicate.
    package func indexedMatchEstimate(_ predicate: Predicate) async throws(StrataError) -> Int? {
        guard let (comparisons, entry) = indexedComparisons(predicate) else { return nil }
        let present = Set(manifest.fragments.map(\.id))
        var matched = 0, covered = Set<UInt32>()
        for segment in entry.segments {
            let part = present.intersection(segment.fragmentIds)
            guard !part.isEmpty else { continue }
            let loaded = try await loadedIndexes.segment(segment, kind: entry.kind, as: LoadedScalarSegment.self, location: location)
            matched += loaded.ids(comparisons).count
            covered.formUnion(part)
        }
        let coveredRows = manifest.fragments.filter { covered.contains($0.id) }.reduce(0) { $0 + $1.physicalRows }
        let allRows = manifest.fragments.reduce(0) { $0 + $1.physicalRows }
        guard coveredRows > 0 else { return nil }
        return coveredRows == allRows ? matched : Int((Double(matched) * Double(allRows) / Double(coveredRows)).rounded())
    }

    /// Whether a scalar index (B-tree or bitmap) exists on `column`.
    package func hasScalarIndex(on column: String) -> Bool {
        guard let field = schema.fields.first(where: { $0.name == column }) else { return false }
        return newestIndex(on: field, kind: { ScalarIndexKind(rawValue: $0) != nil }) != nil
    }

    /// Whether a vector index with `metric` exists on `column` (the one a search with
    /// that metric uses).
    package func hasVectorIndex(on column: String, metric: VectorMetric) -> Bool {
        guard let field = schema.fields.first(where: { $0.name == column }) else { return false }
        return vectorIndex(on: field, metric: metric)?.metric == metric.rawValue
    }

    /// The addresses among `addresses` that name live (not deleted) rows of this version.
    package func liveAddresses(_ addresses: [RowAddress]) async throws(StrataError) -> [RowAddress] {
        var live: [RowAddress] = []
        for address in addresses {
            guard let fragment = manifest.fragment(address.fragment), Int(address.offset) < fragment.physicalRows else { continue }
            if try await !reader(for: fragment).isDeleted(Int(address.offset)) { live.append(address) }
        }
        return live
    }
}
