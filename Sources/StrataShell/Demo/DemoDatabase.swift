import Foundation
import Strata

/// The demo database the shell opens when given none: made on first use in the user's data
/// directory from `DemoContent` — an agent's conversations (the context families, chunked,
/// embedded and summarised by their jobs), the handbook as knowledge base `handbook`, and
/// the handbook again as the plain table `docs` with full-text, vector and B-tree indexes —
/// so that SELECT, full-text, vector, hybrid and context searches all answer at once.
/// Embeddings come from the built-in hashing embedder: no network, no model download.
public enum DemoDatabase {
    /// `$STRATA_DEMO_DIR`, else `$XDG_DATA_HOME/strata/demo`, else `~/.local/share/strata/demo`.
    public static var defaultPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let given = environment["STRATA_DEMO_DIR"], !given.isEmpty { return given }
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/share")
        return data + "/strata/demo"
    }

    /// Whether the demo database exists at `path`.
    public static func exists(at path: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "/strata-database.json")
    }

    /// Makes the demo database at `path` unless one is there; returns whether it made it.
    /// It is built in a sibling directory and renamed into place, so an interrupted first
    /// run leaves no half-made demo behind.
    public static func prepare(at path: String) async throws(StrataError) -> Bool {
        let files = FileManager.default
        if exists(at: path) { return false }
        removeAbandonedStaging(of: path)
        let staging = path + ".creating-\(ProcessInfo.processInfo.processIdentifier)"
        try? files.removeItem(atPath: staging)
        do {
            try files.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw .io(path: path, operation: "create the demo's directory", code: 0, message: "\(error)")
        }
        do {
            try await fill(staging)
        } catch {
            try? files.removeItem(atPath: staging)
            throw error
        }
        // Another first run may have finished meanwhile: its demo stays and this one goes.
        // Anything else at `path` (no database marker) is in the way and is removed.
        if !exists(at: path) && files.fileExists(atPath: path) { try? files.removeItem(atPath: path) }
        guard rename(staging, path) == 0 else {
            let code = errno
            try? files.removeItem(atPath: staging)
            if exists(at: path) { return false }
            throw .io(path: path, operation: "move the demo into place", code: code, message: String(cString: strerror(code)))
        }
        return true
    }

    /// Removes the staging directories of earlier first runs that were killed while making
    /// the demo (`DEMO.creating-PID` whose process is gone).
    private static func removeAbandonedStaging(of path: String) {
        let parent = (path as NSString).deletingLastPathComponent, prefix = (path as NSString).lastPathComponent + ".creating-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: parent + "/" + name)
        }
    }

    private static func fill(_ directory: String) async throws(StrataError) {
        let database = try await Database.open(directory: directory)
        let context = try await ContextDatabase.open(database: database, configuration: ContextConfiguration(embeddingDimension: 384, runsJobs: true))
        let agent = try context.agent(DemoContent.agent)
        let start = try Timestamp.parse("2026-11-02T09:00:00Z")
        var entries: [MemoryEntry] = []
        for (i, message) in DemoContent.messages.enumerated() {
            let day = Int64(DemoContent.sessionOrder.firstIndex(of: message.session) ?? 0) * Timestamp.microsPerHour * 24
            entries.append(MemoryEntry(text: message.text, sessionID: message.session, metadata: "{\"role\": \"\(message.role)\"}",
                                       createdAt: start + day + Int64(i) * 60_000_000))
        }
        _ = try await agent.add(entries)
        _ = try await context.knowledgeBase("handbook").importDocuments(DemoContent.handbook.map {
            KnowledgeDocument(content: $0.text, contentType: "text/markdown", sourceURI: "handbook/" + $0.title.lowercased().replacingAll(" ", with: "-") + ".md")
        })
        await context.waitForJobs()

        try await database.execute("""
            CREATE TABLE docs (id int64 NOT NULL, title string, body string, embedding vector(float32,384), updated_at timestamp)
            """)
        let bodies = DemoContent.handbook.map(\.text)
        let vectors = try await context.embedder.embed(bodies)
        let rows: [[Value]] = DemoContent.handbook.indices.map { i in
            [.int(Int64(i + 1)), .string(DemoContent.handbook[i].title), .string(bodies[i]), .vector(vectors[i]),
             .timestamp(start + Int64(i) * Timestamp.microsPerHour * 24 * 3)]
        }
        try await database.insert(rows: rows, columns: ["id", "title", "body", "embedding", "updated_at"], into: "docs")
        try await database.execute("CREATE INDEX docs_body ON docs (body) USING FTS WITH (stemmer = 'english')")
        try await database.execute("CREATE INDEX docs_embedding ON docs (embedding) USING HNSW WITH (metric = 'cosine')")
        try await database.execute("CREATE INDEX docs_updated ON docs (updated_at) USING BTREE")
        try await context.close()
    }
}

extension DemoContent {
    /// The sessions in the order their days follow each other.
    static var sessionOrder: [String] {
        var seen: [String] = []
        for message in messages where !seen.contains(message.session) { seen.append(message.session) }
        return seen
    }
}

extension Timestamp {
    /// Microseconds in an hour.
    static let microsPerHour: Int64 = 3_600_000_000
}
