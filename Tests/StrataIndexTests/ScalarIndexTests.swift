import StrataCore
import StrataIndex
import StrataKernels
import Testing
import TestSupport

/// Both scalar indexes against a full scan with the filters' comparison.
@Suite struct ScalarIndexTests {
    /// A random column of one kind: few distinct values, nulls, and for floats NaN and -0.0.
    static func column(_ kind: Int, count: Int, rng: inout SeededRandom) -> [Value] {
        (0..<count).map { _ -> Value in
            if Int.random(in: 0..<10, using: &rng) == 0 { return .null }
            switch kind {
            case 0: return .int(Int64.random(in: -20...20, using: &rng))
            case 1: return .string(["", "a", "ab", "b", "é", "zz", "Z"][Int.random(in: 0..<7, using: &rng)])
            case 2: return .float64([-1.5, -0.0, 0.0, 2.25, .nan, .infinity, 7][Int.random(in: 0..<7, using: &rng)])
            case 3: return .bool(Bool.random(using: &rng))
            case 4: return .timestamp(Int64.random(in: 0...9, using: &rng) * 1_000_000)
            default: return .int(Int64.random(in: -5_000...5_000, using: &rng))  // many distinct values
            }
        }
    }

    /// The rows a full scan finds with the filters' comparison.
    static func scan(_ values: [Value], _ keep: (Value) -> Bool) -> [UInt32] {
        values.indices.filter { !values[$0].isNull && keep(values[$0]) }.map(UInt32.init)
    }

    @Test(arguments: 0..<6, [false, true])
    func agreesWithAFullScan(kind: Int, bTree: Bool) throws {
        var rng = SeededRandom(seed: UInt64(50 + kind))
        let values = Self.column(kind, count: kind == 5 ? 12_000 : 3_000, rng: &rng)
        let index: any ScalarIndex = bTree ? try BTreeIndex(values: values) : try BitmapIndex(values: values)
        #expect(index.nulls.values == values.indices.filter { values[$0].isNull }.map(UInt32.init))
        let probes = Self.column(kind, count: 40, rng: &rng) + [.int(3), .string("q"), .float32(0)]
        for probe in probes {
            #expect(index.equal(probe).values == Self.scan(values) { ValueOrder.compare($0, probe) == 0 }, "= \(probe)")
        }
        for _ in 0..<60 {
            let lower = Bool.random(using: &rng) ? probes.randomElement(using: &rng)! : nil
            let upper = Bool.random(using: &rng) ? probes.randomElement(using: &rng)! : nil
            let (li, ui) = (Bool.random(using: &rng), Bool.random(using: &rng))
            let expected = Self.scan(values) { value in
                guard ValueOrder.compare(value, value) != nil else { return false }  // NaN is in no range
                if let lower { guard let c = ValueOrder.compare(value, lower), li ? c >= 0 : c > 0 else { return false } }
                if let upper { guard let c = ValueOrder.compare(value, upper), ui ? c <= 0 : c < 0 else { return false } }
                return true
            }
            #expect(index.range(from: lower, inclusive: li, to: upper, inclusive: ui).values == expected, "\(String(describing: lower)) \(li) \(String(describing: upper)) \(ui)")
            let set = Array(probes.shuffled(using: &rng).prefix(3))
            #expect(index.any(of: set).values == Self.scan(values) { value in set.contains { ValueOrder.compare(value, $0) == 0 } })
        }
    }

    @Test func refusesWhatItCannotIndex() {
        #expect(throws: StrataError.self) { try BitmapIndex(values: [.vector([1, 2])]) }
        #expect(throws: StrataError.self) { try BitmapIndex(values: [.int(1), .string("a")]) }
        #expect(throws: StrataError.self) { try BTreeIndex(values: [.null, .vector([1, 2])]) }
        #expect(throws: StrataError.self) { try BTreeIndex(values: [.string("a"), .float64(1)]) }
        #expect(throws: StrataError.self) { try BitmapIndex(values: (0..<(BitmapIndex.maxKeys + 1)).map { .int(Int64($0)) }) }
    }
}
