import StrataCore
import StrataQuery
import StrataSQL

/// Runs one search over one or more corpora (spec/context.md §6): the full-text and vector
/// arms, their fusion, and the retrieval chain. Every statement it composes ANDs the
/// corpus's owner condition, so no arm can see another owner's rows.
struct ContextSearcher: Sendable {
    let context: ContextDatabase
    let corpora: [Corpus]
    let k: Int
    let settings: SearchSettings
    /// The time validity is judged at.
    let validAt: Int64
    /// The caller's filter, parsed and printed back; nil for none.
    let filter: String?
    /// The query as full-text words; nil when it has none.
    let words: String?
    /// Whether evidence carries the L2 text.
    let evidenceText: Bool
    /// Whether the arms apply validity (§7) in their statements. Normally validity is
    /// checked on the results' rows only — superseded chunks are few, and the check then
    /// costs nothing per candidate — and a search that loses results to it runs again with
    /// this set, so it is never short.
    private(set) var strictValidity = false
    /// The query vector and its model; nil when there is none.
    let vector: [Float]?
    let model: String

    /// A ranked list of one arm over all corpora.
    struct Ranked: Sendable {
        var hits: [SearchHit] = []
        var micros: Int64 = 0
    }

    init(context: ContextDatabase, corpora: [Corpus], request: SearchRequest) async throws(StrataError) {
        guard request.topK >= 1, request.topK <= 10_000 else {
            throw .invalidInput(what: "topK \(request.topK)", why: "must be 1…10000")
        }
        self.context = context
        self.corpora = corpora
        k = request.topK
        evidenceText = request.evidenceText
        settings = context.configuration.search
        validAt = request.validAt ?? Timestamp.now()
        filter = try request.filter.map { (text) throws(StrataError) in try SQLExpression(parsing: text).description }
        let text = request.text.map(Self.words) ?? ""
        words = text.isEmpty ? nil : text
        if let given = request.vector {
            try context.checkVector(given, what: "query vector")
            vector = given
            if let named = request.model {
                model = named
            } else {
                model = try await Self.queryVectorModel(context, corpora)
            }
        } else if request.mode != .fullText, words != nil, let query = request.text {
            // A text the embedder finds nothing in (stop words only) embeds to zeros, which
            // are equally far from everything: no vector then, rather than arbitrary hits.
            vector = try await context.embedder.embed([query]).first.flatMap { $0.contains { $0 != 0 } ? $0 : nil }
            model = context.embedder.modelName
        } else {
            vector = nil
            model = request.model ?? AgentMemory.externalModel
        }
        guard words != nil || vector != nil else {
            throw .invalidInput(what: "search", why: "needs a query text with words (letters or digits) or a query vector")
        }
    }

    /// The model of a query vector given without one (spec/context.md §4.1): the one model
    /// whose vectors the corpora hold besides the database's embedder (vectors added
    /// precomputed); the embedder's when there is none; `external` when there are several.
    static func queryVectorModel(_ context: ContextDatabase, _ corpora: [Corpus]) async throws(StrataError) -> String {
        var found: String?
        for corpus in corpora {
            var excluded = [context.embedder.modelName] + (found.map { [$0] } ?? [])
            let first = try await context.rows("""
                SELECT model_name FROM \(corpus.embeddings) WHERE \(corpus.scope) AND model_name NOT IN \(SQLText.list(excluded)) LIMIT 1
                """).first?.string("model_name")
            guard let first else { continue }
            if found != nil { return AgentMemory.externalModel }
            found = first
            excluded.append(first)
            let other = try await context.rows("""
                SELECT model_name FROM \(corpus.embeddings) WHERE \(corpus.scope) AND model_name NOT IN \(SQLText.list(excluded)) LIMIT 1
                """)
            if !other.isEmpty { return AgentMemory.externalModel }
        }
        return found ?? context.embedder.modelName
    }

