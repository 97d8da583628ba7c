import StrataCore
import StrataIndex
import Synchronization

/// The mapping between an index's internal ids and the table's row addresses, both ways:
/// what a loaded vector index or text segment needs to answer for a snapshot.
package final class IndexRowMap: Sendable {
    /// Row address of each internal id (`IndexRows.removed` for rows gone).
    package let addresses: [UInt64]
    /// The rows file the addresses came from (named in errors).
    private let path: String
    /// The live ids ordered by their addresses, and those addresses: a fragment's ids are
    /// one contiguous run, found by binary search (no per-offset table, whose size a damaged
    /// rows file could inflate).
    private let idsByAddress: [UInt32]
    private let sortedAddresses: [UInt64]
    /// Guards the searchable-id masks computed so far, by manifest version (nil: all ids).
    private let liveMasks = Mutex<[UInt64: IDBitset?]>([:])

    package init(addresses: [UInt64], path: String) {
        self.addresses = addresses
        self.path = path
        let live = addresses.indices.filter { addresses[$0] != IndexRows.removed }.sorted { addresses[$0] < addresses[$1] }
        idsByAddress = live.map { UInt32($0) }
        sortedAddresses = live.map { addresses[$0] }
    }

    /// The internal id of the row at `address`, if the index holds it.
    /// - Complexity: O(log n).
    package func id(of address: RowAddress) -> UInt32? {
        let position = firstPosition(atOrAfter: address.rawValue)
        guard position < sortedAddresses.count, sortedAddresses[position] == address.rawValue else { return nil }
        return idsByAddress[position]
    }

    /// The first position in `sortedAddresses` holding `value` or more.
    private func firstPosition(atOrAfter value: UInt64) -> Int { sortedAddresses.lowerBound(of: value) }

    /// The ids a search of `snapshot` may return: rows of covered fragments still in the
    /// snapshot and not deleted there. Nil when that is every id (the unfiltered fast path).
    /// - Throws: `.corruption` when the rows file names an offset past its fragment's rows.
    package func liveIDs(in snapshot: TableSnapshot, covered: Set<UInt32>) async throws(StrataError) -> IDBitset? {
        if let known = liveMasks.withLock({ $0[snapshot.version] }) { return known }
        var mask = IDBitset(capacity: addresses.count)
        for fragment in snapshot.manifest.fragments where covered.contains(fragment.id) {
            let first = firstPosition(atOrAfter: RowAddress(fragment: fragment.id, offset: 0).rawValue)
            let end = fragment.id == UInt32.max ? sortedAddresses.count
                : firstPosition(atOrAfter: RowAddress(fragment: fragment.id + 1, offset: 0).rawValue)
            guard first < end else { continue }
            guard Int(RowAddress(rawValue: sortedAddresses[end - 1]).offset) < fragment.physicalRows else {
                throw .corruption(path: snapshot.location.object(path), offset: nil, kind: .malformedMetadata,
                                  detail: "an address past the \(fragment.physicalRows) rows of fragment \(fragment.id)")
            }
            let reader = fragment.deletion == nil ? nil : try await snapshot.reader(for: fragment)
            for position in first..<end {
                if let reader, reader.isDeleted(Int(RowAddress(rawValue: sortedAddresses[position]).offset)) { continue }
                mask.insert(idsByAddress[position])
            }
        }
        let result: IDBitset? = mask.count == addresses.count ? nil : mask
        liveMasks.withLock { if $0.count > 16 { $0.removeAll() }; $0[snapshot.version] = result }
        return result
    }

    /// The ids of the rows at `addresses` (raw values, ascending) that the index holds. The
    /// addresses are taken a fragment at a time: a fragment whose indexed offsets have no
    /// gap (the usual case) finds each address's position by subtraction, others by a binary
    /// search inside the fragment's run.
    package func ids(ofSorted addresses: some Collection<UInt64>) -> IDBitset {
        var found = IDBitset(capacity: self.addresses.count)
        var fragment: UInt64 = .max
        var run = 0..<0, dense = false
        for address in addresses {
            if address >> 32 != fragment {
                fragment = address >> 32
                let first = firstPosition(atOrAfter: fragment << 32)
                let end = fragment == UInt64(UInt32.max) ? sortedAddresses.count : firstPosition(atOrAfter: (fragment + 1) << 32)
                run = first..<end
                dense = !run.isEmpty && sortedAddresses[end - 1] - sortedAddresses[first] == UInt64(end - first - 1)
            }
            guard !run.isEmpty, address >= sortedAddresses[run.lowerBound], address <= sortedAddresses[run.upperBound - 1] else { continue }
            let position = dense ? run.lowerBound + Int(address - sortedAddresses[run.lowerBound]) : sortedAddresses[run].lowerBound(of: address)
            if sortedAddresses[position] == address { found.insert(idsByAddress[position]) }
        }
        return found
    }
}
