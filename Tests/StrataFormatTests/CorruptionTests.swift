import Strata
import Testing
import TestSupport

/// Damaged files raise typed errors naming the file and the offset; they never trap and never
/// return wrong values silently.
@Suite struct CorruptionTests {
    static func sampleFile() async throws -> (bytes: [UInt8], expected: RecordBatch) {
        var rng = SeededRandom(seed: 31)
        let schema = try Schema([("id", .int64, false), ("name", .string, true), ("v", .vector(.float16, dimension: 8), true), ("f", .float32, true)])
        let (batch, _) = try RandomData.batch(schema, count: 700, using: &rng)
        var options = FileWriterOptions()
        options.fixedPageBytes = 1024
        options.variablePageBytes = 700
        options.checksumBlockBytes = 512
        let store = MemoryObjectStore()
        let reader = try await writeFile([batch], schema: schema, to: store, options: options)
        return (try await store.read("file.strata"), try await reader.readAll())
    }

    /// Opens, verifies, scans and takes from `bytes`; returns the error, or nil when every
    /// read succeeded and returned `expected`.
    static func readEverything(_ bytes: [UInt8], expected: RecordBatch) async -> StrataError? {
        let store = MemoryObjectStore()
        try! await store.write("f", bytes: bytes)
        do throws(StrataError) {
            let reader = try await FileReader.open(store: store, path: "f")
            let report = try await reader.verify()
            if let problem = report.problems.first { throw problem }
            let all = try await reader.readAll()
            let taken = try await reader.take([699, 3, 350])
            guard all.columns.indices.allSatisfy({ all.columns[$0].isIdentical(to: expected.columns[$0]) }),
                  taken.columns[0].value(at: 0) == expected.columns[0].value(at: 699)
            else {
                Issue.record("damaged file read back different values without an error")
                return nil
            }
            return nil
        } catch {
            return error
        }
    }

    @Test func everyTruncationIsDetected() async throws {
        let (bytes, expected) = try await Self.sampleFile()
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            let error = await Self.readEverything(Array(bytes.prefix(length)), expected: expected)
            guard case let .corruption(path, _, kind, _)? = error else {
                Issue.record("truncation to \(length) bytes gave \(String(describing: error))")
                continue
            }
            #expect(path == "f")
            #expect(kind == .truncated || kind == .badMagic, "length \(length): \(kind)")
        }
    }

    @Test func bitFlipsNeverTrapOrLie() async throws {
        let (bytes, expected) = try await Self.sampleFile()
        var rng = SeededRandom(seed: 4)
        var detected = 0
        for _ in 0..<400 {
            var damaged = bytes
            let position = Int.random(in: 0..<bytes.count, using: &rng)
            damaged[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            if await Self.readEverything(damaged, expected: expected) != nil { detected += 1 }
        }
        // Only flips in alignment padding and reserved header bytes go unnoticed (they hold no data).
        #expect(detected > 300)
    }

    @Test func checksumErrorNamesColumnAndPage() async throws {
        let (bytes, _) = try await Self.sampleFile()
        let store = MemoryObjectStore()
        try await store.write("f", bytes: bytes)
        let reader = try await FileReader.open(store: store, path: "f")
        let page = reader.columns[1].pages[1]
        var damaged = bytes
        damaged[Int(page.offset) + 2] ^= 0xFF
        try await store.write("f", bytes: damaged)
        let broken = try await FileReader.open(store: store, path: "f")
        let report = try await broken.verify()
        #expect(report.problems.count == 1)
        guard case let .corruption(path, offset, kind, detail)? = report.problems.first else { Issue.record("no problem"); return }
        #expect(path == "f" && offset == page.offset && kind == .checksumMismatch)
        #expect(detail.contains("column 'name' page 1"))
        await #expect(throws: StrataError.self) { try await broken.readAll(columns: ["name"]) }
        #expect(try await broken.readAll(columns: ["id"]).rowCount == 700)  // other columns stay readable
    }

    @Test func tornWriteThroughTheStoreIsDetected() async throws {
        let (bytes, expected) = try await Self.sampleFile()
        let store = FaultInjectingStore(wrapping: MemoryObjectStore(), faults: [.tearWrite(n: 1, keepBytes: bytes.count / 2)])
        await #expect(throws: StrataError.self) { try await store.write("f", bytes: bytes) }
        let torn = try await store.read("f")
        guard case .corruption(_, _, .truncated, _)? = await Self.readEverything(torn, expected: expected) else {
            Issue.record("torn file not reported as truncated")
            return
        }
    }
}
