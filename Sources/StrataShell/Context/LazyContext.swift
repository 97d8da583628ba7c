import Strata

/// A database's context families, opened on first use: by `.jobs`, or by the first call of
/// a `ctx_*` function or `embed`, which it registers on the database at once so that
/// statements can name them before the families exist. An actor: the functions run inside
/// statements, on any task.
actor LazyContext {
    let database: Database
    private var opened: ContextDatabase?
    /// The opening under way: calls that arrive meanwhile wait for it rather than open twice.
    private var opening: Task<Result<ContextDatabase, StrataError>, Never>?

    init(database: Database) {
        self.database = database
        let lazy = self
        ContextFunctions.register(on: database) { () async throws(StrataError) in try await lazy.get() }
    }

    /// The context database, opened (and its families made where missing) the first time.
    func get() async throws(StrataError) -> ContextDatabase {
        if let opened { return opened }
        if opening == nil {
            let database = database
            opening = Task {
                do throws(StrataError) {
                    return .success(try await ContextOpening.open(database: database, runsJobs: true))
                } catch {
                    return .failure(error)
                }
            }
        }
        switch await opening!.value {
        case let .success(context):
            opened = context
            return context
        case let .failure(error):
            opening = nil
            throw error
        }
    }

    /// Flushes and stops the context database if it was opened.
    func close() async {
        if let opening, case let .success(context) = await opening.value { try? await context.close() }
        opened = nil
        opening = nil
    }
}
