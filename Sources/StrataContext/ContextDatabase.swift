import Synchronization
import StrataCore
import StrataSQL
import StrataTable

/// A Strata database holding the context families `ctx_agent`, `ctx_kb` and `ctx_meta`
/// (spec/context.md): on first open it creates their tables and indexes, recorded like any
/// table in the information schema (`ctx_meta.meta_tables`, `meta_columns`). Agents work
/// through `agent(_:)` handles, knowledge bases through `knowledgeBase(_:)`; derived layers
/// (L1 chunks and embeddings, L0 summaries) are built by jobs (`ctx_meta.meta_jobs`).
public final class ContextDatabase: Sendable {
    /// The database underneath: SQL runs on it as on any Strata database.
    public let database: Database
    /// Elements of the stored embeddings.
    public let embeddingDimension: Int
    /// The settings it was opened with.
    public let configuration: ContextConfiguration
    /// The embedder of chunks without a vector and of query texts.
    public let embedder: any Embedder
    /// The job worker of this handle.
    let runner: JobRunner
    /// Guards the names of tables written since the worker last re-indexed them, and the
    /// sessions known to exist with their agent (a cache of `agent_sessions`).
    let state = Mutex<(written: Set<String>, sessions: [String: String])>(([], [:]))

    private init(database: Database, configuration: ContextConfiguration, embedder: any Embedder) {
        self.database = database
        self.embeddingDimension = configuration.embeddingDimension
        self.configuration = configuration
        self.embedder = embedder
        runner = JobRunner()
    }

    /// Opens (creating when needed) the context database in `directory`. Opening again
    /// creates only what is missing — a table or an index a crash left unmade — so it is
    /// safe to repeat. With `configuration.runsJobs`, the job worker starts and resumes the
    /// jobs a crash or a restart left pending.
    /// - Throws: `.invalidInput` when the database's embeddings have another dimension, or
    ///   the embedder's dimension differs from it; storage errors.
    public static func open(directory: String, configuration: ContextConfiguration = ContextConfiguration()) async throws(StrataError) -> ContextDatabase {
        try await open(database: try await Database.open(directory: directory), configuration: configuration)
    }

    /// The context families of an open database (created where missing), sharing its
    /// table handles — the way a shell adds them to the database it has open.
    /// - Throws: as `open(directory:configuration:)`.
    public static func open(database: Database, configuration: ContextConfiguration = ContextConfiguration()) async throws(StrataError) -> ContextDatabase {
        let dimension = configuration.embeddingDimension
        guard (1...DataType.maxVectorDimension).contains(dimension) else {
            throw .invalidInput(what: "embedding dimension \(dimension)", why: "must be 1…\(DataType.maxVectorDimension)")
        }
        let embedder: any Embedder
        if let given = configuration.embedder { embedder = given } else { embedder = try HashingEmbedder(dimension: dimension) }
        guard embedder.dimension == dimension else {
            throw .invalidInput(what: "embedder \(embedder.modelName)", why: "makes vectors of \(embedder.dimension) elements; the database holds \(dimension)")
        }
        for namespace in ContextSchema.namespaces { try await database.execute("CREATE NAMESPACE IF NOT EXISTS \(namespace)") }
        for table in ContextSchema.tables(dimension: dimension) {
            try await database.execute("CREATE TABLE IF NOT EXISTS \(table.qualified) (\(table.columns))")
            let handle = try await database.table(named: table.qualified)
            let manifest = try await handle.latestManifest()
            for field in manifest.schema.fields {
                if case let .vector(_, stored) = field.type, stored != dimension {
                    throw .invalidInput(what: "embedding dimension \(dimension)",
                                        why: "\(table.qualified).\(field.name) holds vectors of \(stored) elements")
                }
            }
            let existing = Set(manifest.indexes.map(\.name))
            for index in table.indexes where !existing.contains(index.name) {
                try await database.execute("CREATE INDEX \(index.name) ON \(table.qualified) (\(index.column)) USING \(index.using)")
            }
        }
        let context = ContextDatabase(database: database, configuration: configuration, embedder: embedder)
        ContextFunctions.register(on: database) { context }
        if configuration.runsJobs { await context.runner.start(context) }
        return context
    }

    /// Convenience for `open(directory:configuration:)` with the default settings and
    /// embeddings of `embeddingDimension` elements.
    public static func open(directory: String, embeddingDimension: Int) async throws(StrataError) -> ContextDatabase {
        try await open(directory: directory, configuration: ContextConfiguration(embeddingDimension: embeddingDimension))
    }

    /// The handle of agent `agentID`: everything it reads and writes is that agent's.
    /// - Throws: `.invalidInput` for an empty id.
    public func agent(_ agentID: String) throws(StrataError) -> AgentMemory {
        guard !agentID.isEmpty else { throw .invalidInput(what: "agent id", why: "must not be empty") }
        return AgentMemory(context: self, agentID: agentID)
    }

    /// Stops the worker (a job it runs finishes first) and folds every table's logged rows
    /// into fragments, so another process sees them at once. Pending jobs stay queued.
    public func close() async throws(StrataError) {
        await runner.stop()
        for table in ContextSchema.tables(dimension: embeddingDimension) {
            try await database.table(named: table.qualified).flushSmallWrites()
        }
    }

    // MARK: Rows

    /// Inserts rows given by column name (columns left out are NULL) through the table's
    /// write-ahead log: durable when this returns.
    func insert(_ table: String, _ rows: [[String: Value]]) async throws(StrataError) {
        guard !rows.isEmpty else { return }
        let handle = try await database.table(named: table)
        try await handle.insert(try batch(rows, schema: handle.latestManifest().schema))
        noteWritten(table)
    }

    /// Upserts rows by `key` in one commit.
    func upsert(_ table: String, key: String, _ rows: [[String: Value]]) async throws(StrataError) {
        guard !rows.isEmpty else { return }
        let handle = try await database.table(named: table)
        try await handle.mergeInsert(key: key, try batch(rows, schema: handle.latestManifest().schema))
        noteWritten(table)
    }

    private func batch(_ rows: [[String: Value]], schema: Schema) throws(StrataError) -> RecordBatch {
        try RecordBatch(schema: schema, rows: rows.map { row in schema.fields.map { row[$0.name] ?? .null } })
    }

    /// The rows of a query.
    func rows(_ sql: String, _ parameters: [Value] = []) async throws(StrataError) -> [Row] {
        try await database.execute(sql, parameters: parameters).typedRows
    }

    /// Runs a write statement on `table`; returns the rows it affected.
    @discardableResult
    func write(_ table: String, _ sql: String, _ parameters: [Value] = []) async throws(StrataError) -> Int {
        let affected = try await database.execute(sql, parameters: parameters).rowsAffected ?? 0
        if affected > 0 { noteWritten(table) }
        return affected
    }

    private func noteWritten(_ table: String) {
        state.withLock { _ = $0.written.insert(table) }
    }
}
