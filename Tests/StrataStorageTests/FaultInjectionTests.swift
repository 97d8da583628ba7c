import StrataCore
import StrataStorage
import Testing

@Suite struct FaultInjectionTests {
    @Test func failedWriteStoresNothing() async throws {
        let store = FaultInjectingStore(wrapping: MemoryObjectStore(), faults: [.failWrite(n: 2)])
        try await store.write("a", bytes: [1])
        await #expect(throws: StrataError.self) { try await store.write("b", bytes: [2]) }
        try await store.write("c", bytes: [3])
        #expect(try await store.list(prefix: "").map(\.path) == ["a", "c"])
        #expect(store.writeCount == 3)
    }

    @Test func tornWriteLeavesAPrefix() async throws {
        let store = FaultInjectingStore(wrapping: MemoryObjectStore(), faults: [.tearWrite(n: 1, keepBytes: 3)])
        let writer = try await store.makeWriter("file")
        try await writer.append([1, 2, 3, 4, 5, 6])
        await #expect(throws: StrataError.self) { try await writer.finish() }
        #expect(try await store.read("file") == [1, 2, 3])
    }

    @Test func bitFlipsOnRead() async throws {
        let store = FaultInjectingStore(wrapping: MemoryObjectStore())
        try await store.write("data/x", bytes: [0, 0, 0, 0])
        store.setFaults([.flipBitOnRead(pathContaining: "data/", offset: 2, bit: 3)])
        #expect(try await store.read("data/x") == [0, 0, 8, 0])
        #expect(try await store.read("data/x", range: 0..<2) == [0, 0])
        #expect(try await store.openForReading("data/x").read(2..<3) == [8])
    }

    @Test func fullDisk() async throws {
        let store = FaultInjectingStore(wrapping: MemoryObjectStore(), faults: [.diskFull(capacityBytes: 10)])
        try await store.write("a", bytes: Array(repeating: 1, count: 8))
        await #expect(throws: StrataError.storageFull(path: "b")) { try await store.write("b", bytes: [1, 2, 3]) }
        #expect(try await store.list(prefix: "").map(\.path) == ["a"])
    }
}

@Suite struct BlockCacheTests {
    @Test func evictsLeastRecentlyUsedWithinBudget() {
        let cache = BlockCache(budget: 100)
        let a = BlockCache.Key(object: "f", offset: 0, length: 40), b = BlockCache.Key(object: "f", offset: 40, length: 40)
        let c = BlockCache.Key(object: "f", offset: 80, length: 40)
        cache.insert(a, Array(repeating: 1, count: 40))
        cache.insert(b, Array(repeating: 2, count: 40))
        #expect(cache.get(a)?.first == 1)  // a is now most recent
        cache.insert(c, Array(repeating: 3, count: 40))  // evicts b
        #expect(cache.get(b) == nil)
        #expect(cache.get(a) != nil && cache.get(c) != nil)
        let stats = cache.statistics
        #expect(stats.bytes == 80 && stats.entries == 2 && stats.evictions == 1)
        #expect(stats.hits == 3 && stats.misses == 1)
        cache.insert(BlockCache.Key(object: "g", offset: 0, length: 101), Array(repeating: 0, count: 101))  // larger than the budget
        #expect(cache.statistics.entries == 2)
    }

    @Test func replacingAKeyKeepsAccountsRight() {
        let cache = BlockCache(budget: 1000)
        let key = BlockCache.Key(object: "f", offset: 0, length: 10)
        for size in [10, 500, 20] { cache.insert(key, Array(repeating: 0, count: size)) }
        #expect(cache.statistics.bytes == 20 && cache.statistics.entries == 1)
    }
}
