import StrataCore

/// Conversion between `Schema` and its protobuf form.
package enum SchemaCoding {
    package static func proto(_ schema: Schema) -> Strata_File_Schema {
        var out = Strata_File_Schema()
        out.metadata = schema.metadata
        out.fields = schema.fields.map { field in
            var f = Strata_File_Field()
            f.id = field.id
            f.name = field.name
            f.nullable = field.nullable
            f.metadata = field.metadata
            switch field.type {
            case .bool: f.type = .bool
            case .int8: f.type = .int8
            case .int16: f.type = .int16
            case .int32: f.type = .int32
            case .int64: f.type = .int64
            case .uint8: f.type = .uint8
            case .uint16: f.type = .uint16
            case .uint32: f.type = .uint32
            case .uint64: f.type = .uint64
            case .float32: f.type = .float32
            case .float64: f.type = .float64
            case .timestamp: f.type = .timestamp
            case .string: f.type = .string
            case .binary: f.type = .binary
            case .json: f.type = .json
            case let .vector(element, dimension):
                f.type = .vector
                f.vectorDimension = UInt32(dimension)
                switch element {
                case .float32: f.vectorElement = .float32
                case .float16: f.vectorElement = .float16
                case .int8: f.vectorElement = .int8
                }
            }
            return f
        }
        return out
    }

    /// Reads a schema back, refusing types this build does not know.
    package static func schema(_ proto: Strata_File_Schema, path: String) throws(StrataError) -> Schema {
        var fields: [Field] = []
        for f in proto.fields {
            fields.append(Field(id: f.id, name: f.name, type: try type(f, path: path), nullable: f.nullable, metadata: f.metadata))
        }
        do {
            return try Schema(fields: fields, metadata: proto.metadata)
        } catch {
            throw .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: "schema: \(error)")
        }
    }

    private static func type(_ f: Strata_File_Field, path: String) throws(StrataError) -> DataType {
        switch f.type {
        case .bool: return .bool
        case .int8: return .int8
        case .int16: return .int16
        case .int32: return .int32
        case .int64: return .int64
        case .uint8: return .uint8
        case .uint16: return .uint16
        case .uint32: return .uint32
        case .uint64: return .uint64
        case .float32: return .float32
        case .float64: return .float64
        case .timestamp: return .timestamp
        case .string: return .string
        case .binary: return .binary
        case .json: return .json
        case .vector:
            let element: VectorElement
            switch f.vectorElement {
            case .float32: element = .float32
            case .float16: element = .float16
            case .int8: element = .int8
            case .unspecified:
                throw .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: "field '\(f.name)' has no vector element type")
            case let .UNRECOGNIZED(code):
                throw .unsupportedFeature(path: path, feature: "vector element type \(code) (field '\(f.name)')")
            }
            guard (1...DataType.maxVectorDimension).contains(Int(f.vectorDimension)) else {
                throw .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: "field '\(f.name)' has vector dimension \(f.vectorDimension)")
            }
            return .vector(element, dimension: Int(f.vectorDimension))
        case .unspecified:
            throw .corruption(path: path, offset: nil, kind: .malformedMetadata, detail: "field '\(f.name)' has no type")
        case let .UNRECOGNIZED(code):
            throw .unsupportedFeature(path: path, feature: "logical type \(code) (field '\(f.name)')")
        }
    }
}
