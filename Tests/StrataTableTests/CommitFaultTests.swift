import Strata
import Testing
import TestSupport

/// Every write of a commit fails, or is torn, in turn; the table must reopen at the last
/// committed version with every acknowledged row and no trace of a partial version.
@Suite struct CommitFaultTests {
    enum Mode: CaseIterable { case fail, tear }
    enum Operation: CaseIterable { case append, delete, compact, addColumn }

    @Test(arguments: Mode.allCases, Operation.allCases)
    func eachWriteOfACommitFailingOrTorn(mode: Mode, operation: Operation) async throws {
        var step = 1
        var sawCleanRun = false
        while !sawCleanRun && step < 20 {
            let base = MemoryObjectStore()
            let faulty = FaultInjectingStore(wrapping: base)
            let table = try await Table.create(store: faulty, schema: Fixtures.schema)
            try await table.append(Fixtures.batch(0..<10))
            try await table.append(Fixtures.batch(10..<20))
            let before = try await table.snapshot()
            let expectedBefore = try await Fixtures.ids(before)
            let target = faulty.writeCount + step
            faulty.setFaults([mode == .fail ? .failWrite(n: target) : .tearWrite(n: target, keepBytes: 7 * step)])
            var acknowledged = false
            do {
                try await run(operation, on: table)
                acknowledged = true
            } catch {}
            sawCleanRun = faulty.writeCount < target  // the operation needed fewer writes than `step`

            // Reopen through the intact store.
            let reopened = try await Table.open(store: base)
            let snapshot = try await reopened.snapshot()
            if acknowledged {
                #expect(snapshot.version > before.version, "step \(step): an acknowledged commit is missing")
                #expect(try await Fixtures.ids(snapshot) == expected(operation, from: expectedBefore))
            } else {
                #expect(snapshot.version == before.version, "step \(step): a failed commit left a version")
                #expect(try await Fixtures.ids(snapshot) == expectedBefore)
                #expect(snapshot.schema == before.schema)
            }
            // The table stays writable: the next commit lands after whatever the fault left.
            try await reopened.append(Fixtures.batch([99]))
            #expect(try await Fixtures.ids(reopened.snapshot()).last == 99)
            for manifest in try await reopened.versions() { _ = try await reopened.snapshot(version: manifest.version).readAll() }
            step += 1
        }
        #expect(sawCleanRun)
    }

    private func run(_ operation: Operation, on table: Table) async throws {
        switch operation {
        case .append: try await table.append(Fixtures.batch(20..<30))
        case .delete: try await table.delete(where: try Predicate(parsing: "id < 5", schema: Fixtures.schema))
        case .compact: try await table.compact()
        case .addColumn: try await table.addColumn(name: "extra", type: .int32, defaultJSON: "1")
        }
    }

    private func expected(_ operation: Operation, from ids: [Int]) -> [Int] {
        switch operation {
        case .append: return ids + Array(20..<30)
        case .delete: return ids.filter { $0 >= 5 }
        case .compact, .addColumn: return ids
        }
    }
}
