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
}
