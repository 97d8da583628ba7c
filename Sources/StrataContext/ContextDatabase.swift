import StrataCore
import StrataSQL
import StrataTable

/// A Strata database holding the context families `ctx_agent`, `ctx_kb` and `ctx_meta`
/// (spec/context.md): on first open it creates their tables and indexes, recorded like any
/// table in the information schema (`ctx_meta.meta_tables`, `meta_columns`).
public final class ContextDatabase: Sendable {
    /// The database underneath: SQL runs on it as on any Strata database.
    public let database: Database
    /// Elements of the stored embeddings.
    public let embeddingDimension: Int

    private init(database: Database, embeddingDimension: Int) {
        self.database = database
        self.embeddingDimension = embeddingDimension
    }

    /// Opens (creating when needed) the context database in `directory`, for embeddings of
    /// `embeddingDimension` elements. Opening again creates only what is missing — a table
    /// or an index a crash left unmade — so it is safe to repeat.
    /// - Throws: `.invalidInput` when the database's embeddings have another dimension;
    ///   storage errors.
    public static func open(directory: String, embeddingDimension: Int = 384) async throws(StrataError) -> ContextDatabase {
        guard (1...DataType.maxVectorDimension).contains(embeddingDimension) else {
            throw .invalidInput(what: "embedding dimension \(embeddingDimension)", why: "must be 1…\(DataType.maxVectorDimension)")
        }
        let database = try await Database.open(directory: directory)
        for namespace in ["ctx_agent", "ctx_kb"] { try await database.execute("CREATE NAMESPACE IF NOT EXISTS \(namespace)") }
        for table in ContextSchema.tables(dimension: embeddingDimension) {
            try await database.execute("CREATE TABLE IF NOT EXISTS \(table.qualified) (\(table.columns))")
            let handle = try await database.table(named: table.qualified)
            let manifest = try await handle.latestManifest()
            for field in manifest.schema.fields {
                if case let .vector(_, dimension) = field.type, dimension != embeddingDimension {
                    throw .invalidInput(what: "embedding dimension \(embeddingDimension)",
                                        why: "\(table.qualified).\(field.name) holds vectors of \(dimension) elements")
                }
            }
            let existing = Set(manifest.indexes.map(\.name))
            for index in table.indexes where !existing.contains(index.name) {
                try await database.execute("CREATE INDEX \(index.name) ON \(table.qualified) (\(index.column)) USING \(index.using)")
            }
        }
        return ContextDatabase(database: database, embeddingDimension: embeddingDimension)
    }
}
