import Foundation
import Strata
import Testing

/// Holds the scalar index reader and writer to spec/conformance/scalar-index/: both files
/// read, this build writes them byte for byte, every query gives the recorded rows, and a
/// damaged copy is refused.
@Suite struct ScalarIndexConformanceTests {
    static let directory = ConformanceTests.directory + "/scalar-index"

    @Test(arguments: ["btree", "bitmap"])
    func filesReadAndAnswerAsRecorded(kind: String) throws {
        let bytes = Array(try #require(FileManager.default.contents(atPath: Self.directory + "/\(kind).sidx")))
        let expected = try JSONParser.parse(Array(try #require(FileManager.default.contents(atPath: Self.directory + "/small.json"))))
        guard case let .array(queries)? = expected["queries"], !queries.isEmpty else {
            Issue.record("small.json lacks queries")
            return
        }
        let index = try ScalarIndexCoding.decode(bytes, path: "\(kind).sidx")
        if let tree = index as? BTreeIndex { #expect(ScalarIndexCoding.encode(tree) == bytes) }
        if let bitmap = index as? BitmapIndex { #expect(ScalarIndexCoding.encode(bitmap) == bytes) }
        #expect((index is BTreeIndex) == (kind == "btree"))
        for query in queries {
            guard case let .string(type)? = query["kind"], case let .array(rows)? = query["rows"] else {
                Issue.record("malformed query \(query)")
                continue
            }
            func bound(_ key: String) -> Value? { if case let .string(text)? = query[key] { .string(text) } else { nil } }
            let found: [UInt32]
            switch type {
            case "equal": found = index.equal(bound("low")!).values
            case "null": found = index.nulls.values
            default: found = index.range(from: bound("low"), inclusive: true, to: bound("high"), inclusive: false).values
            }
            #expect(found.map { JSONValue.number("\($0)") } == rows, "\(query)")
        }
        var damaged = bytes
        damaged[damaged.count / 2] ^= 0x01
        let outcome: Result<any ScalarIndex, StrataError> = {
            do throws(StrataError) { return .success(try ScalarIndexCoding.decode(damaged, path: "damaged.sidx")) } catch { return .failure(error) }
        }()
        guard case let .failure(error) = outcome else {
            Issue.record("a damaged scalar index file was read")
            return
        }
        #expect(ConformanceTests.errorClass(error) == "checksum mismatch")
    }
}
