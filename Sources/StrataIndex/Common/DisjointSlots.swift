/// Slots of a buffer that concurrent workers fill, each writing only the indices it owns;
/// the buffer outlives the workers (they run inside its `withUnsafeMutableBufferPointer`).
struct DisjointSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}
