import CRoaring

/// An immutable set of 32-bit integers held as a roaring bitmap (CRoaring): compact for both
/// sparse and dense sets, with fast membership tests. Strata uses it for deletion vectors
/// (the deleted row offsets of one fragment).
///
/// Values are immutable; operations that change the set return a new one, so a bitmap can be
/// shared between threads and snapshots freely.
public struct RoaringBitmap: Sendable, Equatable {
    private let storage: Storage

    /// The empty set.
    public init() {
        storage = Storage(roaring_bitmap_create())
    }

    /// The set of `values` (any order, duplicates allowed).
    /// - Complexity: O(n log n) for unsorted input.
    public init(_ values: some Sequence<UInt32>) {
        let array = Array(values)
        let bitmap = roaring_bitmap_create_with_capacity(UInt32(clamping: array.count))
        // Safety: `array` holds `array.count` contiguous UInt32 values for the duration of the call.
        array.withUnsafeBufferPointer { roaring_bitmap_add_many(bitmap, $0.count, $0.baseAddress) }
        roaring_bitmap_run_optimize(bitmap)
        storage = Storage(bitmap)
    }

    /// Decodes the portable roaring serialization, or returns nil when `bytes` is not exactly
    /// one valid serialized bitmap of at most `maxCount` values.
    ///
    /// The decoded containers are walked value by value (never trusting the cardinalities
    /// the input declares) and must give strictly increasing values; the set is then rebuilt
    /// from them, so a crafted input cannot leave an inconsistent bitmap behind. `maxCount`
    /// bounds the work and memory: a run container holds 65,536 values in a few bytes, so the
    /// input's size says nothing about its value count.
    /// - Complexity: O(values), at most O(maxCount).
    public init?(portableBytes bytes: [UInt8], maxCount: Int) {
        // Safety: the buffer is `bytes.count` long and the `_safe` entry points read at most
        // `maxbytes` from it.
        let decoded: UnsafeMutablePointer<roaring_bitmap_t>? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress, roaring_bitmap_portable_deserialize_size(base, chars.count) == chars.count
                else { return nil }
                return roaring_bitmap_portable_deserialize_safe(base, chars.count)
            }
        }
        guard let raw = decoded else { return nil }
        defer { roaring_bitmap_free(raw) }
        guard let iterator = roaring_create_iterator(raw) else { return nil }
        defer { roaring_free_uint32_iterator(iterator) }
        var values: [UInt32] = []
        var previous: UInt32?
        while iterator.pointee.has_value {
            let value = iterator.pointee.current_value
            guard values.count < maxCount, previous.map({ $0 < value }) ?? true else { return nil }
            values.append(value)
            previous = value
            roaring_advance_uint32_iterator(iterator)
        }
        self.init(values)
    }

    /// The number of values in the set.
    /// - Complexity: O(containers).
    public var count: Int { Int(roaring_bitmap_get_cardinality(storage.bitmap)) }

    /// Whether the set is empty.
    public var isEmpty: Bool { roaring_bitmap_is_empty(storage.bitmap) }

    /// The largest value, or nil when empty.
    public var max: UInt32? { isEmpty ? nil : roaring_bitmap_maximum(storage.bitmap) }

    /// Whether `value` is in the set.
    /// - Complexity: O(log containers).
    @inline(__always)
    public func contains(_ value: UInt32) -> Bool {
        roaring_bitmap_contains(storage.bitmap, value)
    }

    /// The union of this set and `other`.
    public func union(_ other: RoaringBitmap) -> RoaringBitmap {
        RoaringBitmap(storage: Storage(roaring_bitmap_or(storage.bitmap, other.storage.bitmap)))
    }

    /// The values in increasing order.
    public var values: [UInt32] {
        var result = [UInt32](repeating: 0, count: count)
        // Safety: `result` has exactly `cardinality` slots.
        result.withUnsafeMutableBufferPointer { roaring_bitmap_to_uint32_array(storage.bitmap, $0.baseAddress) }
        return result
    }

    /// The portable serialization (the format other roaring implementations read too).
    public var portableBytes: [UInt8] {
        let size = roaring_bitmap_portable_size_in_bytes(storage.bitmap)
        var bytes = [UInt8](repeating: 0, count: size)
        // Safety: the buffer has exactly the size the library asked for.
        bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = roaring_bitmap_portable_serialize(storage.bitmap, $0.baseAddress) }
        }
        return bytes
    }

    public static func == (lhs: RoaringBitmap, rhs: RoaringBitmap) -> Bool {
        roaring_bitmap_equals(lhs.storage.bitmap, rhs.storage.bitmap)
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// Owns one C bitmap. It is never mutated after construction, which is what makes sharing
    /// it across threads safe.
    private final class Storage: @unchecked Sendable {
        let bitmap: UnsafeMutablePointer<roaring_bitmap_t>

        init(_ bitmap: UnsafeMutablePointer<roaring_bitmap_t>?) {
            guard let bitmap else { fatalError("roaring: out of memory") }
            self.bitmap = bitmap
        }

        deinit { roaring_bitmap_free(bitmap) }
    }
}
