import Foundation
import StrataCore

/// How an IVF-PQ index is trained and searched by default. A nil field is chosen from the
/// data size and dimension when the index is built (`resolved(count:dimension:)`), and the
/// chosen values are what the index file records.
public struct IVFPQParameters: Sendable, Hashable {
    /// k-means partitions. Default √n, at most n / 40 (so a partition averages 40+ rows).
    public var partitions: Int?
    /// PQ pieces per vector (bytes per code). Default dimension / 4 up to 128 dimensions,
    /// dimension / 8 above, at least 1.
    public var subvectors: Int?
    /// Partitions scanned per search. Default partitions / 10, at least 16 (all when fewer).
    public var nprobes: Int?
    /// Exact re-ranking of refine × k PQ candidates; 0 returns PQ distances. Default 10.
    public var refine: Int?
    /// Lloyd iterations for both k-means stages. Default 15.
    public var iterations: Int?
    /// Vectors sampled to train the partitions (default 128 per partition) and the
    /// codebooks (default 32,768); all when fewer.
    public var sampleSize: Int?
    /// Seeds sampling and k-means++, so a build is reproducible.
    public var seed: UInt64

    /// Parameters; every nil one is chosen from the data.
    public init(partitions: Int? = nil, subvectors: Int? = nil, nprobes: Int? = nil, refine: Int? = nil,
                iterations: Int? = nil, sampleSize: Int? = nil, seed: UInt64 = 0x5EED) {
        self.partitions = partitions
        self.subvectors = subvectors
        self.nprobes = nprobes
        self.refine = refine
        self.iterations = iterations
        self.sampleSize = sampleSize
        self.seed = seed
    }

    /// Every field filled in for `count` vectors of `dimension`.
    /// - Throws: `StrataError.invalidInput` naming a parameter out of range.
    public func resolved(count: Int, dimension: Int) throws(StrataError) -> IVFPQParameters {
        guard count >= 1 else { throw .invalidInput(what: "IVF-PQ training data", why: "needs at least one vector") }
        var p = self
        let partitions = p.partitions ?? max(1, min(Int(Double(count).squareRoot().rounded()), count / 40))
        guard (1...min(65_536, count)).contains(partitions) else {
            throw .invalidInput(what: "IVF-PQ partitions", why: "must be in 1…\(min(65_536, count)) for \(count) vectors, got \(partitions)")
        }
        let subvectors = p.subvectors ?? max(1, dimension <= 128 ? dimension / 4 : dimension / 8)
        guard (1...dimension).contains(subvectors) else {
            throw .invalidInput(what: "IVF-PQ subvectors", why: "must be in 1…\(dimension) (the dimension), got \(subvectors)")
        }
        let nprobes = p.nprobes ?? min(partitions, max(16, partitions / 10))
        let refine = p.refine ?? 10
        let iterations = p.iterations ?? 15
        guard nprobes >= 1 else { throw .invalidInput(what: "IVF-PQ nprobes", why: "must be at least 1, got \(nprobes)") }
        guard (0...1000).contains(refine) else { throw .invalidInput(what: "IVF-PQ refine", why: "must be in 0…1000, got \(refine)") }
        guard (1...1000).contains(iterations) else { throw .invalidInput(what: "IVF-PQ iterations", why: "must be in 1…1000, got \(iterations)") }
        if let sample = p.sampleSize, sample < min(partitions, count) {
            throw .invalidInput(what: "IVF-PQ sample_size", why: "must be at least the number of partitions (\(partitions)), got \(sample)")
        }
        (p.partitions, p.subvectors, p.nprobes, p.refine, p.iterations) = (partitions, subvectors, nprobes, refine, iterations)
        return p
    }
}
