import Foundation
import Strata
import Testing

/// Reads the table fixtures of spec/conformance/tables/ (made once by its make.sh) and holds
/// the table reader to them: every version's rows, the operations, the tags, and the error
/// class of each damaged copy. Fixtures are opened without a log, so nothing is written.
@Suite struct TableConformanceTests {
    static let directory = ConformanceTests.directory + "/tables"

    static func expectation(_ name: String) throws -> JSONValue {
        try JSONParser.parse(Array(try #require(FileManager.default.contents(atPath: directory + "/" + name + ".json"))))
    }

    static func open(_ name: String) async throws -> Table {
        try await Table.open(store: try LocalFileStore(directory: directory + "/" + name))
    }

    /// The rows of a snapshot as JSON text, one per row, in the JSONL conventions.
    static func lines(_ snapshot: TableSnapshot) async throws -> [String] {
        let batch = try await snapshot.readAll()
        return (0..<batch.rowCount).map { JSONRows.line(batch, row: $0) }
    }

    @Test func historyReadsAsRecordedAtEveryVersion() async throws {
        let expected = try Self.expectation("history")
        let table = try await Self.open("history")
        let versions = try await table.versions()
        guard case let .array(operations)? = expected["operations"] else { Issue.record("no operations"); return }
        #expect(versions.map { JSONValue.string($0.transaction.operation.rawValue) } == operations)
        guard case let .object(byVersion)? = expected["versions"] else { Issue.record("no versions"); return }
        for (version, rows) in byVersion {
            guard case let .array(expectedRows) = rows, let number = UInt64(version) else { continue }
            let actual = try await Self.lines(table.snapshot(version: number))
            let parsed = try actual.map { try JSONParser.parse($0) }
            #expect(parsed == expectedRows, "version \(version)")
        }
        #expect(try await table.tag("first-append").version == 2)
        #expect(try await table.verify().problems.isEmpty)
    }

    @Test(arguments: ["negative-manifest-checksum", "negative-deletion-vector"])
    func damagedCopiesRaiseTheirErrorClass(name: String) async throws {
        let expected = try Self.expectation(name)
        guard case let .number(version)? = expected["version"], case let .string(errorClass)? = expected["error"] else {
            Issue.record("\(name).json lacks version or error")
            return
        }
        do {
            let table = try await Self.open(name)
            _ = try await table.snapshot(version: UInt64(version)!).readAll()
            Issue.record("\(name): version \(version) read without error")
        } catch let error as StrataError {
            #expect(ConformanceTests.errorClass(error) == errorClass, "\(name): \(error)")
        }
    }

    @Test func vectorIndexAnswersAsRecorded() async throws {
        let expected = try Self.expectation("vector-index")
        guard case let .array(searches)? = expected["searches"], case let .number(k)? = expected["k"],
              case let .number(ef)? = expected["ef"], case let .number(files)? = expected["vector_files"] else {
            Issue.record("vector-index.json lacks searches, k, ef or vector_files")
            return
        }
        let table = try await Self.open("vector-index")
        let manifest = try await table.latestManifest()
        #expect(manifest.indexes.count == 1 && manifest.indexes[0].vectorFiles.count == Int(files)!)
        #expect(manifest.indexes[0].fragmentIds == manifest.fragments.map(\.id))
        #expect(try await table.verify().problems.isEmpty)
        // This build writes the index file and the last vector segment byte for byte as the
        // fixture holds them.
        let entry = manifest.indexes[0]
        func bytes(_ path: String) throws -> [UInt8] { Array(try #require(FileManager.default.contents(atPath: Self.directory + "/vector-index/" + path))) }
        let segments = try entry.vectorFiles.map { (bytes: try bytes($0.path), path: $0.path) }
        let index = try VectorIndexCoding.decode(try bytes(entry.indexFile.path), path: entry.indexFile.path, segments: segments)
        func written(_ file: VectorIndexFileWriter) -> [UInt8] {
            var chunks = file.chunks(), out: [UInt8] = []
            while let chunk = chunks.next() { out += chunk }
            return out
        }
        #expect(written(index.fileWriter().withoutVectors()) == (try bytes(entry.indexFile.path)))
        let last = try #require(segments.last?.bytes)
        let lastCount = Int(last[16..<24].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect(written(VectorIndexFileWriter.vectorSegment(index.store, from: index.count - lastCount)) == last)
        let snapshot = try await table.snapshot()
        for search in searches {
            guard case let .array(vector)? = search["vector"], case let .array(ids)? = search["ids"] else { continue }
            let query = vector.compactMap { if case let .number(text) = $0 { Float(text) } else { nil } }
            let result = try await snapshot.search(VectorSearchRequest(
                column: "v", vector: query, k: Int(k)!, parameters: VectorSearchParameters(ef: Int(ef)!), columns: ["id"]))
            let found = (0..<result.rows.rowCount).map { JSONValue.number(JSONRows.text(result.rows.columns[0].value(at: $0))) }
            #expect(found == ids, "query \(query)")
        }
    }

    @Test func damagedVectorSegmentIsReportedAndRefused() async throws {
        let expected = try Self.expectation("negative-vector-segment")
        guard case let .string(errorClass)? = expected["error"] else { Issue.record("no error class"); return }
        let table = try await Self.open("negative-vector-segment")
        let problems = try await table.verify().problems
        #expect(problems.map(ConformanceTests.errorClass) == [errorClass])
        let snapshot = try await table.snapshot()
        let outcome: Result<VectorSearchResult, StrataError> = await {
            do throws(StrataError) {
                return .success(try await snapshot.search(VectorSearchRequest(column: "v", vector: [0, 0, 0, 0], k: 3)))
            } catch {
                return .failure(error)
            }
        }()
        guard case let .failure(error) = outcome else {
            Issue.record("a search used a damaged vector segment")
            return
        }
        #expect(ConformanceTests.errorClass(error) == errorClass)
    }
}
