import Strata
import StrataModels

/// Opens a database's context families the way every `strata` tool does: with the
/// embedding dimension the database already holds (384, or the one asked, for a new one)
/// and the models the environment names (spec/context.md §4.3), else the built-in ones.
public enum ContextOpening {
    /// The context families of `database`, created where missing.
    /// - Throws: `.invalidInput` for a bad model setting or a dimension the database does
    ///   not hold; storage errors.
    public static func open(database: Database, dimension: Int? = nil, runsJobs: Bool) async throws(StrataError) -> ContextDatabase {
        let stored = try await storedDimension(database)
        var configuration = ContextConfiguration(embeddingDimension: stored ?? dimension ?? 384, runsJobs: runsJobs)
        configuration.embedder = try EnvironmentModels.embedder(dimension: configuration.embeddingDimension)
        if let summarizer = try EnvironmentModels.summarizer() { configuration.summarizer = summarizer }
        return try await ContextDatabase.open(database: database, configuration: configuration)
    }

    /// The dimension of the database's stored embeddings; nil when it has no context families.
    public static func storedDimension(_ database: Database) async throws(StrataError) -> Int? {
        guard database.tables(in: "ctx_agent").contains("agent_l1_embeddings") else { return nil }
        let schema = try await database.table(named: "ctx_agent.agent_l1_embeddings").latestManifest().schema
        for field in schema.fields { if case let .vector(_, dimension) = field.type { return dimension } }
        return nil
    }
}
