/// The values of one column for a run of rows, in contiguous memory laid out like the
/// file's plain encodings, so that encoding and decoding are copies rather than conversions.
///
/// Layout by type:
/// - fixed-width types (integers, floats, timestamps, vectors): `values` holds `count × width`
///   little-endian bytes; vectors are `dimension` consecutive elements per row;
/// - `bool`: `values` holds one bit per row, LSB first;
/// - `string`, `binary`, `json`: `values` holds the concatenated bytes and `offsets` the
///   `count + 1` positions where each value starts and the last ends.
///
/// A null row holds zero bytes (fixed width), a zero bit (bool) or an empty value (variable
/// width), so two buffers with the same values have the same bytes.
public struct ColumnBuffer: Sendable {
    /// The column's logical type.
    public let type: DataType
    /// Number of rows.
    public let count: Int
    /// Which rows hold a value; nil when none is null.
    public let validity: ValidityBitmap?
    /// Value bytes, laid out as the type-level comment describes.
    public let values: [UInt8]
    /// For variable-width types, `count + 1` non-decreasing byte offsets into `values`,
    /// starting at 0; empty otherwise.
    public let offsets: [Int]

    /// Wraps buffers that already follow the layout.
    /// - Precondition: the buffers are consistent with `type` and `count` (checked).
    package init(type: DataType, count: Int, validity: ValidityBitmap?, values: [UInt8], offsets: [Int] = []) {
        precondition(validity == nil || validity!.count == count, "validity length differs from row count")
        if type.isVariableWidth {
            precondition(offsets.count == count + 1 && offsets.first == 0 && offsets.last == values.count, "bad offsets")
        } else if let width = type.fixedWidth {
            precondition(values.count == count * width && offsets.isEmpty, "bad fixed-width buffer")
        } else {
            precondition(values.count == (count + 7) / 8 && offsets.isEmpty, "bad bit buffer")
        }
        self.type = type
        self.count = count
        self.validity = validity.flatMap { $0.nullCount == 0 ? nil : $0 }
        self.values = values
        self.offsets = offsets
    }

    /// Number of null rows.
    public var nullCount: Int { validity?.nullCount ?? 0 }

    /// Whether row `index` is null.
    @inlinable
    public func isNull(_ index: Int) -> Bool {
        guard let validity else { return false }
        return !validity.isValid(index)
    }

    /// The bytes of row `index` of a variable-width column.
    public func bytes(at index: Int) -> ArraySlice<UInt8> {
        precondition(type.isVariableWidth, "bytes(at:) needs a variable-width column")
        return values[offsets[index]..<offsets[index + 1]]
    }

