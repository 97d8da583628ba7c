import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Strata
import StrataModels
import Testing
import TestSupport

/// The OpenAI-compatible adapters against a local stand-in server (Python's http.server):
/// batching, order by "index", retry of a 503, bearer key, summaries through chat
/// completions, a wrong dimension and an unreachable server as typed errors.
@Suite(.serialized) struct OpenAIAdapterTests {
    static let server = #"""
    import http.server, json, os, sys, threading
    threading.Timer(1800, os._exit, [0]).start()  # never outlives the test for long, whatever happens to it (a loaded CI machine runs it for minutes)
    state = {"embedding_calls": 0}
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args): pass
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.headers.get("Authorization") != "Bearer secret":
                return self.reply(401, {"error": "no key"})
            if self.path == "/v1/embeddings":
                state["embedding_calls"] += 1
                if state["embedding_calls"] == 1:
                    return self.reply(503, {"error": "warming up"})
                dim = 8 if body["model"] == "toy" else 5
                data = [{"index": i, "embedding": [float(len(t) % 7 + 1)] + [float(i + 1)] * (dim - 1)} for i, t in enumerate(body["input"])]
                return self.reply(200, {"data": list(reversed(data)), "model": body["model"]})
            if self.path == "/v1/chat/completions":
                text = body["messages"][1]["content"]
                return self.reply(200, {"choices": [{"message": {"role": "assistant", "content": "SUMMARY of %d chars" % len(text)}}]})
            self.reply(404, {})
        def reply(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#

    /// Runs the stand-in server; returns its base URL and the process.
    static func start() throws -> (String, Process) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", server]
        let output = Pipe()
        process.standardOutput = output
        // Nothing of the test runner's stays open in the server, so its end cannot hold the runner.
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line += byte
        }
        return ("http://127.0.0.1:\(String(decoding: line, as: UTF8.self))/v1", process)
    }

    /// Ends the server for certain (SIGKILL) and reaps it.
    static func stop(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    @Test func embeddingsAndSummariesThroughTheAdapter() async throws {
        let (base, process) = try Self.start()
        defer { Self.stop(process) }
        let configuration = OpenAICompatibleConfiguration(baseURL: base, apiKey: "secret", embeddingModel: "toy", embeddingDimension: 8,
                                                          chatModel: "chat", timeout: 5, batchSize: 2)
        let embedder = try OpenAICompatibleEmbedder(configuration)
        // Three texts in two requests (batch of 2); the first request gets a 503 and is retried.
        let vectors = try await embedder.embed(["a", "bb", "ccc"])
        #expect(vectors.map(\.count) == [8, 8, 8])
        #expect(vectors.map { $0[0] } == [2, 3, 4])
        #expect(vectors.map { $0[1] } == [1, 2, 1])

        // A context database using both adapters: chunks embedded by the server, summaries written by it.
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let context = try await ContextDatabase.open(directory: dir.path, configuration: ContextConfiguration(
            embeddingDimension: 8, embedder: embedder, summarizer: try OpenAICompatibleSummarizer(configuration)))
        _ = try await context.agent("a").add("Notes about the garden.", sessionID: "s")
        await context.waitForJobs()
        let models = try await context.database.execute("SELECT model_name FROM ctx_agent.agent_l1_embeddings").typedRows.compactMap { $0.string("model_name") }
        #expect(models == ["toy"])
        let summary = try await context.database.execute("SELECT summary FROM ctx_agent.agent_l0_summaries").typedRows.first?.string("summary")
        #expect(summary == "SUMMARY of 23 chars")
        try await context.close()

        // A model answering with another dimension, a missing key, an unreachable server: typed errors.
        var wrong = configuration
        wrong.embeddingModel = "five"
        await #expect(throws: StrataError.self) { _ = try await OpenAICompatibleEmbedder(wrong).embed(["x"]) }
        var keyless = configuration
        keyless.apiKey = nil
        await #expect(throws: StrataError.self) { _ = try await OpenAICompatibleEmbedder(keyless).embed(["x"]) }
        let closed = OpenAICompatibleConfiguration(baseURL: "http://127.0.0.1:9/v1", embeddingModel: "toy", embeddingDimension: 8, timeout: 1, maxAttempts: 1)
        await #expect(throws: StrataError.self) { _ = try await OpenAICompatibleEmbedder(closed).embed(["x"]) }
    }

    @Test func configurationFromTheEnvironment() throws {
        #expect(try OpenAICompatibleConfiguration.fromEnvironment([:]) == nil)
        let configured = try OpenAICompatibleConfiguration.fromEnvironment([
            "OPENAI_BASE_URL": "http://localhost:11434/v1/", "STRATA_EMBEDDING_MODEL": "nomic-embed-text", "STRATA_EMBEDDING_DIMENSION": "768",
            "STRATA_CHAT_MODEL": "llama3", "STRATA_HTTP_TIMEOUT": "12",
        ])
        #expect(configured?.baseURL == "http://localhost:11434/v1" && configured?.embeddingDimension == 768 && configured?.timeout == 12)
        #expect(configured?.chatModel == "llama3" && configured?.apiKey == nil)
        #expect(throws: StrataError.self) { _ = try OpenAICompatibleConfiguration.fromEnvironment(["OPENAI_BASE_URL": "http://x", "STRATA_HTTP_TIMEOUT": "soon"]) }
    }
}
