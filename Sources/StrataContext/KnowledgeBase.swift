import Foundation
import StrataCore
import StrataQuery

/// A document to import into a knowledge base.
public struct KnowledgeDocument: Sendable {
    /// Its text: plain text, Markdown, or HTML (stripped to text when chunked).
    public var content: String
    /// `text/plain`, `text/markdown`, `text/html`, …
    public var contentType: String
    /// Where it came from.
    public var sourceURI: String?
    /// A JSON object carried to every chunk.
    public var metadata: String?

    /// A document; see each property.
    public init(content: String, contentType: String = "text/plain", sourceURI: String? = nil, metadata: String? = nil) {
        self.content = content
        self.contentType = contentType
        self.sourceURI = sourceURI
        self.metadata = metadata
    }
}

/// A knowledge base: documents shared by every agent, in `ctx_kb` (spec/context.md §12).
/// Agents search it together with their memory (`SearchRequest.knowledgeBases`).
public struct KnowledgeBase: Sendable {
    /// The database.
    public let context: ContextDatabase
    /// The knowledge base's name (`kb_id`).
    public let name: String

    /// Imports documents: written and durable when this returns (`kb_l2_raw_documents`);
    /// their chunks, embeddings and summaries follow as a job. Returns the documents' ids
    /// and the job's id.
    /// - Throws: `.invalidInput` for an empty document or metadata that is not a JSON object.
    public func importDocuments(_ documents: [KnowledgeDocument]) async throws(StrataError) -> (docIDs: [String], jobID: String?) {
        guard !documents.isEmpty else { return ([], nil) }
        let now = Timestamp.now()
        var rows: [[String: Value]] = []
        for (n, document) in documents.enumerated() {
            guard !document.content.trimmingWhitespace().isEmpty else { throw .invalidInput(what: "document \(n + 1)", why: "is empty") }
            if let metadata = document.metadata, case .object? = try? JSONParser.parse(metadata) {} else if document.metadata != nil {
                throw .invalidInput(what: "document \(n + 1): metadata", why: "must be a JSON object")
            }
            rows.append(["doc_id": .string(ContextDatabase.newID("doc")), "source_uri": document.sourceURI.map(Value.string) ?? .null,
                         "content": .string(document.content), "metadata": document.metadata.map(Value.json) ?? .null,
                         "imported_at": .timestamp(now), "kb_id": .string(name), "content_type": .string(document.contentType)])
        }
        try await context.insert(ContextDatabase.documentsTable, rows)
        let ids = rows.compactMap { row -> String? in if case let .string(id)? = row["doc_id"] { return id } else { return nil } }
        let job = try await context.enqueue(type: JobKind.kbIngest.rawValue,
                                            payload: .object([("kb_id", .string(name)), ("doc_ids", .array(ids.map(JSONValue.string)))]), agentID: nil)
        return (ids, job)
    }

    /// Imports one file, its type from its extension (`.md`, `.html`, else plain text).
    public func importFile(_ path: String, metadata: String? = nil) async throws(StrataError) -> (docIDs: [String], jobID: String?) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .notFound(path: path) }
        return try await importDocuments([KnowledgeDocument(content: String(decoding: data, as: UTF8.self),
                                                            contentType: DocumentText.contentType(forPath: path), sourceURI: path, metadata: metadata)])
    }

    /// Searches this knowledge base alone.
    public func search(_ request: SearchRequest) async throws(StrataError) -> SearchResult {
        let searcher = try await ContextSearcher(context: context, corpora: [.knowledgeBase(name)], request: request)
        return try await searcher.run(request.mode)
    }
}

extension ContextDatabase {
    static let documentsTable = "ctx_kb.kb_l2_raw_documents"

    /// The knowledge base `name`.
    /// - Throws: `.invalidInput` for an empty name.
    public func knowledgeBase(_ name: String) throws(StrataError) -> KnowledgeBase {
        guard !name.isEmpty else { throw .invalidInput(what: "knowledge base name", why: "must not be empty") }
        return KnowledgeBase(context: self, name: name)
    }

    /// Checks that knowledge base `name` holds documents (a knowledge base exists through
    /// them), so a misspelt name is an error rather than a search that quietly finds nothing.
    /// - Throws: `.invalidQuery` naming the closest existing knowledge base when one is likely meant.
    func checkKnowledgeBase(_ name: String) async throws(StrataError) {
        let found = try await rows("SELECT doc_id FROM \(Self.documentsTable) WHERE kb_id = $1 LIMIT 1", [.string(name)])
        guard found.isEmpty else { return }
        let all = try await rows("SELECT kb_id, count(*) AS documents FROM \(Self.documentsTable) GROUP BY kb_id").compactMap { $0.string("kb_id") }
        throw .invalidQuery(message: "unknown knowledge base '\(name)' (one exists once documents are imported into it)\(Suggestions.hint(for: name, among: all))", offset: nil)
    }