    /// Reads row `index` of a fixed-width column as `T`.
    /// - Precondition: `T`'s size equals the type's width.
    @inlinable
    public func fixed<T: FixedWidthInteger>(_ index: Int, as: T.Type) -> T {
        precondition(MemoryLayout<T>.size == type.fixedWidth, "width mismatch")
        return values.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self)) }
    }

    /// Row `index` as a `Value` (`.null` for a null row).
    /// - Complexity: O(1), O(width) for vectors and variable-width values.
    public func value(at index: Int) -> Value {
        precondition(index >= 0 && index < count, "row \(index) outside column of \(count)")
        if isNull(index) { return .null }
        switch type {
        case .bool: return .bool((values[index >> 3] >> UInt8(index & 7)) & 1 == 1)
        case .int8: return .int(Int64(fixed(index, as: Int8.self)))
        case .int16: return .int(Int64(fixed(index, as: Int16.self)))
        case .int32: return .int(Int64(fixed(index, as: Int32.self)))
        case .int64: return .int(fixed(index, as: Int64.self))
        case .uint8: return .uint(UInt64(fixed(index, as: UInt8.self)))
        case .uint16: return .uint(UInt64(fixed(index, as: UInt16.self)))
        case .uint32: return .uint(UInt64(fixed(index, as: UInt32.self)))
        case .uint64: return .uint(fixed(index, as: UInt64.self))
        case .float32: return .float32(Float(bitPattern: fixed(index, as: UInt32.self)))
        case .float64: return .float64(Double(bitPattern: fixed(index, as: UInt64.self)))
        case .timestamp: return .timestamp(fixed(index, as: Int64.self))
        case .string: return .string(String(decoding: bytes(at: index), as: UTF8.self))
        case .json: return .json(String(decoding: bytes(at: index), as: UTF8.self))
        case .binary: return .binary(Array(bytes(at: index)))
        case let .vector(element, dimension):
            return .vector(VectorCoding.decode(values, element: element, from: index * dimension, count: dimension))
        }
    }

    /// The rows in `range`, copied into a new buffer.
    /// - Complexity: O(range.count).
    public func slice(_ range: Range<Int>) -> ColumnBuffer {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice outside column")
        return ColumnBuffer.concatenate([(self, range)], type: type)
    }

    /// Copies the rows at `indices` (any order, repeats allowed) into a new buffer. Runs of
    /// consecutive indices (the common case: rows kept around deleted ones) are copied with
    /// one append each.
    /// - Complexity: O(indices.count + bytes copied).
    public func gather(_ indices: [Int]) -> ColumnBuffer {
        var gatheredValidity: ValidityBitmap?
        if let validity {
            var bits = ValidityBitmap(capacity: indices.count)
            for i in indices { bits.append(validity.isValid(i)) }
            gatheredValidity = bits
        }
        guard type.isVariableWidth || type.fixedWidth != nil else {
            var bits = ValidityBitmap(capacity: indices.count)
            let source = ValidityBitmap(bytes: values, count: count)
            for i in indices { bits.append(source.isValid(i)) }
            return ColumnBuffer(type: type, count: indices.count, validity: gatheredValidity, values: bits.bytes)
        }
        var bytes: [UInt8] = []
        var newOffsets: [Int] = []
        if type.isVariableWidth {
            var total = 0
            for i in indices { total += offsets[i + 1] - offsets[i] }
            bytes.reserveCapacity(total)
            newOffsets.reserveCapacity(indices.count + 1)
            newOffsets.append(0)
        } else {
            bytes.reserveCapacity(indices.count * type.fixedWidth!)
        }
        var k = 0
        while k < indices.count {
            let start = indices[k]
            var end = start + 1
            k += 1
            while k < indices.count && indices[k] == end {
                end += 1
                k += 1
            }
            if type.isVariableWidth {
                let base = bytes.count - offsets[start]
                bytes.append(contentsOf: values[offsets[start]..<offsets[end]])
                for i in start..<end { newOffsets.append(offsets[i + 1] + base) }
            } else {
                let width = type.fixedWidth!
                bytes.append(contentsOf: values[(start * width)..<(end * width)])
            }
        }
        return ColumnBuffer(type: type, count: indices.count, validity: gatheredValidity, values: bytes, offsets: newOffsets)
    }

    /// Concatenates row ranges of buffers of the same type.
    /// - Complexity: O(total rows + total bytes).
    public static func concatenate(_ parts: [(ColumnBuffer, Range<Int>)], type: DataType) -> ColumnBuffer {
        let total = parts.reduce(0) { $0 + $1.1.count }
        let anyNull = parts.contains { $0.0.validity != nil }
        var validity: ValidityBitmap? = anyNull ? ValidityBitmap(capacity: total) : nil
        var values: [UInt8] = []
        var offsets: [Int] = []
        if type.isVariableWidth {
            offsets.reserveCapacity(total + 1)
            offsets.append(0)
        }
        var rowsSoFar = 0
        for (part, range) in parts {
            precondition(part.type == type, "concatenating columns of different types")
            if validity != nil {
                if let partValidity = part.validity {
                    validity!.append(partValidity, range: range)
                } else {
                    validity!.append(ValidityBitmap(repeating: true, count: range.count), range: 0..<range.count)
                }
            }
            if type.isVariableWidth {
                let start = part.offsets[range.lowerBound]
                let base = values.count - start
                values.append(contentsOf: part.values[start..<part.offsets[range.upperBound]])
                for i in range { offsets.append(part.offsets[i + 1] + base) }
            } else if let width = type.fixedWidth {
                values.append(contentsOf: part.values[(range.lowerBound * width)..<(range.upperBound * width)])
            } else {
                var bits = ValidityBitmap(bytes: values, count: rowsSoFar)
                bits.append(ValidityBitmap(bytes: part.values, count: part.count), range: range)
                values = bits.bytes
            }
            rowsSoFar += range.count
        }
        return ColumnBuffer(type: type, count: total, validity: validity, values: values, offsets: offsets)
    }

    /// Whether both buffers hold bitwise-identical values and nulls (`Value.isIdentical`).
    public func isIdentical(to other: ColumnBuffer) -> Bool {
        guard type == other.type, count == other.count else { return false }
        return (0..<count).allSatisfy { value(at: $0).isIdentical(to: other.value(at: $0)) }
    }
}
