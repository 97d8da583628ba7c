import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StrataContext
import StrataCore

/// Where and how to reach an OpenAI-compatible HTTP API — OpenAI, Ollama (`/v1`), vLLM,
/// llama.cpp server, or any hosted endpoint speaking `POST /embeddings` and
/// `POST /chat/completions` (spec/context.md §4.2).
public struct OpenAICompatibleConfiguration: Sendable, Hashable {
    /// The API's base URL, up to and including `/v1` (`http://localhost:11434/v1`).
    public var baseURL: String
    /// Sent as `Authorization: Bearer …` when set.
    public var apiKey: String?
    /// The embedding model (`nomic-embed-text`, `text-embedding-3-small`, …).
    public var embeddingModel: String?
    /// Elements of its vectors.
    public var embeddingDimension: Int?
    /// The chat model that writes summaries.
    public var chatModel: String?
    /// Seconds a request may take.
    public var timeout: Double
    /// Attempts per request (timeouts, 429 and 5xx are retried, with exponential backoff).
    public var maxAttempts: Int
    /// Texts per embeddings request.
    public var batchSize: Int

    /// A configuration; see each property.
    public init(baseURL: String, apiKey: String? = nil, embeddingModel: String? = nil, embeddingDimension: Int? = nil, chatModel: String? = nil,
                timeout: Double = 30, maxAttempts: Int = 3, batchSize: Int = 64) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.embeddingModel = embeddingModel
        self.embeddingDimension = embeddingDimension
        self.chatModel = chatModel
        self.timeout = timeout
        self.maxAttempts = max(1, maxAttempts)
        self.batchSize = max(1, batchSize)
    }

    /// From the environment: `STRATA_OPENAI_BASE_URL` (or `OPENAI_BASE_URL`),
    /// `STRATA_OPENAI_API_KEY` (or `OPENAI_API_KEY`), `STRATA_EMBEDDING_MODEL`,
    /// `STRATA_EMBEDDING_DIMENSION`, `STRATA_CHAT_MODEL`, `STRATA_HTTP_TIMEOUT` (seconds);
    /// nil when no base URL is set.
    /// - Throws: `.invalidInput` for a number that does not parse.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(StrataError) -> OpenAICompatibleConfiguration? {
        guard let base = environment["STRATA_OPENAI_BASE_URL"] ?? environment["OPENAI_BASE_URL"], !base.isEmpty else { return nil }
        func number(_ key: String) throws(StrataError) -> Double? {
            guard let text = environment[key] else { return nil }
            guard let value = Double(text), value > 0 else { throw .invalidInput(what: "\(key)=\(text)", why: "expected a positive number") }
            return value
        }
        return OpenAICompatibleConfiguration(baseURL: base, apiKey: environment["STRATA_OPENAI_API_KEY"] ?? environment["OPENAI_API_KEY"],
                                             embeddingModel: environment["STRATA_EMBEDDING_MODEL"],
                                             embeddingDimension: try number("STRATA_EMBEDDING_DIMENSION").map { Int($0) },
                                             chatModel: environment["STRATA_CHAT_MODEL"], timeout: try number("STRATA_HTTP_TIMEOUT") ?? 30)
    }
}

/// Embeddings from an OpenAI-compatible endpoint, `batchSize` texts per request, in order.
public struct OpenAICompatibleEmbedder: Embedder {
    public let configuration: OpenAICompatibleConfiguration
    public let modelName: String
    public let dimension: Int

    /// An embedder of `configuration.embeddingModel`, whose vectors have
    /// `configuration.embeddingDimension` elements.
    /// - Throws: `.invalidInput` when either is missing.
    public init(_ configuration: OpenAICompatibleConfiguration) throws(StrataError) {
        guard let model = configuration.embeddingModel, !model.isEmpty else { throw .invalidInput(what: "embedding model", why: "is not set") }
        guard let dimension = configuration.embeddingDimension, dimension > 0 else {
            throw .invalidInput(what: "embedding dimension of \(model)", why: "is not set")
        }
        self.configuration = configuration
        modelName = model
        self.dimension = dimension
    }

    public func embed(_ texts: [String]) async throws(StrataError) -> [[Float]] {
        var vectors: [[Float]] = []
        for start in stride(from: 0, to: texts.count, by: configuration.batchSize) {
            let part = Array(texts[start..<min(texts.count, start + configuration.batchSize)])
            let body = "{\"model\":\(JSONText.quoted(modelName)),\"input\":[\(part.map(JSONText.quoted).joined(separator: ","))]}"
            let response = try await HTTPClient(configuration).post("/embeddings", body: body)
            guard case let .array(data)? = response["data"], data.count == part.count else {
                throw .invalidInput(what: "embeddings response", why: "expected \(part.count) items in \"data\"")
            }
            var ordered = [[Float]?](repeating: nil, count: part.count)
            for (position, item) in data.enumerated() {
                let index = item.optionalIndex ?? position
                guard ordered.indices.contains(index), case let .array(numbers)? = item["embedding"] else {
                    throw .invalidInput(what: "embeddings response", why: "item \(position) has no embedding")
                }
                let vector = numbers.compactMap { if case let .number(text) = $0 { return Float(text) } else { return nil } }
                guard vector.count == dimension else {
                    throw .invalidInput(what: "embedding of model \(modelName)", why: "has \(vector.count) elements, expected \(dimension)")
                }
                ordered[index] = vector
            }
            vectors += ordered.compactMap { $0 }
        }
        return vectors
    }
}