    /// The `kb_ingest` job: chunks and embeds documents into `kb_l1_chunks` and
    /// `kb_l1_embeddings` (replacing an earlier run's rows) and queues their summaries.
    func ingestDocuments(_ payloads: [JSONValue]) async throws(StrataError) {
        var ids: [String] = []
        for payload in payloads { ids += payload.array("doc_ids").compactMap { if case let .string(id) = $0 { return id } else { return nil } } }
        var chunkRows: [[String: Value]] = []
        var toEmbed: [(text: String, row: [String: Value])] = []
        var summaries: [(id: String, type: String, payload: JSONValue, agentID: String?)] = []
        for part in Self.parts(ids) {
            for row in try await rows("SELECT doc_id, kb_id, content, content_type, metadata FROM \(Self.documentsTable) WHERE doc_id IN \(SQLText.list(part))") {
                guard let doc = row.string("doc_id"), let kb = row.string("kb_id"), let content = row.string("content") else { continue }
                let text = DocumentText.plainText(content, contentType: row.string("content_type") ?? "text/plain")
                for (n, chunk) in Chunker.chunks(text, options: configuration.chunking).enumerated() {
                    let id = "\(doc)#\(n)"
                    chunkRows.append(["chunk_id": .string(id), "doc_id": .string(doc), "content": .string(chunk.text), "metadata": row["metadata"], "kb_id": .string(kb)])
                    toEmbed.append((chunk.text, ["chunk_id": .string(id), "doc_id": .string(doc), "kb_id": .string(kb)]))
                }
                summaries.append(("kb_summarize/\(kb)/\(doc)", JobKind.kbSummarize.rawValue, .object([("kb_id", .string(kb)), ("doc_id", .string(doc))]), nil))
            }
        }
        let embeddingRows = try await embedded(toEmbed)
        try await replace("ctx_kb.kb_l1_chunks", column: "doc_id", ids: ids, with: chunkRows)
        try await replace("ctx_kb.kb_l1_embeddings", column: "doc_id", ids: ids, with: embeddingRows)
        try await enqueueOnce(summaries)
    }

    /// The `kb_summarize` job: documents' L0 summaries and per-model mean vectors (due
    /// jobs of this kind run together).
    func summarizeDocuments(_ payloads: [JSONValue]) async throws(StrataError) {
        var documents: [String] = []
        var summaries: [[String: Value]] = []
        var vectors: [[String: Value]] = []
        let now = Timestamp.now()
        for payload in payloads {
            let kb = try payload.requiredString("kb_id")
            let doc = try payload.requiredString("doc_id")
            let scope = "kb_id = \(SQLText.literal(kb)) AND doc_id = \(SQLText.literal(doc))"
            let chunks = try await rows("SELECT chunk_id, content FROM ctx_kb.kb_l1_chunks WHERE \(scope)")
                .sorted { Self.chunkNumber($0.string("chunk_id")) < Self.chunkNumber($1.string("chunk_id")) }.compactMap { $0.string("content") }
            documents.append(doc)
            guard !chunks.isEmpty else { continue }
            summaries.append(["doc_id": .string(doc), "kb_id": .string(kb), "updated_at": .timestamp(now),
                              "summary": .string(try await configuration.summarizer.summarize(chunks, maxCharacters: Self.summaryCharacters))])
            for (model, vector) in Self.centroids(try await rows("SELECT model_name, vector FROM ctx_kb.kb_l1_embeddings WHERE \(scope)")) {
                vectors.append(["doc_id": .string(doc), "kb_id": .string(kb), "model_name": .string(model), "vector": .vector(vector)])
            }
        }
        try await replace("ctx_kb.kb_l0_summaries", column: "doc_id", ids: documents, with: summaries)
        try await replace("ctx_kb.kb_l0_embeddings", column: "doc_id", ids: documents, with: vectors)
    }

    /// The entry of chunk id `entry#n` (spec/context.md §3.2).
    static func entryID(ofChunk id: String) -> String {
        guard let hash = id.lastIndex(of: "#") else { return id }
        return String(id[..<hash])
    }

    /// The n of a chunk id `entry#n` (chunks of one entry in order).
    static func chunkNumber(_ id: String?) -> Int {
        guard let id, let hash = id.lastIndex(of: "#") else { return 0 }
        return Int(id[id.index(after: hash)...]) ?? 0
    }
}
