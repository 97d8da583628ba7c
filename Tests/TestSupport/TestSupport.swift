import Foundation
import Strata

/// A seeded generator for test data: StrataIndex's SplitMix64 (the same seed gives the same
/// data on every machine).
public typealias SeededRandom = SeededGenerator

/// A fresh directory under the system temporary directory, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    /// The directory's path.
    public let path: String

    /// Creates the directory.
    public init() {
        path = NSTemporaryDirectory() + "strata-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Removes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Random values of every type, biased toward the edge cases that break encoders.
public enum RandomData {
    /// A random non-null value of `type`.
    public static func value(_ type: DataType, using rng: inout SeededRandom) -> Value {
        let edge = Int.random(in: 0..<8, using: &rng) == 0
        switch type {
        case .bool: return .bool(Bool.random(using: &rng))
        case .int8: return .int(Int64(edge ? [Int8.min, Int8.max, 0].randomElement(using: &rng)! : Int8.random(in: .min ... .max, using: &rng)))
        case .int16: return .int(Int64(edge ? [Int16.min, Int16.max].randomElement(using: &rng)! : Int16.random(in: -300...300, using: &rng)))
        case .int32: return .int(Int64(edge ? [Int32.min, Int32.max].randomElement(using: &rng)! : Int32.random(in: .min ... .max, using: &rng)))
        case .int64, .timestamp:
            let v = edge ? [Int64.min, Int64.max, -1].randomElement(using: &rng)! : Int64.random(in: 1_000_000...1_000_900, using: &rng)
            return type == .timestamp ? .timestamp(v) : .int(v)
        case .uint8: return .uint(UInt64(UInt8.random(in: .min ... .max, using: &rng)))
        case .uint16: return .uint(UInt64(UInt16.random(in: .min ... .max, using: &rng)))
        case .uint32: return .uint(UInt64(edge ? UInt32.max : UInt32.random(in: 0...70_000, using: &rng)))
        case .uint64: return .uint(edge ? UInt64.max : UInt64.random(in: 0...UInt64.max, using: &rng))
        case .float32:
            if edge { return .float32([Float.nan, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude].randomElement(using: &rng)!) }
            return .float32(Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &rng)) * (Bool.random(using: &rng) ? 1 : -1))
        case .float64:
            if edge { return .float64([Double.nan, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude].randomElement(using: &rng)!) }
            return .float64(Double.random(in: -1e6...1e6, using: &rng))
        case .string:
            let pool = ["", "a", "héllo", "日本語", "😀👩‍👩‍👧", "\u{0}", "agent-7", "session-\(Int.random(in: 0..<5, using: &rng))"]
            if Bool.random(using: &rng) { return .string(pool.randomElement(using: &rng)!) }
            return .string(String((0..<Int.random(in: 0..<40, using: &rng)).map { _ in "abcdefghij klm\n\"é😀".randomElement(using: &rng)! }))
        case .binary:
            return .binary((0..<Int.random(in: 0..<24, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case .json:
            return .json(["{}", "[1,2,3]", "\"x\"", "{\"k\":[true,false,{\"n\":-1.5e3}]}", "12345678901234567890"].randomElement(using: &rng)!)
        case let .vector(element, dimension):
            return .vector((0..<dimension).map { _ in
                switch element {
                case .float32: return Float.random(in: -2...2, using: &rng)
                case .float16: return Float(float16Bits: Float.random(in: -100...100, using: &rng).float16Bits)
                case .int8: return Float(Int8.random(in: .min ... .max, using: &rng))
                }
            })
        }
    }

    /// Every type: all scalars plus vectors of each element type.
    public static let allTypes: [DataType] = DataType.scalarTypes + [
        .vector(.float32, dimension: 3), .vector(.float16, dimension: 5), .vector(.int8, dimension: 7), .vector(.float32, dimension: 1),
    ]

    /// A random column of `count` values of `type`; a fraction `nullRate` are null.
    public static func column(_ type: DataType, count: Int, nullRate: Double, using rng: inout SeededRandom) -> [Value] {
        (0..<count).map { _ in Double.random(in: 0..<1, using: &rng) < nullRate ? .null : value(type, using: &rng) }
    }

    /// A batch of `count` rows over `schema` (nulls only in nullable fields).
    public static func batch(_ schema: Schema, count: Int, nullRate: Double = 0.2, using rng: inout SeededRandom) throws -> (RecordBatch, [[Value]]) {
        let columns = schema.fields.map { column($0.type, count: count, nullRate: $0.nullable ? nullRate : 0, using: &rng) }
        let buffers = try zip(schema.fields, columns).map { try ColumnBuilder.column($0.type, $1) }
        return (try RecordBatch(schema: schema, columns: buffers), columns)
    }
}

/// Whether two value lists are bitwise identical, with the first difference for messages.
public func firstDifference(_ a: [Value], _ b: [Value]) -> String? {
    guard a.count == b.count else { return "counts differ: \(a.count) vs \(b.count)" }
    for i in a.indices where !a[i].isIdentical(to: b[i]) { return "row \(i): \(a[i]) vs \(b[i])" }
    return nil
}
