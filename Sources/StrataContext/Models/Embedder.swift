import Foundation
import StrataCore
import StrataIndex

/// Turns text into vectors for L1 embeddings and queries (spec/context.md §4). Every vector
/// records the `modelName` that made it; vectors of different models are never compared.
public protocol Embedder: Sendable {
    /// The model's name, stored with every vector it makes.
    var modelName: String { get }
    /// Elements per vector.
    var dimension: Int { get }
    /// One vector per text, in order.
    func embed(_ texts: [String]) async throws(StrataError) -> [[Float]]
}

/// The built-in embedder: no network, no model download, deterministic. Feature hashing of
/// the text's analysed words (lower-cased, stop words dropped, Snowball-stemmed) and of
/// adjacent word pairs into `dimension` signed buckets, log-scaled counts, L2-normalised.
///
/// Its quality is lexical, not semantic: texts sharing words (or their stems) come out
/// close, paraphrases with other words do not. It makes the layer work end to end with
/// nothing installed; for real semantic search plug in a model (an OpenAI-compatible
/// endpoint, or precomputed embeddings).
public struct HashingEmbedder: Embedder {
    public let dimension: Int
    public var modelName: String { "strata-hashing-v1-\(dimension)" }
    private let analyzer: TextAnalyzer

    /// An embedder of `dimension` elements (at least 1; below about 64 texts collide often).
    public init(dimension: Int = 384) throws(StrataError) {
        guard dimension >= 1 else { throw .invalidInput(what: "dimension \(dimension)", why: "must be at least 1") }
        self.dimension = dimension
        analyzer = try TextAnalyzer()
    }

    public func embed(_ texts: [String]) async throws(StrataError) -> [[Float]] {
        texts.map(vector)
    }

    /// The vector of one text (all zeros for a text without words).
    public func vector(_ text: String) -> [Float] {
        var counts = [Float](repeating: 0, count: dimension)
        let terms = analyzer.analyze(text).map(\.term)
        func add(_ feature: String, weight: Float) {
            let h = Self.fnv1a(feature)
            counts[Int(h % UInt64(dimension))] += (h >> 63) == 0 ? weight : -weight
        }
        for term in terms { add(term, weight: 1) }
        for (a, b) in zip(terms, terms.dropFirst()) { add(a + " " + b, weight: 0.5) }
        var vector = counts.map { $0 == 0 ? 0 : ($0 > 0 ? 1 : -1) * (1 + logf(abs($0))) }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { vector = vector.map { $0 / norm } }
        return vector
    }

    /// 64-bit FNV-1a of the UTF-8 bytes: stable across runs and platforms.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
