import StrataCore

/// How a page's values are laid out in its body (spec/format.md, "Encodings").
public enum PageEncoding: String, Sendable, Hashable, CaseIterable {
    /// Fixed-width values (or bits, for bool) back to back.
    case plain
    /// Integers and timestamps as bit-packed offsets from the page minimum (frame of reference).
    case bitpacked
    /// Distinct values once, plus a bit-packed index per row (strings, binary, json).
    case dictionary
    /// Variable-width values as offsets plus concatenated bytes.
    case varbinary
    /// Vectors: `dimension` elements per row, back to back.
    case fixedSizeList = "fixed-size-list"

    /// Whether this encoding can store values of `type`.
    public func supports(_ type: DataType) -> Bool {
        switch self {
        case .plain: return !type.isVariableWidth && !type.isVector
        case .bitpacked: return type.isSignedInteger || type.isUnsignedInteger
        case .dictionary, .varbinary: return type.isVariableWidth
        case .fixedSizeList: return type.isVector
        }
    }

    var proto: Strata_File_Encoding {
        switch self {
        case .plain: return .plain
        case .bitpacked: return .bitpacked
        case .dictionary: return .dictionary
        case .varbinary: return .varbinary
        case .fixedSizeList: return .fixedSizeList
        }
    }

    init?(_ proto: Strata_File_Encoding) {
        switch proto {
        case .plain: self = .plain
        case .bitpacked: self = .bitpacked
        case .dictionary: self = .dictionary
        case .varbinary: self = .varbinary
        case .fixedSizeList: self = .fixedSizeList
        default: return nil
        }
    }
}

/// The general-purpose compression applied to a whole page body.
public enum PageCodec: String, Sendable, Hashable, CaseIterable {
    /// Stored as is: the page can be read by byte range.
    case none
    /// LZ4 block: fast to decompress, moderate ratio.
    case lz4
    /// Zstandard frame: better ratio, still fast to decompress.
    case zstd

    var proto: Strata_File_Codec {
        switch self {
        case .none: return .none
        case .lz4: return .lz4
        case .zstd: return .zstd
        }
    }

    init?(_ proto: Strata_File_Codec) {
        switch proto {
        case .none: self = .none
        case .lz4: self = .lz4
        case .zstd: self = .zstd
        default: return nil
        }
    }
}
