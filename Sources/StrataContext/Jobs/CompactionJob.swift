import Foundation
import StrataCore

/// How the daily compaction scores memory (spec/context.md §11).
public struct CompactionPolicy: Sendable, Hashable {
    /// Chunks created within this many seconds before the run are scored.
    public var windowSeconds: Double
    /// Half-life of the time decay, in days.
    public var halfLifeDays: Double
    /// Scores at or above are PROMOTION; below `pruneBelow` PRUNING; between, RETENTION.
    public var promoteAt: Double
    public var pruneBelow: Double

    /// A day's window, a week's half-life, promotion at 0.6, pruning below 0.2.
    public init(windowSeconds: Double = 86_400, halfLifeDays: Double = 7, promoteAt: Double = 0.6, pruneBelow: Double = 0.2) {
        self.windowSeconds = windowSeconds
        self.halfLifeDays = halfLifeDays
        self.promoteAt = promoteAt
        self.pruneBelow = pruneBelow
    }

    var json: JSONValue {
        .object([("window_seconds", .number("\(windowSeconds)")), ("half_life_days", .number("\(halfLifeDays)")),
                 ("promote_at", .number("\(promoteAt)")), ("prune_below", .number("\(pruneBelow)"))])
    }

    init(_ json: JSONValue) {
        self.init(windowSeconds: json.optionalDouble("window_seconds") ?? 86_400, halfLifeDays: json.optionalDouble("half_life_days") ?? 7,
                  promoteAt: json.optionalDouble("promote_at") ?? 0.6, pruneBelow: json.optionalDouble("prune_below") ?? 0.2)
    }
}