    /// The query's letters and digits as words: the full-text query syntax's marks
    /// (quotes, +, -) in a question are punctuation, not operators.
    static func words(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber ? $0 : " " }).split(separator: " ").joined(separator: " ")
    }

    // MARK: Modes

    func run(_ mode: SearchMode) async throws(StrataError) -> SearchResult {
        let (result, invalid) = try await runOnce(mode)
        guard !strictValidity, result.hits.count < k, invalid > 0 else { return result }
        var strict = self
        strict.strictValidity = true
        return try await strict.runOnce(mode).result
    }

    /// One run of `mode`, and how many candidates the validity check dropped.
    private func runOnce(_ mode: SearchMode) async throws(StrataError) -> (result: SearchResult, invalid: Int) {
        var stages: [SearchStage] = []
        switch mode {
        case .fullText:
            let ranked = try await fullText(restrictions: nil, limit: k)
            stages.append(SearchStage(name: "l1.fts", candidates: ranked.hits.count, micros: ranked.micros, detail: "BM25 over chunk text"))
            return try await finished(single(ranked), stages: stages)
        case .vector:
            let ranked = try await vectorArm(restrictions: nil, limit: k)
            stages.append(SearchStage(name: "l1.vector", candidates: ranked.hits.count, micros: ranked.micros, detail: "nearest embeddings of model \(model)"))
            return try await finished(single(ranked), stages: stages)
        case .hybrid:
            let (text, nearest) = try await globalArms()
            record(text, nearest, prefix: "l1", stages: &stages)
            let clock = ContinuousClock.now
            let fused = fuse([text.hits, nearest.hits], stage: "global")
            stages.append(SearchStage(name: "l1.fuse", candidates: fused.count, micros: Self.micros(since: clock), detail: "RRF k=\(Int(settings.rrfK))"))
            return try await finished(fused, stages: stages)
        case .chain:
            return try await chain()
        }
    }

    /// A single arm's hits: their own scores, or RRF when several corpora are merged.
    private func single(_ ranked: Ranked) -> [SearchHit] {
        corpora.count > 1 ? fuse([ranked.hits], stage: "global") : ranked.hits
    }

    /// The full-text and vector arms over every corpus, side by side.
    private func globalArms(restrictions: [String: String]? = nil) async throws(StrataError) -> (Ranked, Ranked) {
        let fetch = max(k, settings.fetchK)
        return try await Self.concurrently({ () async throws(StrataError) in try await fullText(restrictions: restrictions, limit: fetch) },
                                           { () async throws(StrataError) in try await vectorArm(restrictions: restrictions, limit: fetch) })
    }

    private func record(_ text: Ranked, _ nearest: Ranked, prefix: String, stages: inout [SearchStage]) {
        let fetch = max(k, settings.fetchK)
        stages.append(SearchStage(name: prefix + ".fts", candidates: text.hits.count, micros: text.micros,
                                  detail: words == nil ? "no query words" : "BM25 over chunk text, fetch \(fetch)"))
        stages.append(SearchStage(name: prefix + ".vector", candidates: nearest.hits.count, micros: nearest.micros,
                                  detail: vector == nil ? "no query vector" : "nearest embeddings of model \(model), fetch \(fetch)"))
    }

    // MARK: Chain

    /// L0 summaries (hybrid) → shortlist → L1 hybrid inside it → L2 evidence. L0 is
    /// confident when one target ranks within the top `agreementDepth` of both L0 arms;
    /// then the shortlist's full-text and vector lists join the global L1 lists in the
    /// fusion (a chunk of a shortlisted session or document gains their ranks; what L0
    /// missed keeps its global ranks, so the result is never short). Otherwise the result is
    /// the global L1 hybrid search. The global L1 arms run beside the L0 arms and the
    /// shortlist's arms; the results' rows and their L2 entries are read side by side.
    private func chain() async throws(StrataError) -> (result: SearchResult, invalid: Int) {
        var stages: [SearchStage] = []
        let limit = max(settings.shortlistSize * 4, 20)
        let (scoped, global) = try await Self.concurrently({ () async throws(StrataError) -> (TargetList, TargetList, L0Decision, (Ranked, Ranked)?) in
            let (text, nearest) = try await Self.concurrently({ () async throws(StrataError) in try await l0FullText(limit: limit) },
                                                              { () async throws(StrataError) in try await l0Vector(limit: limit) })
            let decision = decide(text, nearest)
            let inside = decision.confident ? try await globalArms(restrictions: decision.restrictions) : nil
            return (text, nearest, decision, inside)
        }, { () async throws(StrataError) in try await globalArms() })
        let (text, nearest, decision, inside) = scoped
        stages.append(SearchStage(name: "l0.fts", candidates: text.targets.count, micros: text.micros,
                                  detail: words == nil ? "no query words" : "BM25 over summaries"))
        stages.append(SearchStage(name: "l0.vector", candidates: nearest.targets.count, micros: nearest.micros,
                                  detail: vector == nil ? "no query vector" : "nearest summary vectors of model \(model)"))
        stages.append(decision.stage)
        record(global.0, global.1, prefix: "l1", stages: &stages)
        var lists = [global.0.hits, global.1.hits]
        if let inside {
            record(inside.0, inside.1, prefix: "l1.shortlist", stages: &stages)
            lists += [inside.0.hits, inside.1.hits]
        }
        let clock = ContinuousClock.now
        let fused = fuse(lists, weights: [1, 1, settings.shortlistWeight, settings.shortlistWeight], stage: decision.confident ? "shortlist" : "global")
        stages.append(SearchStage(name: "l1.fuse", candidates: fused.count, micros: Self.micros(since: clock),
                                  detail: "RRF k=\(Int(settings.rrfK)) over \(lists.count) lists" + (decision.confident ? ", shortlist lists weighted \(settings.shortlistWeight)" : "")))
        let candidates = Array(fused.prefix(2 * k))
        let (rowsRead, entriesRead) = try await Self.concurrently(
            { () async throws(StrataError) -> Filled in try await self.filled(fused) },
            { () async throws(StrataError) -> (map: [String: Evidence], micros: Int64) in try await self.evidence(for: candidates) })
        let (entries, evidenceMicros) = entriesRead
        var hits = rowsRead.hits
        for i in hits.indices {
            hits[i].explanation.via = decision.shortlist.filter { $0.source == hits[i].source && ($0.id == hits[i].sessionID || $0.id == hits[i].rawID) }.map(\.label)
            if decision.confident && hits[i].explanation.via.isEmpty { hits[i].explanation.stage = "global" }
            hits[i].evidence = hits[i].rawID.flatMap { entries[hits[i].source + "\u{0}" + $0] }
        }
        // A hit beyond the first 2k candidates (some were not valid) has its entry read now.
        if hits.contains(where: { $0.evidence == nil && $0.rawID != nil }) {
            let more = try await self.evidence(for: hits.filter { $0.evidence == nil }).map
            for i in hits.indices where hits[i].evidence == nil { hits[i].evidence = hits[i].rawID.flatMap { more[hits[i].source + "\u{0}" + $0] } }
        }
        stages.append(rowsRead.stage)
        stages.append(SearchStage(name: "l2.evidence", candidates: hits.filter { $0.evidence != nil }.count, micros: evidenceMicros,
                                  detail: "L2 entries of the hits (read beside their rows)"))
        return (SearchResult(hits: hits, stages: stages, confident: decision.confident), rowsRead.invalid)
    }

    /// What L0 decided: confidence, the shortlist, each corpus's restriction, its stage.
    struct L0Decision: Sendable {
        let confident: Bool
        let shortlist: [L0Target]
        let restrictions: [String: String]
        let stage: SearchStage
    }

    private func decide(_ text: TargetList, _ nearest: TargetList) -> L0Decision {
        let clock = ContinuousClock.now
        let fusedTargets = fuseTargets([text.targets, nearest.targets])
        let depth = settings.agreementDepth
        let agreed = Set(text.targets.prefix(depth)).intersection(nearest.targets.prefix(depth))
        let confident = !agreed.isEmpty
        let shortlist = confident ? Array(fusedTargets.prefix(settings.shortlistSize)) : []
        var restrictions: [String: String] = [:]
        for corpus in corpora {
            let targets = shortlist.filter { $0.source == corpus.source }
            if !targets.isEmpty { restrictions[corpus.source] = corpus.restriction(targets) }
        }
        let stage = SearchStage(name: "l0.fuse", candidates: shortlist.count, micros: Self.micros(since: clock),
                                detail: confident ? "confident (\(agreed.map(\.label).sorted().joined(separator: ", ")) in the top \(depth) of both arms): shortlist "
                                    + shortlist.map(\.label).joined(separator: ", ")
                                    : "not confident (no target in the top \(depth) of both arms): global L1 only")
        return L0Decision(confident: confident, shortlist: shortlist, restrictions: restrictions, stage: stage)
    }

    /// A single-list mode's result: `candidates` filled, after `stages`.
    private func finished(_ candidates: [SearchHit], stages: [SearchStage]) async throws(StrataError) -> (result: SearchResult, invalid: Int) {
        let rows = try await filled(candidates)
        return (SearchResult(hits: rows.hits, stages: stages + [rows.stage], confident: nil), rows.invalid)
    }

    /// The hits `filled` read, its stage, and the candidates it found not valid.
    struct Filled: Sendable {
        let hits: [SearchHit]
        let stage: SearchStage
        let invalid: Int
    }

    /// The first k of `candidates` whose chunks are valid (§7), with their chunks' columns,
    /// read for these rows only (in rounds of 2k candidates while some turn out invalid).
    private func filled(_ candidates: [SearchHit]) async throws(StrataError) -> Filled {
        let clock = ContinuousClock.now
        var filled: [SearchHit] = []
        var start = 0, invalid = 0
        while filled.count < k && start < candidates.count {
            let part = candidates[start..<min(candidates.count, start + 2 * k - filled.count)]
            start += part.count
            var rows: [String: Row] = [:]
            for corpus in corpora {
                let ids = part.filter { $0.source == corpus.source }.map(\.chunkID)
                guard !ids.isEmpty else { continue }
                let validity = corpus.isMemory ? " AND " + SQLText.valid(at: validAt) : ""
                for row in try await context.rows("SELECT \(corpus.chunkColumns) FROM \(corpus.chunks) WHERE chunk_id IN \(SQLText.list(ids))\(validity) AND \(corpus.scope)") {
                    rows[corpus.source + "\u{0}" + (row.string("chunk_id") ?? "")] = row
                }
            }
            for hit in part {
                guard let row = rows[hit.source + "\u{0}" + hit.chunkID], let corpus = corpora.first(where: { $0.source == hit.source }) else {
                    invalid += 1
                    continue
                }
                if filled.count < k { filled.append(corpus.filled(hit, from: row)) }
            }
        }
        let stage = SearchStage(name: "l1.rows", candidates: filled.count, micros: Self.micros(since: clock),
                                detail: "chunk rows of the results" + (invalid > 0 ? "; \(invalid) candidates not valid at the time asked" : ""))
        return Filled(hits: filled, stage: stage, invalid: invalid)
    }

    struct TargetList: Sendable {
        var targets: [L0Target] = []
        var micros: Int64 = 0
    }

    private func l0FullText(limit: Int) async throws(StrataError) -> TargetList {
        guard let words else { return TargetList() }
        let clock = ContinuousClock.now
        var list = TargetList()
        for corpus in corpora {
            let rows = try await context.rows("""
                SELECT \(corpus.targetColumn) AS target, \(corpus.targetType), _score FROM \(corpus.summaries)
                 WHERE \(corpus.scope) AND MATCH(summary, $1) LIMIT \(limit)
                """, [.string(words)])
            list.targets += rows.map { L0Target(source: corpus.source, id: $0.string("target") ?? "", type: $0.string("target_type") ?? "doc") }
        }
        if corpora.count > 1 { list.targets = fuseTargets([list.targets]) }
        list.micros = Self.micros(since: clock)
        return list
    }

    private func l0Vector(limit: Int) async throws(StrataError) -> TargetList {
        guard let vector else { return TargetList() }
        let clock = ContinuousClock.now
        var list = TargetList()
        for corpus in corpora {
            let rows = try await context.rows("""
                SELECT \(corpus.targetColumn) AS target, \(corpus.targetType) FROM \(corpus.summaryEmbeddings)
                 WHERE \(corpus.scope) AND model_name = $2 ORDER BY vector <=> $1 LIMIT \(limit)
                """, [.vector(vector), .string(model)])
            list.targets += rows.map { L0Target(source: corpus.source, id: $0.string("target") ?? "", type: $0.string("target_type") ?? "doc") }
        }
        if corpora.count > 1 { list.targets = fuseTargets([list.targets]) }
        list.micros = Self.micros(since: clock)
        return list
    }

    // MARK: Arms

    /// The conditions every chunk of `corpus` must meet: owner, filter, restriction (and
    /// validity, when strict).
    /// `owner: false` leaves out the owner condition where the ids checked came from rows
    /// that met it (chunk ids are unique across owners).
    private func chunkCondition(_ corpus: Corpus, _ restriction: String?, owner: Bool = true) -> String {
        var parts = owner ? [corpus.scope] : []
        if corpus.isMemory && strictValidity { parts.append(SQLText.valid(at: validAt)) }
        // The caller's filter is over memory chunks' columns (spec/context.md §6); knowledge
        // bases' chunks have other columns and are not filtered.
        if let filter, corpus.isMemory { parts.append("(\(filter))") }
        if let restriction { parts.append(restriction) }
        return parts.isEmpty ? "TRUE" : parts.joined(separator: " AND ")
    }

    /// BM25 over chunk text, each corpus, best first.
    private func fullText(restrictions: [String: String]?, limit: Int) async throws(StrataError) -> Ranked {
        guard let words else { return Ranked() }
        let clock = ContinuousClock.now
        var ranked = Ranked()
        for corpus in corpora {
            let restriction = restrictions.map { $0[corpus.source] }
            if restriction == .some(nil) { continue }
            let rows = try await context.rows("""
                SELECT chunk_id, _score FROM \(corpus.chunks)
                 WHERE \(chunkCondition(corpus, restriction ?? nil)) AND MATCH(content, $1) LIMIT \(limit)
                """, [.string(words)])
            for (rank, row) in rows.enumerated() {
                var hit = corpus.candidate(row.string("chunk_id") ?? "")
                hit.score = row.double("_score") ?? 0
                hit.explanation.fullTextRank = rank + 1
                hit.explanation.fullTextScore = hit.score
                ranked.hits.append(hit)
            }
        }
        ranked.micros = Self.micros(since: clock)
        return ranked
    }

    /// The nearest embeddings of the query's model, each corpus, nearest first, kept to
    /// chunks that pass the chunk conditions: the search widens ×4 until `limit` pass or
    /// the embeddings run out.
    private func vectorArm(restrictions: [String: String]?, limit: Int) async throws(StrataError) -> Ranked {
        guard let vector else { return Ranked() }
        let clock = ContinuousClock.now
        var ranked = Ranked()
        for corpus in corpora {
            let restriction = restrictions.map { $0[corpus.source] }
            if restriction == .some(nil) { continue }
            var embeddingCondition = "\(corpus.scope) AND model_name = $2"
            if let restriction = restriction ?? nil { embeddingCondition += " AND " + restriction }
            var fetch = limit
            while true {
                let nearest = try await context.rows("""
                    SELECT chunk_id, _distance FROM \(corpus.embeddings) WHERE \(embeddingCondition) ORDER BY vector <=> $1 LIMIT \(fetch)
                    """, [.vector(vector), .string(model)])
                var order: [String] = []
                var distance: [String: Double] = [:]
                for row in nearest {
                    guard let id = row.string("chunk_id"), distance[id] == nil else { continue }
                    order.append(id)
                    distance[id] = row.double("_distance") ?? 0
                }
                // Chunk conditions beyond owner and restriction (which the embeddings carry)
                // are checked on the chunks' rows; without any, every embedding passes.
                let checked = corpus.isMemory && (filter != nil || strictValidity)
                var found = checked ? Set<String>() : Set(order)
                if checked && !order.isEmpty {
                    for row in try await context.rows("""
                        SELECT chunk_id FROM \(corpus.chunks) WHERE chunk_id IN \(SQLText.list(order)) AND \(chunkCondition(corpus, nil, owner: false))
                        """) {
                        if let id = row.string("chunk_id") { found.insert(id) }
                    }
                }
                let passing = order.filter(found.contains)
                if passing.count >= limit || nearest.count < fetch || fetch >= 64 * limit {
                    for (rank, id) in passing.prefix(limit).enumerated() {
                        var hit = corpus.candidate(id)
                        hit.explanation.vectorRank = rank + 1
                        hit.explanation.vectorDistance = distance[id]
                        hit.score = 1 - (distance[id] ?? 1)
                        ranked.hits.append(hit)
                    }
                    break
                }
                fetch *= 4
            }
        }
        ranked.micros = Self.micros(since: clock)
        return ranked
    }

    // MARK: Fusion

    /// Reciprocal rank fusion of ranked lists of hits: Σ 1/(k + rank) over the lists that
    /// hold a chunk (ranks within each corpus's part of a list); ties by source and chunk id.
    private func fuse(_ lists: [[SearchHit]], weights: [Double] = [], stage: String) -> [SearchHit] {
        var merged: [String: SearchHit] = [:]
        for (number, list) in lists.enumerated() {
            let weight = number < weights.count ? weights[number] : 1
            var rankInCorpus: [String: Int] = [:]
            for hit in list {
                let rank = (rankInCorpus[hit.source] ?? 0) + 1
                rankInCorpus[hit.source] = rank
                let key = hit.source + "\u{0}" + hit.chunkID
                var entry = merged[key] ?? {
                    var fresh = hit
                    fresh.score = 0
                    fresh.explanation = HitExplanation(stage: stage, via: [])
                    return fresh
                }()
                entry.score += weight / (settings.rrfK + Double(rank))
                if let r = hit.explanation.fullTextRank {
                    entry.explanation.fullTextRank = r
                    entry.explanation.fullTextScore = hit.explanation.fullTextScore
                }
                if let r = hit.explanation.vectorRank {
                    entry.explanation.vectorRank = r
                    entry.explanation.vectorDistance = hit.explanation.vectorDistance
                }
                merged[key] = entry
            }
        }
        return merged.values.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            return (a.source, a.chunkID) < (b.source, b.chunkID)
        }
    }

    /// RRF of ranked target lists; ties by source, type and id.
    private func fuseTargets(_ lists: [[L0Target]]) -> [L0Target] {
        var score: [L0Target: Double] = [:]
        for list in lists {
            var rankInCorpus: [String: Int] = [:]
            for target in list {
                let rank = (rankInCorpus[target.source] ?? 0) + 1
                rankInCorpus[target.source] = rank
                score[target, default: 0] += 1 / (settings.rrfK + Double(rank))
            }
        }
        return score.sorted { a, b in
            if a.value != b.value { return a.value > b.value }
            return (a.key.source, a.key.type, a.key.id) < (b.key.source, b.key.type, b.key.id)
        }.map(\.key)
    }

    // MARK: Evidence

    /// The L2 entries of the hits (an entry's id is its chunk id before the last `#`,
    /// spec/context.md §3.2), by source and id, and the time the read took.
    private func evidence(for hits: [SearchHit]) async throws(StrataError) -> (map: [String: Evidence], micros: Int64) {
        let clock = ContinuousClock.now
        var evidence: [String: Evidence] = [:]
        for corpus in corpora {
            let ids = Set(hits.filter { $0.source == corpus.source }.map { $0.rawID ?? ContextDatabase.entryID(ofChunk: $0.chunkID) })
            guard !ids.isEmpty else { continue }
            let text = evidenceText ? ", content" : ""
            let columns = corpus.isMemory ? "raw_id AS id, source_id AS source, content_type, created_at AS created" + text
                                          : "doc_id AS id, source_uri AS source, imported_at AS created, content_type" + text
            for row in try await context.rows("SELECT \(columns) FROM \(corpus.entries) WHERE \(corpus.scope) AND \(corpus.entryColumn) IN \(SQLText.list(ids.sorted()))") {
                guard let id = row.string("id") else { continue }
                let text = !evidenceText ? nil : corpus.isMemory ? ContextDatabase.text(of: row) : row.string("content")
                evidence[corpus.source + "\u{0}" + id] = Evidence(id: id, source: row.string("source"), contentType: row.string("content_type"),
                                                                  createdAt: row.int("created"), excerpt: text.map { String($0.prefix(Evidence.excerptCharacters)) })
            }
        }
        return (evidence, Self.micros(since: clock))
    }

    /// Runs `a` and `b` side by side.
    static func concurrently<A: Sendable, B: Sendable>(_ a: @escaping @Sendable () async throws(StrataError) -> A,
                                                       _ b: @escaping @Sendable () async throws(StrataError) -> B) async throws(StrataError) -> (A, B) {
        async let first = capture(a)
        async let second = capture(b)
        let (x, y) = await (first, second)
        return (try x.get(), try y.get())
    }

    private static func capture<T>(_ body: () async throws(StrataError) -> T) async -> Result<T, StrataError> {
        do throws(StrataError) {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    static func micros(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
    }
}
