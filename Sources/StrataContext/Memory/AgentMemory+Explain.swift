import StrataCore

/// The relation graph around an entity (spec/context.md §6.5).
public struct RelationGraph: Sendable, Hashable {
    /// One entity reached.
    public struct Node: Sendable, Hashable {
        public var id: String
        /// `session`, `raw`, `chunk`, `tool_call`, or `entity` (known only from relations).
        public var type: String
        /// Steps from the root.
        public var depth: Int
    }

    /// One relation: `source` → `target`.
    public struct Edge: Sendable, Hashable {
        public var source: String
        public var target: String
        /// `supersedes`, a caller's type, or a structural one: `chunk_of` (chunk → its L2
        /// entry), `part_of` (L2 entry → its session), `called_in` (tool call → its session).
        public var relation: String
        /// The depth of the nearer end.
        public var depth: Int
    }

    public var root: Node
    /// Every node reached, by depth then id.
    public var nodes: [Node]
    /// Every edge followed, by depth, then source, target and type.
    public var edges: [Edge]
    /// Whether `maxNodes` cut the walk short.
    public var truncated: Bool
}

extension AgentMemory {
    /// The graph of relations around `entityID` (a session, L2 entry, chunk, tool call or any
    /// id used in `relate`), followed both ways from `agent_relations` and from the
    /// structural links (chunk → entry → session, call → session), breadth first to
    /// `maxDepth` steps; each entity is visited once, so cycles end. At most `maxNodes`
    /// entities are visited.
    /// - Throws: `.notFound` when this agent has no such entity; `.invalidInput` for a
    ///   depth outside 1…16.
    public func explain(_ entityID: String, entityType: String? = nil, maxDepth: Int = 3, maxNodes: Int = 1_000) async throws(StrataError) -> RelationGraph {
        guard (1...16).contains(maxDepth) else { throw .invalidInput(what: "depth \(maxDepth)", why: "must be 1…16") }
        var types: [String: String] = [:]
        var depthOf: [String: Int] = [entityID: 0]
        var edges: [String: RelationGraph.Edge] = [:]
        var frontier = [entityID]
        var truncated = false
        for depth in 0..<maxDepth where !frontier.isEmpty {
            let found = try await links(of: frontier)
            for (id, type) in found.types where types[id] == nil { types[id] = type }
            var next: [String] = []
            for link in found.links {
                let key = link.source + "\u{0}" + link.target + "\u{0}" + link.relation
                if edges[key] == nil { edges[key] = RelationGraph.Edge(source: link.source, target: link.target, relation: link.relation, depth: depth + 1) }
                for end in [link.source, link.target] where depthOf[end] == nil {
                    guard depthOf.count < maxNodes else {
                        truncated = true
                        continue
                    }
                    depthOf[end] = depth + 1
                    next.append(end)
                }
            }
            frontier = next.sorted()
        }
        guard edges.count > 0 || types[entityID] != nil else { throw .notFound(path: "entity \(entityID) of agent \(agentID)") }
        let kept = edges.values.filter { depthOf[$0.source] != nil && depthOf[$0.target] != nil }
        let nodes = depthOf.map { RelationGraph.Node(id: $0.key, type: types[$0.key] ?? "entity", depth: $0.value) }
            .sorted { ($0.depth, $0.id) < ($1.depth, $1.id) }
        var root = nodes.first { $0.id == entityID }!
        if let entityType { root.type = entityType }
        return RelationGraph(root: root, nodes: nodes.map { $0.id == entityID ? root : $0 },
                             edges: kept.sorted { ($0.depth, $0.source, $0.target, $0.relation) < ($1.depth, $1.source, $1.target, $1.relation) },
                             truncated: truncated)
    }

    /// The relations touching `ids`, and the types of the entities seen.
    private func links(of ids: [String]) async throws(StrataError) -> (links: [(source: String, target: String, relation: String)], types: [String: String]) {
        let list = SQLText.list(ids)
        var links: [(String, String, String)] = []
        var types: [String: String] = [:]
        for row in try await context.rows("""
            SELECT source_id, target_id, relation_type FROM ctx_agent.agent_relations WHERE \(scope) AND (source_id IN \(list) OR target_id IN \(list))
            """) {
            links.append((row.string("source_id") ?? "", row.string("target_id") ?? "", row.string("relation_type") ?? ""))
        }
        for table in ["ctx_agent.agent_l1_chunks", "ctx_archive.archive_l1_chunks"] {
            for row in try await context.rows("SELECT chunk_id, raw_id FROM \(table) WHERE \(scope) AND (chunk_id IN \(list) OR raw_id IN \(list))") {
                guard let chunk = row.string("chunk_id"), let raw = row.string("raw_id") else { continue }
                links.append((chunk, raw, "chunk_of"))
                types[chunk] = "chunk"
                types[raw] = "raw"
            }
        }
        for table in ["ctx_agent.agent_l2_raw", "ctx_archive.archive_l2_raw"] {
            for row in try await context.rows("SELECT raw_id, session_id FROM \(table) WHERE \(scope) AND (raw_id IN \(list) OR session_id IN \(list))") {
                guard let raw = row.string("raw_id") else { continue }
                types[raw] = "raw"
                if let session = row.string("session_id") {
                    links.append((raw, session, "part_of"))
                    types[session] = "session"
                }
            }
        }
        for table in ["ctx_agent.agent_tool_calls", "ctx_archive.archive_tool_calls"] {
            for row in try await context.rows("SELECT call_id, session_id FROM \(table) WHERE \(scope) AND (call_id IN \(list) OR session_id IN \(list))") {
                guard let call = row.string("call_id") else { continue }
                types[call] = "tool_call"
                if let session = row.string("session_id") {
                    links.append((call, session, "called_in"))
                    types[session] = "session"
                }
            }
        }
        for row in try await context.rows("SELECT session_id FROM ctx_agent.agent_sessions WHERE \(scope) AND session_id IN \(list)") {
            if let session = row.string("session_id") { types[session] = "session" }
        }
        return (links, types)
    }
}

extension ContextDatabase {
    /// The agents whose rows name `entityID` (as a session, L2 entry, chunk, tool call or
    /// relation end, live or archived), sorted. For tools that take an entity without an
    /// agent; an agent's own operations never need it.
    public func owners(of entityID: String) async throws(StrataError) -> [String] {
        let lookups = [
            ("ctx_agent.agent_sessions", "session_id"), ("ctx_agent.agent_l2_raw", "raw_id"), ("ctx_agent.agent_l1_chunks", "chunk_id"),
            ("ctx_agent.agent_tool_calls", "call_id"), ("ctx_agent.agent_relations", "source_id"), ("ctx_agent.agent_relations", "target_id"),
            ("ctx_archive.archive_l2_raw", "raw_id"), ("ctx_archive.archive_l1_chunks", "chunk_id"), ("ctx_archive.archive_tool_calls", "call_id"),
        ]
        var agents = Set<String>()
        for (table, column) in lookups {
            for row in try await rows("SELECT agent_id FROM \(table) WHERE \(column) = $1", [.string(entityID)]) {
                if let agent = row.string("agent_id") { agents.insert(agent) }
            }
        }
        return agents.sorted()
    }
}
