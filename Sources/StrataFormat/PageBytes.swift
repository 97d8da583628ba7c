import StrataCore

/// The verified bytes of (part of) a page body: one or more runs, each a contiguous byte range
/// of the body. A whole-page read is one run; a ranged read is the runs of checksum blocks
/// covering the requested rows. Decoders ask for body ranges; a range outside every run is a
/// reader bug, caught by a precondition.
struct PageBytes {
    private(set) var runs: [(start: Int, bytes: [UInt8])] = []

    init(body: [UInt8]) { runs = [(0, body)] }

    init(runs: [(start: Int, bytes: [UInt8])]) { self.runs = runs }

    /// The bytes of body range `range`, which must lie inside one run (an empty range reads
    /// nothing: zero-bit values occupy no bytes).
    func slice(_ range: Range<Int>) -> ArraySlice<UInt8> {
        if range.isEmpty { return [] }
        for run in runs where range.lowerBound >= run.start && range.upperBound <= run.start + run.bytes.count {
            return run.bytes[(range.lowerBound - run.start)..<(range.upperBound - run.start)]
        }
        preconditionFailure("page range \(range) was not read")
    }

    /// The body byte at `offset`.
    func byte(_ offset: Int) -> UInt8 {
        slice(offset..<(offset + 1)).first!
    }
}
