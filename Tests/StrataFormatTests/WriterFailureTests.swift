import Foundation
import Strata
import Testing
import TestSupport

/// A write that fails part-way publishes nothing and says why; readers sharing a cache agree.
@Suite struct WriterFailureTests {
    static let schema = try! Schema([("id", .int64, false), ("text", .string, true)])

    static func batch(_ rows: Int) throws -> RecordBatch {
        var rng = SeededRandom(seed: 5)
        return try RandomData.batch(schema, count: rows, using: &rng).0
    }

    @Test func fullDiskPublishesNothing() async throws {
        let store = FaultInjectingStore(wrapping: MemoryObjectStore(), faults: [.diskFull(capacityBytes: 1_000)])
        let writer = try await FileWriter(store: store, path: "f", schema: Self.schema)
        try await writer.write(try Self.batch(2_000))
        await #expect(throws: StrataError.storageFull(path: "f")) { try await writer.finish() }
        #expect(try await store.list(prefix: "").isEmpty)
    }

    @Test func failedWritePublishesNothingAndAbortCleansUp() async throws {
        let store = FaultInjectingStore(wrapping: MemoryObjectStore(), faults: [.failWrite(n: 1)])
        let writer = try await FileWriter(store: store, path: "f", schema: Self.schema)
        try await writer.write(try Self.batch(100))
        await #expect(throws: StrataError.self) { try await writer.finish() }
        #expect(try await store.list(prefix: "").isEmpty)
        // The next write succeeds and is complete.
        let again = try await FileWriter(store: store, path: "f", schema: Self.schema)
        try await again.write(try Self.batch(100))
        _ = try await again.finish()
        #expect(try await FileReader.open(store: store, path: "f").rowCount == 100)
    }

    @Test func localWritesLeaveNoTemporaryFiles() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LocalFileStore(directory: directory.path)
        let aborted = try await FileWriter(store: store, path: "data/a.strata", schema: Self.schema)
        try await aborted.write(try Self.batch(500))
        await aborted.abort()
        // A write whose final name is taken by a directory fails and cleans up after itself.
        try FileManager.default.createDirectory(atPath: directory.path + "/data/b.strata", withIntermediateDirectories: true)
        let blocked = try await FileWriter(store: store, path: "data/b.strata", schema: Self.schema)
        try await blocked.write(try Self.batch(10))
        await #expect(throws: StrataError.self) { try await blocked.finish() }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/data")
        #expect(names == ["b.strata"], "\(names)")
        #expect(try await store.list(prefix: "").isEmpty)
    }

    @Test func concurrentReadersShareACache() async throws {
        let store = MemoryObjectStore()
        var options = FileWriterOptions()
        options.fixedPageBytes = 4_096
        options.variablePageBytes = 2_048
        _ = try await writeFile([try Self.batch(5_000)], schema: Self.schema, to: store, options: options)
        let cache = BlockCache(budget: 256 << 10)
        let expected = try await FileReader.open(store: store, path: "file.strata").readAll()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let reader = try await FileReader.open(store: store, path: "file.strata", cache: cache)
                    var rng = SeededRandom(seed: UInt64(task))
                    for _ in 0..<50 {
                        let rows = (0..<7).map { _ in Int.random(in: 0..<5_000, using: &rng) }
                        let taken = try await reader.take(rows)
                        for (k, row) in rows.enumerated() {
                            #expect(taken.columns[0].value(at: k) == expected.columns[0].value(at: row))
                            #expect(taken.columns[1].value(at: k) == expected.columns[1].value(at: row))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let stats = cache.statistics
        #expect(stats.hits > 0 && stats.bytes <= 256 << 10)
    }
}
