import Foundation
import StrataCore

/// What a page records about its values, for pruning (skipping pages a predicate cannot match).
///
/// `min` and `max` bound every non-null, non-NaN value of the page; nil means unknown (all
/// values null or NaN, vectors and json, or strings longer than
/// `FileLayout.maxStatisticsBytes`).
public struct PageStatistics: Sendable, Hashable {
    /// Rows in the page.
    public var rowCount: Int
    /// Null rows in the page.
    public var nullCount: Int
    /// NaN values (float columns only).
    public var nanCount: Int
    /// Smallest value, when known.
    public var min: Value?
    /// Largest value, when known.
    public var max: Value?

    /// Computes the statistics of `column`; `wide` is the column widened by
    /// `IntegerWidening.widen` for integer and timestamp columns.
    /// - Complexity: O(n).
    static func compute(_ column: ColumnBuffer, wide: [UInt64]?) -> PageStatistics {
        var stats = PageStatistics(rowCount: column.count, nullCount: column.nullCount, nanCount: 0, min: nil, max: nil)
        switch column.type {
        case .int8, .int16, .int32, .int64, .timestamp, .uint8, .uint16, .uint32, .uint64:
            let signed = column.type.isSignedInteger
            if let (low, high) = IntegerWidening.range(wide!, validity: column.validity, signed: signed) {
                func value(_ bits: UInt64) -> Value {
                    column.type == .timestamp ? .timestamp(Int64(bitPattern: bits)) : signed ? .int(Int64(bitPattern: bits)) : .uint(bits)
                }
                (stats.min, stats.max) = (value(low), value(high))
            }
        case .float32:
            let bounds = floatBounds(column, as: UInt32.self) { Double(Float(bitPattern: $0)) }
            stats.nanCount = bounds.nanCount
            if let (low, high) = bounds.range { (stats.min, stats.max) = (.float32(Float(low)), .float32(Float(high))) }
        case .float64:
            let bounds = floatBounds(column, as: UInt64.self) { Double(bitPattern: $0) }
            stats.nanCount = bounds.nanCount
            if let (low, high) = bounds.range { (stats.min, stats.max) = (.float64(low), .float64(high)) }
        case .bool:
            var sawTrue = false, sawFalse = false
            for i in 0..<column.count where !column.isNull(i) {
                if (column.values[i >> 3] >> UInt8(i & 7)) & 1 == 1 { sawTrue = true } else { sawFalse = true }
            }
            if sawTrue || sawFalse { (stats.min, stats.max) = (.bool(!sawFalse), .bool(sawTrue)) }
        case .string, .binary:
            // Bytewise min and max over byte ranges, without materializing values.
            var low: Range<Int>?, high: Range<Int>?
            column.values.withUnsafeBytes { raw in
                func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
                    let common = Swift.min(a.count, b.count)
                    let order = common == 0 ? 0 : memcmp(raw.baseAddress! + a.lowerBound, raw.baseAddress! + b.lowerBound, common)
                    return order < 0 || (order == 0 && a.count < b.count)
                }
                for i in 0..<column.count where !column.isNull(i) {
                    let v = column.offsets[i]..<column.offsets[i + 1]
                    if low == nil || precedes(v, low!) { low = v }
                    if high == nil || precedes(high!, v) { high = v }
                }
            }
            func value(_ range: Range<Int>?) -> Value? {
                guard let range, range.count <= FileLayout.maxStatisticsBytes else { return nil }
                let bytes = column.values[range]
                return column.type == .string ? .string(String(decoding: bytes, as: UTF8.self)) : .binary(Array(bytes))
            }
            (stats.min, stats.max) = (value(low), value(high))
        case .json, .vector:
            break
        }
        return stats
    }

    /// Min and max (ignoring nulls and NaN; -0.0 below +0.0) and the NaN count of a float column
    /// whose values are stored as `Bits`.
    private static func floatBounds<Bits: FixedWidthInteger>(
        _ column: ColumnBuffer, as: Bits.Type, _ decode: (Bits) -> Double
    ) -> (range: (Double, Double)?, nanCount: Int) {
        var low = Double.infinity, high = -Double.infinity, any = false, nans = 0
        column.values.withUnsafeBytes { raw in
            for i in 0..<column.count where !column.isNull(i) {
                let v = decode(Bits(littleEndian: raw.loadUnaligned(fromByteOffset: i &* MemoryLayout<Bits>.size, as: Bits.self)))
                if v.isNaN { nans += 1; continue }
                if v < low || (v == low && v.sign == .minus) { low = v }
                if v > high || (v == high && v.sign == .plus) { high = v }
                any = true
            }
        }
        return (any ? (low, high) : nil, nans)
    }

    var proto: Strata_File_Statistics {
        var out = Strata_File_Statistics()
        out.nanCount = UInt64(nanCount)
        if let min { out.min = PageStatistics.scalar(min) }
        if let max { out.max = PageStatistics.scalar(max) }
        return out
    }

    /// Reads statistics back; a value whose kind does not suit `type` is dropped (unknown).
    init(_ proto: Strata_File_Statistics, rowCount: Int, nullCount: Int, type: DataType) {
        self.rowCount = rowCount
        self.nullCount = nullCount
        nanCount = Int(clamping: proto.nanCount)
        min = proto.hasMin ? PageStatistics.value(proto.min, type: type) : nil
        max = proto.hasMax ? PageStatistics.value(proto.max, type: type) : nil
    }

    private init(rowCount: Int, nullCount: Int, nanCount: Int, min: Value?, max: Value?) {
        self.rowCount = rowCount
        self.nullCount = nullCount
        self.nanCount = nanCount
        self.min = min
        self.max = max
    }

    private static func scalar(_ value: Value) -> Strata_File_ScalarValue {
        var out = Strata_File_ScalarValue()
        switch value {
        case let .bool(v): out.boolValue = v
        case let .int(v), let .timestamp(v): out.intValue = v
        case let .uint(v): out.uintValue = v
        case let .float32(v): out.float32Value = v
        case let .float64(v): out.float64Value = v
        case let .string(v): out.bytesValue = Data(v.utf8)
        case let .binary(v): out.bytesValue = Data(v)
        case .null, .json, .vector: break
        }
        return out
    }

    private static func value(_ scalar: Strata_File_ScalarValue, type: DataType) -> Value? {
        switch (scalar.value, type) {
        case let (.boolValue(v)?, .bool): return .bool(v)
        case let (.intValue(v)?, .timestamp): return .timestamp(v)
        case let (.intValue(v)?, _) where type.isSignedInteger: return .int(v)
        case let (.uintValue(v)?, _) where type.isUnsignedInteger: return .uint(v)
        case let (.float32Value(v)?, .float32): return .float32(v)
        case let (.float64Value(v)?, .float64): return .float64(v)
        case let (.bytesValue(v)?, .string): return .string(String(decoding: v, as: UTF8.self))
        case let (.bytesValue(v)?, .binary): return .binary(Array(v))
        default: return nil
        }
    }
}