extension ContextDatabase {
    /// The `compact` job (daily compaction): scores the agent's chunks created in the window
    /// and their sessions, records PROMOTION / RETENTION / PRUNING in `meta_mem_candidates`,
    /// and promotes — a chunk into a `profile` entry, a session into an `episode` (its L0
    /// summary) — in `agent_memories`. The candidates and the promotions of one run share its
    /// `run_id` and are each written in one commit; `AgentMemory.rollbackCompaction(runID)`
    /// removes both. A rerun replaces what the run wrote. A promotion already in long-term
    /// memory from an earlier run is not repeated; one whose content changed (a session's
    /// summary grew) supersedes the earlier entry.
    ///
    /// A chunk's score is (0.3 · activity + 0.4 · importance + 0.3 · reusability) · decay:
    /// activity = min(1, (chunks + tool calls of its session) / 20); importance = its
    /// metadata's `importance` (0…1), else 0.5; reusability = min(1, relations naming the
    /// chunk, its entry or its session / 3); decay = 2^(−age in days / half-life).
    /// A session's score is the mean of its chunks'.
    func compactMemory(_ payload: JSONValue) async throws(StrataError) {
        let agent = try payload.requiredString("agent_id")
        let run = try payload.requiredString("run_id")
        let policy = CompactionPolicy(payload["policy"] ?? .null)
        let now = Int64(payload.optionalDouble("now") ?? Double(Timestamp.now()))
        let owner = "agent_id = \(SQLText.literal(agent))"
        let since = now - Int64(policy.windowSeconds * 1_000_000)
        let chunks = try await rows("""
            SELECT chunk_id, raw_id, session_id, content, metadata, created_at FROM \(Self.chunksTable)
             WHERE \(owner) AND created_at >= \(SQLText.timestamp(since)) AND created_at <= \(SQLText.timestamp(now)) AND \(SQLText.valid(at: now))
            """)
        var activity: [String: Int] = [:]
        for row in try await rows("SELECT session_id FROM \(Self.chunksTable) WHERE \(owner) AND session_id IS NOT NULL") {
            activity[row.string("session_id")!, default: 0] += 1
        }
        for row in try await rows("SELECT session_id FROM ctx_agent.agent_tool_calls WHERE \(owner) AND session_id IS NOT NULL") {
            activity[row.string("session_id")!, default: 0] += 1
        }
        var references: [String: Int] = [:]
        for row in try await rows("SELECT target_id FROM ctx_agent.agent_relations WHERE \(owner)") {
            references[row.string("target_id") ?? "", default: 0] += 1
        }
        // Long-term memory earlier runs made and still valid, by kind and source: a promotion
        // that would repeat one is skipped; one whose content changed supersedes it.
        var standing: [String: (id: String, content: String)] = [:]
        for row in try await rows("""
            SELECT memory_id, kind, sources, content FROM ctx_agent.agent_memories WHERE \(owner) AND run_id <> $1 AND valid_until IS NULL
            """, [.string(run)]) {
            standing[(row.string("kind") ?? "") + "\u{0}" + (row.string("sources") ?? "")] = (row.string("memory_id") ?? "", row.string("content") ?? "")
        }
        var superseded: [(old: String, new: String)] = []
        var candidates: [[String: Value]] = []
        var promoted: [[String: Value]] = []
        /// Adds a promotion unless long-term memory holds it already.
        func promote(_ id: String, kind: String, source: String, content: String, score: Double) {
            let sources = "[\(JSONText.quoted(source))]"
            if let earlier = standing[kind + "\u{0}" + sources] {
                if earlier.content == content { return }
                superseded.append((earlier.id, id))
            }
            promoted.append(["memory_id": .string(id), "agent_id": .string(agent), "kind": .string(kind), "content": .string(content),
                             "sources": .json(sources), "score": .float64(score), "run_id": .string(run), "created_at": .timestamp(now),
                             "valid_from": .timestamp(now)])
        }
        var sessionScores: [String: [Double]] = [:]
        func level(_ score: Double) -> String {
            score >= policy.promoteAt ? "PROMOTION" : score < policy.pruneBelow ? "PRUNING" : "RETENTION"
        }
        for row in chunks.sorted(by: { ($0.string("chunk_id") ?? "") < ($1.string("chunk_id") ?? "") }) {
            guard let chunk = row.string("chunk_id") else { continue }
            let session = row.string("session_id")
            let act = min(1, Double(session.map { activity[$0] ?? 0 } ?? 0) / 20)
            let importance = row.string("metadata").flatMap { try? JSONParser.parse($0) }?.optionalDouble("importance").map { min(1, max(0, $0)) } ?? 0.5
            let refs = [chunk, row.string("raw_id"), session].compactMap { $0 }.reduce(0) { $0 + (references[$1] ?? 0) }
            let reuse = min(1, Double(refs) / 3)
            let ageDays = Double(now - (row.int("created_at") ?? now)) / 86_400_000_000
            let score = (0.3 * act + 0.4 * importance + 0.3 * reuse) * Foundation.pow(2, -ageDays / policy.halfLifeDays)
            if let session { sessionScores[session, default: []].append(score) }
            candidates.append(["session_id": session.map(Value.string) ?? .null, "chunk_id": .string(chunk), "score": .float64(score),
                               "candidate_level": .string(level(score)), "agent_id": .string(agent), "run_id": .string(run), "created_at": .timestamp(now)])
            if score >= policy.promoteAt {
                promote("\(run)/\(chunk)", kind: "profile", source: chunk, content: row.string("content") ?? "", score: score)
            }
        }
        for (session, scores) in sessionScores.sorted(by: { $0.key < $1.key }) {
            let score = scores.reduce(0, +) / Double(scores.count)
            candidates.append(["session_id": .string(session), "chunk_id": .string(""), "score": .float64(score), "candidate_level": .string(level(score)),
                               "agent_id": .string(agent), "run_id": .string(run), "created_at": .timestamp(now)])
            if score >= policy.promoteAt {
                let summary = try await rows("SELECT summary FROM ctx_agent.agent_l0_summaries WHERE \(owner) AND target_id = $1", [.string(session)]).first?.string("summary")
                promote("\(run)/\(session)", kind: "episode", source: session, content: summary ?? "", score: score)
            }
        }
        try await replace("ctx_meta.meta_mem_candidates", column: "run_id", ids: [run], with: candidates)
        try await replace("ctx_agent.agent_memories", column: "run_id", ids: [run], with: promoted)
        for (old, new) in superseded {
            try await write("ctx_agent.agent_memories", """
                UPDATE ctx_agent.agent_memories SET valid_until = \(SQLText.timestamp(now)), superseded_by = $1 WHERE memory_id = $2 AND \(owner)
                """, [.string(new), .string(old)])
        }
    }
}
