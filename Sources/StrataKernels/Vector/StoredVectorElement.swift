/// An element type vectors are stored in, read as `Float` sixteen lanes at a time. The
/// distance kernels are generic over it, so float32, float16 and int8 storage share one loop
/// and each specialization compiles to straight SIMD code.
public protocol StoredVectorElement {
    /// Bytes per stored element.
    static var byteWidth: Int { get }
    /// Elements `index ..< index + 16` of the vector at `base`, as floats.
    static func load16(_ base: UnsafeRawPointer, at index: Int) -> SIMD16<Float>
    /// Element `index` of the vector at `base`, as a float.
    static func load1(_ base: UnsafeRawPointer, at index: Int) -> Float
}

/// IEEE 754 binary32, little-endian.
public enum Float32Element: StoredVectorElement {
    @inlinable public static var byteWidth: Int { 4 }

    @inlinable @inline(__always)
    public static func load16(_ base: UnsafeRawPointer, at index: Int) -> SIMD16<Float> {
        base.loadUnaligned(fromByteOffset: index &* 4, as: SIMD16<Float>.self)
    }

    @inlinable @inline(__always)
    public static func load1(_ base: UnsafeRawPointer, at index: Int) -> Float {
        base.loadUnaligned(fromByteOffset: index &* 4, as: Float.self)
    }
}

/// IEEE 754 binary16, little-endian, widened exactly to binary32.
public enum Float16Element: StoredVectorElement {
    @inlinable public static var byteWidth: Int { 2 }

    /// Widens sixteen binary16 bit patterns with integer SIMD operations (no per-element
    /// library call, which is what a plain conversion costs without F16C): the exponent and
    /// mantissa are shifted into binary32 position and rescaled by 2¹¹², which is exact for
    /// normal and subnormal halves alike; infinities and NaNs get the all-ones exponent.
    @inlinable @inline(__always)
    public static func load16(_ base: UnsafeRawPointer, at index: Int) -> SIMD16<Float> {
        let halves = SIMD16<UInt32>(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: index &* 2, as: SIMD16<UInt16>.self))
        let magnitude = halves & 0x7FFF
        let sign = (halves & 0x8000) &<< 16
        let scaled = unsafeBitCast(magnitude &<< 13, to: SIMD16<Float>.self) * 0x1p112
        var bits = unsafeBitCast(scaled, to: SIMD16<UInt32>.self)
        bits.replace(with: (magnitude &<< 13) | 0x7F80_0000, where: magnitude .>= 0x7C00)
        return unsafeBitCast(bits | sign, to: SIMD16<Float>.self)
    }

    /// The scalar form of `load16`'s widening, for tails.
    @inlinable @inline(__always)
    public static func load1(_ base: UnsafeRawPointer, at index: Int) -> Float {
        let half = UInt32(base.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self))
        let magnitude = half & 0x7FFF
        let sign = (half & 0x8000) << 16
        var bits = (Float(bitPattern: magnitude << 13) * 0x1p112).bitPattern
        if magnitude >= 0x7C00 { bits = (magnitude << 13) | 0x7F80_0000 }
        return Float(bitPattern: bits | sign)
    }
}

/// Signed 8-bit integers, each the element's value (no scale: an int8 column stores integers).
public enum Int8Element: StoredVectorElement {
    @inlinable public static var byteWidth: Int { 1 }

    @inlinable @inline(__always)
    public static func load16(_ base: UnsafeRawPointer, at index: Int) -> SIMD16<Float> {
        SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: index, as: SIMD16<Int8>.self)))
    }

    @inlinable @inline(__always)
    public static func load1(_ base: UnsafeRawPointer, at index: Int) -> Float {
        Float(base.loadUnaligned(fromByteOffset: index, as: Int8.self))
    }
}
