import StrataCore
import StrataIndex
import StrataTable
import Testing

/// The address → id mapping a filtered search hands to an index: for any rows file —
/// fragments indexed without gaps, with gaps, rows removed, ids out of address order — the
/// ids found for a sorted list of addresses are exactly those one lookup per address finds.
@Suite struct IndexRowMapTests {
    @Test func idsOfSortedAddressesMatchOneLookupPerAddress() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            var addresses: [UInt64] = []
            for fragment in UInt64(0)..<UInt64(Int.random(in: 1...4, using: &generator)) {
                let rows = Int.random(in: 0...300, using: &generator)
                let gapped = round % 3 == 0
                for offset in 0..<rows where !gapped || Int.random(in: 0..<5, using: &generator) > 0 {
                    addresses.append(fragment << 32 | UInt64(offset))
                }
            }
            addresses.shuffle(using: &generator)
            for i in addresses.indices where Int.random(in: 0..<20, using: &generator) == 0 { addresses[i] = UInt64.max }
            let map = IndexRowMap(addresses: addresses, path: "rows")
            let asked = (0..<Int.random(in: 0...400, using: &generator)).map { _ in
                UInt64.random(in: 0...4, using: &generator) << 32 | UInt64.random(in: 0...320, using: &generator)
            }
            let sorted = Array(Set(asked)).sorted()
            var expected = IDBitset(capacity: addresses.count)
            for address in sorted { if let id = map.id(of: RowAddress(rawValue: address)) { expected.insert(id) } }
            #expect(map.ids(ofSorted: sorted) == expected, "round \(round)")
        }
    }
}
