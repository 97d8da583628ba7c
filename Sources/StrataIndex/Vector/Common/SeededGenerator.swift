/// SplitMix64: a small, fast, seedable generator, so that an index built twice from the same
/// vectors and seed is the same index (tests and bug reports depend on that).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The whole state: saving it and resuming with `init(state:)` continues the sequence.
    private(set) var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator that continues from a saved `state`.
    init(state: UInt64) { self.state = state }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
