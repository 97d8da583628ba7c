import Strata
import Testing
import TestSupport

@Suite struct ChunkerTests {
    static let text = """
        Pricing was discussed on Monday. We agreed to keep usage-based pricing! The cap is 40k tokens per seat? \
        Dana will send the numbers.

        A new paragraph starts here without a full stop
        and a last sentence ends the text.
        """

    @Test func sentencesPackIntoChunksWithOverlap() throws {
        let chunks = Chunker.chunks(Self.text, options: try ChunkingOptions(maxCharacters: 100, overlapCharacters: 40))
        #expect(chunks.count >= 2)
        for chunk in chunks {
            #expect(chunk.range.count <= 100, "\(chunk.text)")
            // A chunk starts at a sentence start: capital letter first.
            #expect(chunk.text.first?.isUppercase == true, "\(chunk.text)")
        }
        // Consecutive chunks overlap by whole sentences, and together they cover the text.
        for (a, b) in zip(chunks, chunks.dropFirst()) {
            #expect(b.range.lowerBound <= a.range.upperBound && b.range.lowerBound > a.range.lowerBound)
        }
        #expect(zip(chunks, chunks.dropFirst()).contains { $1.range.lowerBound < $0.range.upperBound }, "some sentence is repeated")
        #expect(chunks.first?.range.lowerBound == 0 && chunks.last?.range.upperBound == Self.text.count)
        #expect(chunks.contains { $0.text.contains("Dana will send the numbers.") })
        #expect(Chunker.chunks(Self.text, options: try ChunkingOptions(maxCharacters: 100, overlapCharacters: 40)) == chunks, "deterministic")
    }

    /// Rule 4 of spec/context.md §3: every chunk after the first holds a sentence the one
    /// before did not, even when the overlap and the next sentence do not fit together.
    @Test func everyChunkAddsASentence() throws {
        let long = String(repeating: "y", count: 990)
        var rng = SystemRandomNumberGenerator()
        let texts = ["Alpha beta. Gamma delta. \(long)", "One. Two three. Four five six. \(long) \(long)"]
            + (0..<40).map { _ in (0..<30).map { _ in String(repeating: "w", count: Int.random(in: 1...400, using: &rng)) + "." }.joined(separator: " ") }
        for text in texts {
            for options in [ChunkingOptions.standard, try ChunkingOptions(maxCharacters: 300, overlapCharacters: 250)] {
                let chunks = Chunker.chunks(text, options: options)
                for (a, b) in zip(chunks, chunks.dropFirst()) {
                    #expect(b.range.upperBound > a.range.upperBound, "a chunk only repeats the one before: \(b.text.prefix(40))")
                }
                #expect(chunks.allSatisfy { $0.text.count <= options.maxCharacters })
            }
        }
    }

    @Test func noOverlapMeansDisjointChunksAndLongWordsAreCut() throws {
        let chunks = Chunker.chunks(Self.text, options: try ChunkingOptions(maxCharacters: 60, overlapCharacters: 0))
        for (a, b) in zip(chunks, chunks.dropFirst()) { #expect(b.range.lowerBound >= a.range.upperBound) }
        let word = String(repeating: "x", count: 250)
        let cut = Chunker.chunks("Short. \(word) end.", options: try ChunkingOptions(maxCharacters: 100, overlapCharacters: 10))
        #expect(cut.allSatisfy { $0.range.count <= 100 })
        #expect(cut.map(\.text).joined().filter { $0 == "x" }.count == 250, "nothing is lost")
        #expect(Chunker.chunks("").isEmpty && Chunker.chunks("   \n\n  ").isEmpty)
        #expect(throws: StrataError.self) { _ = try ChunkingOptions(maxCharacters: 0, overlapCharacters: 0) }
        #expect(throws: StrataError.self) { _ = try ChunkingOptions(maxCharacters: 10, overlapCharacters: 10) }
    }
}

@Suite struct HashingEmbedderTests {
    @Test func deterministicNormalisedAndLexicallyClose() async throws {
        let embedder = try HashingEmbedder(dimension: 128)
        #expect(embedder.modelName == "strata-hashing-v1-128")
        let texts = ["We agreed on usage-based pricing for the enterprise tier.",
                     "Enterprise pricing: usage based, agreed yesterday.",
                     "The outage came from an expired certificate.", ""]
        let vectors = try await embedder.embed(texts)
        #expect(vectors.count == 4 && vectors.allSatisfy { $0.count == 128 })
        for v in vectors.prefix(3) { #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4) }
        #expect(vectors[3].allSatisfy { $0 == 0 }, "no words, no direction")
        func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.2)
        #expect(try await embedder.embed([texts[0]]) == [vectors[0]], "deterministic")
        #expect(throws: StrataError.self) { _ = try HashingEmbedder(dimension: 0) }
    }
}
