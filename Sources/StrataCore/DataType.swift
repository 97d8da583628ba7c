/// The element type of a vector column.
public enum VectorElement: String, Sendable, Hashable, CaseIterable {
    /// IEEE 754 binary32.
    case float32
    /// IEEE 754 binary16; values are rounded to nearest on write.
    case float16
    /// Signed 8-bit integers (for example scalar-quantized embeddings).
    case int8

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float32: return 4
        case .float16: return 2
        case .int8: return 1
        }
    }
}

/// The logical type of a column.
public enum DataType: Sendable, Hashable, CustomStringConvertible {
    /// true or false.
    case bool
    /// Signed two's-complement integers of 8, 16, 32 and 64 bits.
    case int8, int16, int32, int64
    /// Unsigned integers of 8, 16, 32 and 64 bits.
    case uint8, uint16, uint32, uint64
    /// IEEE 754 binary32 and binary64.
    case float32, float64
    /// Microseconds since the Unix epoch, UTC, as a signed 64-bit integer.
    case timestamp
    /// UTF-8 text.
    case string
    /// Arbitrary bytes.
    case binary
    /// Validated JSON text (UTF-8).
    case json
    /// A fixed-size list of `dimension` elements (1…65,536).
    case vector(VectorElement, dimension: Int)

    /// The largest vector dimension a schema may declare.
    public static let maxVectorDimension = 65_536

    /// The scalar types, in a stable order (vectors excluded).
    public static let scalarTypes: [DataType] = [
        .bool, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64,
        .float32, .float64, .timestamp, .string, .binary, .json,
    ]

    /// The type's name as written in schemas: `int64`, `vector(float32,384)`, ….
    public var description: String {
        switch self {
        case .bool: return "bool"
        case .int8: return "int8"
        case .int16: return "int16"
        case .int32: return "int32"
        case .int64: return "int64"
        case .uint8: return "uint8"
        case .uint16: return "uint16"
        case .uint32: return "uint32"
        case .uint64: return "uint64"
        case .float32: return "float32"
        case .float64: return "float64"
        case .timestamp: return "timestamp"
        case .string: return "string"
        case .binary: return "binary"
        case .json: return "json"
        case let .vector(element, dimension): return "vector(\(element.rawValue),\(dimension))"
        }
    }

    /// Parses a type name (`int64`, `vector(float16, 768)`); surrounding spaces are ignored.
    /// - Throws: `StrataError.invalidInput` naming the text and the accepted names.
    public init(parsing text: String) throws(StrataError) {
        let name = text.filter { !$0.isWhitespace }
        if let scalar = DataType.scalarTypes.first(where: { $0.description == name }) {
            self = scalar
            return
        }
        guard name.hasPrefix("vector("), name.hasSuffix(")") else {
            throw .invalidInput(
                what: "type '\(text)'",
                why: "expected one of \(DataType.scalarTypes.map(\.description).joined(separator: ", ")) or vector(ELEM,DIM)")
        }
        let inner = name.dropFirst("vector(".count).dropLast()
        let parts = inner.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let element = VectorElement(rawValue: String(parts[0])) else {
            throw .invalidInput(what: "type '\(text)'", why: "expected vector(float32|float16|int8,DIM)")
        }
        guard let dimension = Int(parts[1]), (1...DataType.maxVectorDimension).contains(dimension) else {
            throw .invalidInput(what: "type '\(text)'", why: "vector dimension must be an integer in 1…\(DataType.maxVectorDimension)")
        }
        self = .vector(element, dimension: dimension)
    }

    /// Bytes per value for fixed-width types (vectors: dimension × element width); nil for
    /// `bool` (one bit per value) and for variable-width types.
    public var fixedWidth: Int? {
        switch self {
        case .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64, .timestamp: return 8
        case let .vector(element, dimension): return element.byteWidth * dimension
        case .bool, .string, .binary, .json: return nil
        }
    }

    /// Whether values are variable-length byte strings (string, binary, json).
    public var isVariableWidth: Bool {
        switch self {
        case .string, .binary, .json: return true
        default: return false
        }
    }

    /// Whether the type is a signed integer (timestamps included).
    public var isSignedInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64, .timestamp: return true
        default: return false
        }
    }

    /// Whether the type is an unsigned integer.
    public var isUnsignedInteger: Bool {
        switch self {
        case .uint8, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }

    /// Whether the type is float32 or float64.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// Whether the type is a vector.
    public var isVector: Bool {
        if case .vector = self { return true }
        return false
    }
}
