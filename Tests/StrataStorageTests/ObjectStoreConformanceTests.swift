import StrataCore
import StrataStorage
import Testing
import TestSupport

/// The store implementations under test; every conformance test runs on each.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case local, memory, faultInjecting

    var testDescription: String { rawValue }

    /// A fresh store and a cleanup action.
    func make() throws -> (any ObjectStore, @Sendable () -> Void) {
        switch self {
        case .local:
            let directory = TemporaryDirectory()
            return (try LocalFileStore(directory: directory.path), { directory.remove() })
        case .memory:
            return (MemoryObjectStore(), {})
        case .faultInjecting:
            return (FaultInjectingStore(wrapping: MemoryObjectStore()), {})
        }
    }
}

/// One suite that every `ObjectStore` passes (STYLE.md: "one conformance suite").
@Suite struct ObjectStoreConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func writeReadSizeAndRanges(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try await store.write("a/b/object.bin", bytes: bytes)
        #expect(try await store.size(of: "a/b/object.bin") == 10_000)
        #expect(try await store.read("a/b/object.bin") == bytes)
        #expect(try await store.read("a/b/object.bin", range: 100..<4196) == Array(bytes[100..<4196]))
        #expect(try await store.read("a/b/object.bin", range: 10_000..<10_000) == [])
        let handle = try await store.openForReading("a/b/object.bin")
        #expect(handle.size == 10_000)
        #expect(try await handle.read(9_990..<10_000) == Array(bytes[9_990...]))
        await #expect(throws: StrataError.self) { try await store.read("a/b/object.bin", range: 9_000..<10_001) }
        do {
            _ = try await handle.read(5..<20_000)
            Issue.record("read past the end succeeded")
        } catch {
            guard case .corruption(_, _, .offsetOutOfBounds, _) = error else { Issue.record("wrong error \(error)"); return }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func overwriteReplacesWholeObject(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        try await store.write("x", bytes: [1, 2, 3, 4])
        try await store.write("x", bytes: [9])
        #expect(try await store.read("x") == [9])
    }

    @Test(arguments: StoreKind.allCases)
    func missingObjectsAreNotFound(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        await #expect(throws: StrataError.notFound(path: "nope")) { try await store.read("nope") }
        await #expect(throws: StrataError.notFound(path: "nope")) { try await store.size(of: "nope") }
        await #expect(throws: StrataError.notFound(path: "nope")) { try await store.delete("nope") }
    }

    @Test(arguments: StoreKind.allCases)
    func invalidPathsAreRejected(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        for path in ["", "/abs", "a/../b", "a//b", "./a", "a/", "a\0b"] {
            await #expect(throws: StrataError.self, "\(path)") { try await store.write(path, bytes: [1]) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func putIfAbsentHasExactlyOneWinner(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        try await store.putIfAbsent("_versions/1.manifest", bytes: [1])
        await #expect(throws: StrataError.alreadyExists(path: "_versions/1.manifest")) {
            try await store.putIfAbsent("_versions/1.manifest", bytes: [2])
        }
        #expect(try await store.read("_versions/1.manifest") == [1])
        // Racing writers: exactly one of 16 succeeds, and its bytes are what is stored.
        let winners = await withTaskGroup(of: UInt8?.self) { group in
            for i in 0..<16 {
                group.addTask {
                    do {
                        try await store.putIfAbsent("_versions/2.manifest", bytes: [UInt8(i)])
                        return UInt8(i)
                    } catch { return nil }
                }
            }
            var result: [UInt8] = []
            for await winner in group { if let winner { result.append(winner) } }
            return result
        }
        #expect(winners.count == 1)
        #expect(try await store.read("_versions/2.manifest") == winners)
    }

    @Test(arguments: StoreKind.allCases)
    func listByPrefixIsSortedAndComplete(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        for path in ["t/_versions/2", "t/_versions/10", "t/data/a", "t/data/b/c", "u/x", "t/data2"] {
            try await store.write(path, bytes: Array(path.utf8))
        }
        #expect(try await store.list(prefix: "t/data").map(\.path) == ["t/data/a", "t/data/b/c", "t/data2"])
        #expect(try await store.list(prefix: "t/_versions/").map(\.path) == ["t/_versions/10", "t/_versions/2"])
        #expect(try await store.list(prefix: "").count == 6)
        #expect(try await store.list(prefix: "missing/").isEmpty)
        #expect(try await store.list(prefix: "u/").first?.size == 3)
        try await store.delete("t/data/a")
        #expect(try await store.list(prefix: "t/data/").map(\.path) == ["t/data/b/c"])
    }

    @Test(arguments: StoreKind.allCases)
    func streamedWritesAppearOnlyOnFinish(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        let writer = try await store.makeWriter("big")
        try await writer.append([1, 2])
        try await writer.append([3])
        #expect(writer.bytesWritten == 3)
        #expect(try await store.list(prefix: "").isEmpty)
        try await writer.finish()
        #expect(try await store.read("big") == [1, 2, 3])
        let aborted = try await store.makeWriter("gone")
        try await aborted.append([1])
        await aborted.abort()
        #expect(try await store.list(prefix: "").map(\.path) == ["big"])
        await #expect(throws: StrataError.self) { try await aborted.finish() }
    }
}
