import Foundation
import StrataCore

/// How a context database embeds, summarises, chunks, runs its jobs and searches
/// (spec/context.md). The defaults need no network and no model.
public struct ContextConfiguration: Sendable {
    /// Elements of the stored embeddings, fixed when the database is created.
    public var embeddingDimension: Int
    /// Embeds chunks that come without a vector, and query texts; nil means the built-in
    /// `HashingEmbedder` of `embeddingDimension` elements.
    public var embedder: (any Embedder)?
    /// Writes L0 summaries of sessions and documents.
    public var summarizer: any Summarizer
    /// How L2 text is cut into L1 chunks.
    public var chunking: ChunkingOptions
    /// Whether this handle runs the job worker in the background (otherwise jobs wait for
    /// `waitForJobs()` or another process's worker).
    public var runsJobs: Bool
    /// Retries of failed jobs.
    public var retry: RetryPolicy
    /// Settings of the retrieval chain and of hybrid search.
    public var search: SearchSettings
    /// A table is re-indexed (`OPTIMIZE`) when the worker is idle and this many of its rows
    /// (or a tenth of them, if fewer) lie outside an index; fewer are searched exactly,
    /// which costs little.
    public var reindexThreshold: Int

    /// The defaults: 384-element embeddings by the hashing embedder, the extractive
    /// summariser, standard chunking, a background worker.
    public init(embeddingDimension: Int = 384, embedder: (any Embedder)? = nil, summarizer: any Summarizer = ExtractiveSummarizer(),
                chunking: ChunkingOptions = .standard, runsJobs: Bool = true, retry: RetryPolicy = RetryPolicy(),
                search: SearchSettings = SearchSettings(), reindexThreshold: Int = 2_000) {
        self.embeddingDimension = embeddingDimension
        self.embedder = embedder
        self.summarizer = summarizer
        self.chunking = chunking
        self.runsJobs = runsJobs
        self.retry = retry
        self.search = search
        self.reindexThreshold = reindexThreshold
    }
}

/// When a failed job runs again: after `baseDelay × factor^(attempt − 1)` seconds (at most
/// `maxDelay`), until it has run `maxAttempts` times; then it is `failed`.
public struct RetryPolicy: Sendable {
    /// Runs in all, the first included.
    public var maxAttempts: Int
    /// The pause after the first failure, in seconds.
    public var baseDelay: Double
    /// Growth of the pause per failure.
    public var factor: Double
    /// The longest pause, in seconds.
    public var maxDelay: Double

    /// Five attempts, pauses of 0.1 s, 0.4 s, 1.6 s, 6.4 s.
    public init(maxAttempts: Int = 5, baseDelay: Double = 0.1, factor: Double = 4, maxDelay: Double = 60) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.factor = factor
        self.maxDelay = maxDelay
    }

    /// The pause after failure number `attempt` (1 for the first), in microseconds.
    func delayMicros(afterAttempt attempt: Int) -> Int64 {
        let seconds = min(maxDelay, baseDelay * Foundation.pow(factor, Double(max(0, attempt - 1))))
        return Int64(seconds * 1_000_000)
    }
}

/// Settings of search (spec/context.md §6).
public struct SearchSettings: Sendable {
    /// Rows each arm of a hybrid search fetches before fusion (at least k).
    public var fetchK: Int
    /// The k of reciprocal rank fusion.
    public var rrfK: Double
    /// L0 targets (sessions, documents) the chain opens.
    public var shortlistSize: Int
    /// The chain trusts L0 when one target ranks within this depth in both L0 arms.
    public var agreementDepth: Int
    /// The RRF weight of the chain's shortlist lists beside the global lists (weight 1).
    public var shortlistWeight: Double

    /// fetch 50, RRF k 60, shortlist 8, agreement within the top 3, shortlist weight 0.25.
    public init(fetchK: Int = 50, rrfK: Double = 60, shortlistSize: Int = 8, agreementDepth: Int = 3, shortlistWeight: Double = 0.25) {
        self.shortlistWeight = shortlistWeight
        self.fetchK = fetchK
        self.rrfK = rrfK
        self.shortlistSize = shortlistSize
        self.agreementDepth = agreementDepth
    }
}