/// L0 summaries written by a chat model of an OpenAI-compatible endpoint.
public struct OpenAICompatibleSummarizer: Summarizer {
    public let configuration: OpenAICompatibleConfiguration
    /// The longest input sent, in characters (the chunks' text is cut there).
    public var maxInputCharacters: Int

    /// A summariser using `configuration.chatModel`.
    /// - Throws: `.invalidInput` when it is not set.
    public init(_ configuration: OpenAICompatibleConfiguration, maxInputCharacters: Int = 24_000) throws(StrataError) {
        guard configuration.chatModel?.isEmpty == false else { throw .invalidInput(what: "chat model", why: "is not set") }
        self.configuration = configuration
        self.maxInputCharacters = maxInputCharacters
    }

    public func summarize(_ texts: [String], maxCharacters: Int) async throws(StrataError) -> String {
        let input = String(texts.joined(separator: "\n\n").prefix(maxInputCharacters))
        let instruction = "Summarize the following notes in at most \(maxCharacters) characters. Keep names, numbers and decisions. Answer with the summary only."
        let body = """
            {"model":\(JSONText.quoted(configuration.chatModel!)),"temperature":0,"messages":[{"role":"system","content":\(JSONText.quoted(instruction))},\
            {"role":"user","content":\(JSONText.quoted(input))}]}
            """
        let response = try await HTTPClient(configuration).post("/chat/completions", body: body)
        guard case let .array(choices)? = response["choices"], case let .string(text)? = choices.first?["message"]?["content"] else {
            throw .invalidInput(what: "chat completion response", why: "has no choices[0].message.content")
        }
        return String(text.trimmingWhitespace().prefix(maxCharacters))
    }
}

/// POSTs JSON with the configured timeout, authorisation and retries.
struct HTTPClient {
    let configuration: OpenAICompatibleConfiguration

    init(_ configuration: OpenAICompatibleConfiguration) {
        self.configuration = configuration
    }

    func post(_ path: String, body: String) async throws(StrataError) -> JSONValue {
        let address = configuration.baseURL + path
        guard let url = URL(string: address) else { throw .invalidInput(what: "URL \(address)", why: "does not parse") }
        var request = URLRequest(url: url, timeoutInterval: configuration.timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = configuration.apiKey { request.setValue("Bearer " + key, forHTTPHeaderField: "Authorization") }
        var lastError = StrataError.io(path: address, operation: "POST", code: 0, message: "no attempt made")
        for attempt in 1...configuration.maxAttempts {
            if attempt > 1 { try? await Task.sleep(nanoseconds: UInt64(200_000_000) << min(attempt - 2, 5)) }
            let data: Data, response: URLResponse
            do {
                (data, response) = try await URLSession.shared.data(for: request)
            } catch {
                lastError = .io(path: address, operation: "POST", code: 0, message: "\(error.localizedDescription)")
                continue
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard (200..<300).contains(status) else {
                lastError = .io(path: address, operation: "POST", code: Int32(status), message: String(decoding: data.prefix(300), as: UTF8.self))
                if status == 429 || status >= 500 { continue }
                throw lastError
            }
            do { return try JSONParser.parse([UInt8](data)) } catch {
                throw .invalidInput(what: "response of \(address)", why: error.description)
            }
        }
        throw lastError
    }
}

extension JSONValue {
    /// The "index" member as an integer, if there is one.
    fileprivate var optionalIndex: Int? {
        if case let .number(text)? = self["index"] { return Int(text) }
        return nil
    }
}

/// The models the environment configures, for tools: an OpenAI-compatible embedder when
/// `STRATA_EMBEDDING_MODEL` is set with a base URL, a summariser when `STRATA_CHAT_MODEL` is.
public enum EnvironmentModels {
    /// The environment's embedder, or nil (the database's default, the hashing embedder).
    /// - Throws: `.invalidInput` when its dimension differs from `dimension`.
    public static func embedder(dimension: Int) throws(StrataError) -> (any Embedder)? {
        guard var configuration = try OpenAICompatibleConfiguration.fromEnvironment(), configuration.embeddingModel != nil else { return nil }
        configuration.embeddingDimension = configuration.embeddingDimension ?? dimension
        return try OpenAICompatibleEmbedder(configuration)
    }

    /// The environment's summariser, or nil.
    public static func summarizer() throws(StrataError) -> (any Summarizer)? {
        guard let configuration = try OpenAICompatibleConfiguration.fromEnvironment(), configuration.chatModel != nil else { return nil }
        return try OpenAICompatibleSummarizer(configuration)
    }
}
