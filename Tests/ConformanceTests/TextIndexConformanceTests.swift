import Foundation
import Strata
import Testing

/// Holds the text index reader and writer to spec/conformance/text-index/: the file reads,
/// this build writes it byte for byte, every query gives the recorded ids and scores, and a
/// damaged copy is refused.
@Suite struct TextIndexConformanceTests {
    static let directory = ConformanceTests.directory + "/text-index"

    @Test func smallIndexReadsAndAnswersAsRecorded() throws {
        let bytes = Array(try #require(FileManager.default.contents(atPath: Self.directory + "/small.sttx")))
        let expected = try JSONParser.parse(Array(try #require(FileManager.default.contents(atPath: Self.directory + "/small.json"))))
        guard case let .array(queries)? = expected["queries"], !queries.isEmpty else {
            Issue.record("small.json lacks queries")
            return
        }
        let index = try InvertedIndex(decoding: bytes, path: "small.sttx")
        #expect(index.encoded() == bytes)
        for query in queries {
            guard case let .string(text)? = query["text"], case let .string(match)? = query["match"],
                  case let .array(ids)? = query["ids"], case let .array(scores)? = query["scores"] else {
                Issue.record("malformed query \(query)")
                continue
            }
            let hits = match == "phrase" ? try index.searchPhrase(text, k: 10) : try index.search(text, k: 10, match: match == "all" ? .all : .any)
            #expect(hits.map { JSONValue.number("\($0.id)") } == ids, "\(text)")
            #expect(hits.map { JSONValue.number("\($0.score)") } == scores, "\(text)")
        }
        var damaged = bytes
        damaged[damaged.count / 2] ^= 0x01
        let outcome: Result<InvertedIndex, StrataError> = {
            do throws(StrataError) { return .success(try InvertedIndex(decoding: damaged, path: "damaged.sttx")) } catch { return .failure(error) }
        }()
        guard case let .failure(error) = outcome else {
            Issue.record("a damaged text index file was read")
            return
        }
        #expect(ConformanceTests.errorClass(error) == "checksum mismatch")
    }
}
