import StrataCore
import StrataIndex
import Synchronization

/// The indexes a table's snapshots have loaded or built, and the fragment readers they
/// opened, shared by the table and its snapshots. Index objects and data files are
/// immutable, so a path always means the same index or file; the text indexes of unindexed
/// fragments and the fragment readers are keyed by everything they were built from.
package final class IndexCache: Sendable {
    /// Guards the open fragment readers, by fragment, files, deletion file and schema.
    private let readers = Mutex<[String: FragmentReader]>([:])
    /// Guards the loaded vector indexes (by their files); held only to look up or insert.
    private let vectors = Mutex<[String: LoadedVectorIndex]>([:])
    /// Guards the loaded segments of full-text and scalar indexes and the text indexes of
    /// unindexed fragments (by their files, or by fragment, deletion file, column and index).
    private let segments = Mutex<[String: any LoadedSegment]>([:])
    /// Guards the resolved settings of full-text indexes, by index uuid ("" for the defaults).
    private let textSettings = Mutex<[String: (analyzer: TextAnalyzer, bm25: BM25Parameters)]>([:])

    package init() {}

    /// The reader of `fragment` under `schema`, opened once across snapshots (so a query
    /// does not decode every data file's metadata again).
    package func reader(_ fragment: Fragment, schema: Schema, open: () async throws(StrataError) -> FragmentReader) async throws(StrataError) -> FragmentReader {
        var key = "\(fragment.id)|\(fragment.deletion?.path ?? "-")|" + fragment.files.map(\.path).joined(separator: ",")
        for field in schema.fields { key += "|\(field.id):\(field.type)" }
        if let hit = readers.withLock({ $0[key] }) { return hit }
        let reader = try await open()
        readers.withLock { cache in
            if cache.count >= 4_096 { cache.removeAll() }
            cache[key] = reader
        }
        return reader
    }

    package func index(_ entry: TableIndex, location: TableLocation) async throws(StrataError) -> LoadedVectorIndex {
        if let hit = vectors.withLock({ $0[Self.key(entry)] }) { return hit }
        let index = try await LoadedVectorIndex.load(entry, location: location)
        insert([index])
        return index
    }

    /// Remembers indexes this process just built and committed, so that the next search or
    /// optimization does not read back what it wrote.
    package func insert(_ indexes: [LoadedVectorIndex]) {
        vectors.withLock { cache in
            if cache.count + indexes.count > 8 { cache.removeAll() }
            for index in indexes { cache[Self.key(index.entry)] = index }
        }
    }

    private static func key(_ entry: TableIndex) -> String { entry.indexFile.path + "|" + entry.rowsFile.path }

    /// The segment `segment` of an index of `kind`, loaded once.
    package func segment(_ segment: IndexSegment, kind: String, location: TableLocation) async throws(StrataError) -> any LoadedSegment {
        try await cached(Self.key(segment)) { () throws(StrataError) -> any LoadedSegment in
            kind == TextIndexSettings.kind ? try await LoadedTextSegment.load(segment, location: location)
                : try await LoadedScalarSegment.load(segment, location: location)
        }
    }

    /// The segment `segment` of an index of `kind`, as the type that kind loads.
    /// - Throws: `.corruption` when the cache holds another kind under its files.
    package func segment<Segment: LoadedSegment>(_ segment: IndexSegment, kind: String, as type: Segment.Type,
                                                 location: TableLocation) async throws(StrataError) -> Segment {
        guard let typed = try await self.segment(segment, kind: kind, location: location) as? Segment else {
            throw .corruption(path: location.object(segment.indexFile.path), offset: nil, kind: .malformedMetadata, detail: "not a \(kind) index segment")
        }
        return typed
    }

    /// The key of a committed segment.
    static func key(_ segment: IndexSegment) -> String { segment.indexFile.path + "|" + segment.rowsFile.path }

    /// The segment cached under `key`, made by `make` when absent.
    package func cached(_ key: String, make: () async throws(StrataError) -> any LoadedSegment) async throws(StrataError) -> any LoadedSegment {
        if let hit = segments.withLock({ $0[key] }) { return hit }
        let made = try await make()
        insertSegments([key: made])
        return made
    }

    /// The analyzer and scoring of full-text index `entry` (the defaults without one), made
    /// once: an index's uuid fixes its parameters.
    func textSettings(_ entry: TableIndex?) throws(StrataError) -> (analyzer: TextAnalyzer, bm25: BM25Parameters) {
        let key = entry?.uuid ?? ""
        if let known = textSettings.withLock({ $0[key] }) { return known }
        let resolved = try TextIndexSettings.resolve(entry?.parameters ?? [:])
        textSettings.withLock { cache in
            if cache.count >= 64 { cache.removeAll() }
            cache[key] = resolved
        }
        return resolved
    }

    /// Remembers segments this process just built and committed.
    package func insertSegments(_ made: [String: any LoadedSegment]) {
        segments.withLock { cache in
            if cache.count + made.count > 64 { cache.removeAll() }
            cache.merge(made) { $1 }
        }
    }
}
