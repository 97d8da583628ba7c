import StrataCore
import SwiftProtobuf

/// A named reference to a version of a table.
public struct Tag: Sendable, Hashable {
    /// The tag's name.
    public var name: String
    /// The version it names.
    public var version: UInt64
    /// When the tag was created, microseconds since the Unix epoch, UTC.
    public var createdMicros: Int64

    /// Creates a tag value.
    public init(name: String, version: UInt64, createdMicros: Int64) {
        self.name = name
        self.version = version
        self.createdMicros = createdMicros
    }

    /// The tag envelope's magic.
    package static let magic: [UInt8] = Array("STRT".utf8)

    /// The bytes of the tag's object.
    package func encoded() -> [UInt8] {
        var proto = Strata_Table_Tag()
        proto.name = name
        proto.version = version
        proto.createdMicros = createdMicros
        // Serializing a message of plain values cannot fail.
        return FramedObject.encode(magic: Self.magic, payload: try! proto.serializedBytes())
    }

    /// Decodes a tag object read from `path`.
    package init(decoding bytes: [UInt8], path: String) throws(StrataError) {
        let payload = try FramedObject.decode(bytes, magic: Self.magic, path: path)
        guard let proto = try? Strata_Table_Tag(serializedBytes: Array(payload)) else {
            throw .corruption(path: path, offset: 8, kind: .malformedMetadata, detail: "undecodable tag")
        }
        self.init(name: proto.name, version: proto.version, createdMicros: proto.createdMicros)
    }
}
