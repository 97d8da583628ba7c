/// How the distance between two vectors is measured. Every metric is a distance: smaller is
/// nearer, so one top-k routine serves all three.
///
/// - `l2`: the squared Euclidean distance Σ(aᵢ − bᵢ)² (the square root is monotone and is
///   never needed to rank).
/// - `cosine`: 1 − a·b / (‖a‖‖b‖), in 0…2; 1 when either vector is all zeros.
/// - `dot`: −a·b, so that the largest inner product ranks first.
public enum VectorMetric: String, Sendable, Hashable, CaseIterable {
    case l2
    case cosine
    case dot
}
