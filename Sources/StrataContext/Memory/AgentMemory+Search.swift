import StrataCore

extension AgentMemory {
    /// Searches this agent's memory (and the knowledge bases the request names) and returns
    /// the best chunks with their scores, their L2 links and how each was found
    /// (spec/context.md §6). The same data and the same request give the same answer.
    /// - Throws: `.invalidInput` for a request without text or vector, a vector of the
    ///   wrong dimension, or topK outside 1…10000; `.invalidQuery` for a filter that does
    ///   not parse or names an unknown column; `.invalidQuery` for a knowledge base that
    ///   holds no documents.
    public func search(_ request: SearchRequest) async throws(StrataError) -> SearchResult {
        var corpora = request.includeMemory ? [Corpus.memory(agentID: agentID)] : []
        for name in request.knowledgeBases { try await context.checkKnowledgeBase(name) }
        corpora += request.knowledgeBases.map(Corpus.knowledgeBase)
        guard !corpora.isEmpty else { throw .invalidInput(what: "search", why: "searches nothing: no memory and no knowledge base") }
        let searcher = try await ContextSearcher(context: context, corpora: corpora, request: request)
        return try await searcher.run(request.mode)
    }

    /// Searches with a query text; see `search(_:)`.
    public func search(_ text: String, topK: Int = 10, mode: SearchMode = .chain, filter: String? = nil) async throws(StrataError) -> SearchResult {
        try await search(SearchRequest(text: text, topK: topK, mode: mode, filter: filter))
    }
}
