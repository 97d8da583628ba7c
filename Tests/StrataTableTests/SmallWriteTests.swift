import Foundation
import Strata
import Testing
import TestSupport

@Suite struct SmallWriteTests {
    @Test func insertsAreVisibleAtOnceAndReplayedAfterAnAbandonedHandle() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = try await Table.create(directory: directory.path, schema: Fixtures.schema)
        for i in 0..<25 { try await table.insert(Fixtures.batch([i])) }
        // Visible to this handle before any flush, with no fragment written.
        #expect(try await Fixtures.ids(table.snapshot()) == Array(0..<25))
        #expect(try await table.latestManifest().fragments.isEmpty)
        // Another handle in the same process cannot claim a segment the first still owns…
        let second = try await Table.open(directory: directory.path)
        #expect(try await second.snapshot().rowCount == 0)
        // …but once the owner is gone (here: its handle released), the log replays on open.
        _ = consume table
        let reopened = try await Table.open(directory: directory.path)
        #expect(try await Fixtures.ids(reopened.snapshot()) == Array(0..<25))
        #expect(try LocalLogStorage(directory: directory.path + "/_wal").list().isEmpty)
        // Replaying again adds nothing.
        #expect(try await Table.open(directory: directory.path).snapshot().rowCount == 25)
    }

    @Test(arguments: Durability.allCases)
    func manySingleRowInsertsStayWithinTheFragmentBound(durability: Durability) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var options = TableOptions()
        options.durability = durability
        options.flushRows = 64
        options.maxSmallFragments = 4
        let table = try await Table.create(directory: directory.path, schema: Fixtures.schema, options: options)
        let rows = durability == .sync ? 600 : 2_000
        for i in 0..<rows { try await table.insert(Fixtures.batch([i])) }
        try await table.close()
        let manifest = try await table.latestManifest()
        // The policy's bound: ⌈rows / flushRows⌉ + maxSmallFragments.
        #expect(manifest.fragments.count <= (rows + 63) / 64 + 4)
        #expect(try await Fixtures.ids(table.snapshot()) == Array(0..<rows))
        #expect(manifest.walFlushed.count <= 1)
    }

    @Test func aDamagedRecordKeepsItsSegmentAndFoldsTheRecordsBeforeIt() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        do {
            let table = try await Table.create(directory: directory.path, schema: Fixtures.schema)
            for i in 0..<10 { try await table.insert(Fixtures.batch([i])) }
        }
        let wal = directory.path + "/_wal"
        let segment = try #require(try LocalLogStorage(directory: wal).list().first)
        var bytes = try #require(FileManager.default.contents(atPath: wal + "/" + segment))
        bytes[bytes.count - 20] ^= 0xFF  // inside the last record, which is complete
        try bytes.write(to: URL(fileURLWithPath: wal + "/" + segment))
        let reopened = try await Table.open(directory: directory.path)
        #expect(try await Fixtures.ids(reopened.snapshot()) == Array(0..<9))
        #expect(try LocalLogStorage(directory: wal).list() == [segment])
        // Opening again folds nothing twice.
        #expect(try await Table.open(directory: directory.path).snapshot().rowCount == 9)
    }

    @Test func oldRowsAreFlushedByAgeWithoutAnotherInsert() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var options = TableOptions()
        options.flushAgeSeconds = 0.05
        options.durability = .group
        let table = try await Table.create(directory: directory.path, schema: Fixtures.schema, options: options)
        try await table.insert(Fixtures.batch([1, 2]))
        var fragments = 0
        for _ in 0..<100 where fragments == 0 {
            try await Task.sleep(nanoseconds: 20_000_000)
            fragments = try await table.latestManifest().fragments.count
        }
        #expect(fragments == 1)
        #expect(try await Fixtures.ids(table.snapshot()) == [1, 2])
    }

    @Test func concurrentInsertsShareFsyncs() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let table = try await Table.create(directory: directory.path, schema: Fixtures.schema)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask { for i in 0..<50 { try await table.insert(Fixtures.batch([task * 1_000 + i])) } }
            }
            try await group.waitForAll()
        }
        let ids = try await Fixtures.ids(table.snapshot())
        #expect(ids.count == 400 && Set(ids).count == 400)
    }

    @Test func aTornLogTailIsDroppedAndEverythingBeforeItKept() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        do {
            let table = try await Table.create(directory: directory.path, schema: Fixtures.schema)
            for i in 0..<10 { try await table.insert(Fixtures.batch([i])) }
        }
        let wal = directory.path + "/_wal"
        let segment = try #require(try LocalLogStorage(directory: wal).list().first)
        // Append half a record, as a crash in the middle of a write leaves it.
        let handle = try #require(FileHandle(forWritingAtPath: wal + "/" + segment))
        handle.seekToEndOfFile()
        handle.write(Data([40, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]))
        try handle.close()
        let reopened = try await Table.open(directory: directory.path)
        #expect(try await Fixtures.ids(reopened.snapshot()) == Array(0..<10))
    }
}
