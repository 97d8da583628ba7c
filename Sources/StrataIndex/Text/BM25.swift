import Foundation

/// Okapi BM25 as Lucene and tantivy compute it (`spec/indexes.md` §7.2):
/// score(d, q) = Σ over the query's terms t in d of idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·|d| / avgdl)),
/// idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)), with N the documents, df those holding t, |d|
/// the document's terms and avgdl their mean over the N documents.
public struct BM25Parameters: Sendable, Equatable {
    /// Term-frequency saturation.
    public var k1: Double
    /// Length normalization, 0 (none) … 1 (full).
    public var b: Double

    /// k1 = 1.2, b = 0.75 unless given.
    public init(k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
    }

    /// The inverse document frequency of a term in `df` of `documents` documents.
    @inline(__always)
    public static func idf(documentFrequency df: Int, documents: Int) -> Double {
        Foundation.log(1 + (Double(documents) - Double(df) + 0.5) / (Double(df) + 0.5))
    }

    /// One term's contribution to a document's score.
    @inline(__always)
    public func termScore(idf: Double, frequency tf: UInt32, length: UInt32, averageLength: Double) -> Double {
        let tf = Double(tf), norm = averageLength > 0 ? Double(length) / averageLength : 0
        return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * norm))
    }
}
