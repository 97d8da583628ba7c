import StrataCore

/// The kinds of job (`meta_jobs.job_type`) and what each does (spec/context.md §8). Every
/// step is idempotent: a job interrupted anywhere runs again from the start and ends in
/// the same rows.
enum JobKind: String, CaseIterable {
    /// Chunks and embeds an agent's new L2 entries into L1, then queues their summaries.
    case ingest
    /// Writes the L0 summary of a session or a document of an agent.
    case summarize
    /// Chunks and embeds knowledge-base documents, then queues their summaries.
    case kbIngest = "kb_ingest"
    /// Writes the L0 summary of a knowledge-base document.
    case kbSummarize = "kb_summarize"
    /// Moves an agent's prune candidates to the archive.
    case prune
    /// Moves a session to the archive.
    case archive
    /// Scores recent memory and promotes, retains or marks for pruning.
    case compact

    /// Kinds whose due jobs run together in one round.
    static let batched: [JobKind] = [.ingest, .kbIngest, .summarize, .kbSummarize]
}

extension ContextDatabase {
    /// Runs `jobs` (several only for a batched kind).
    func run(_ jobs: [QueuedJob]) async throws(StrataError) {
        guard let kind = JobKind(rawValue: jobs[0].type) else {
            throw .invalidInput(what: "job type '\(jobs[0].type)'", why: "no such kind of job")
        }
        switch kind {
        case .ingest: try await ingest(jobs.map(\.payload))
        case .kbIngest: try await ingestDocuments(jobs.map(\.payload))
        case .summarize: try await summarize(jobs.map(\.payload))
        case .kbSummarize: try await summarizeDocuments(jobs.map(\.payload))
        case .prune: try await prune(jobs[0].payload)
        case .archive: try await archive(jobs[0].payload)
        case .compact: try await compactMemory(jobs[0].payload)
        }
    }
}

/// Reading a job's payload.
extension JSONValue {
    /// The string at `key`, or an error naming it.
    func requiredString(_ key: String) throws(StrataError) -> String {
        guard case let .string(text)? = self[key] else { throw .invalidInput(what: "job payload", why: "'\(key)' is missing or not a string") }
        return text
    }

    /// The string at `key`, if there is one.
    func optionalString(_ key: String) -> String? {
        if case let .string(text)? = self[key] { return text }
        return nil
    }

    /// The number at `key` as a double, if there is one.
    func optionalDouble(_ key: String) -> Double? {
        if case let .number(text)? = self[key] { return Double(text) }
        return nil
    }

    /// The array at `key` (empty when absent).
    func array(_ key: String) -> [JSONValue] {
        if case let .array(items)? = self[key] { return items }
        return []
    }
}
