import StrataCore

/// Where Strata keeps its bytes: a flat namespace of immutable objects named by
/// `/`-separated relative paths (`data/3f2a….strata`), like an object-storage bucket.
///
/// Objects are written whole (or streamed through a writer and published whole): a reader
/// never sees a partly written object under its final name. That one guarantee is what the
/// table layer's commit protocol stands on.
///
/// Paths are validated by every implementation: not empty, relative, no `.` or `..`
/// components, no empty components, no NUL. An invalid path throws `.invalidInput`.
public protocol ObjectStore: Sendable {
    /// Reads `range` of the object at `path`.
    /// - Throws: `.notFound`; `.corruption(kind: .offsetOutOfBounds)` when the range
    ///   extends past the end of the object; `.io`.
    func read(_ path: String, range: Range<UInt64>) async throws(StrataError) -> [UInt8]

    /// Opens the object for repeated ranged reads (one file descriptor, one size lookup).
    /// - Throws: `.notFound`, `.io`.
    func openForReading(_ path: String) async throws(StrataError) -> any ObjectReadHandle

    /// The object's size in bytes.
    /// - Throws: `.notFound`, `.io`.
    func size(of path: String) async throws(StrataError) -> UInt64

    /// Creates or replaces the object at `path` with `bytes`, atomically and durably: when
    /// this returns, the whole object is stored; if it throws, the previous object (or none)
    /// is still there.
    /// - Throws: `.storageFull`, `.io`.
    func write(_ path: String, bytes: [UInt8]) async throws(StrataError)

    /// Creates the object only if no object has that name, atomically: of two racing
    /// callers exactly one succeeds.
    /// - Throws: `.alreadyExists` when the name is taken; `.storageFull`, `.io`.
    func putIfAbsent(_ path: String, bytes: [UInt8]) async throws(StrataError)

    /// Starts a streaming write that is published under `path` (replacing any object) only
    /// by `finish()`, so a large object needs no more memory than one appended chunk.
    func makeWriter(_ path: String) async throws(StrataError) -> any ObjectWriter

    /// The objects whose path starts with `prefix` (a plain string prefix, as in S3), sorted
    /// by path.
    func list(prefix: String) async throws(StrataError) -> [ObjectInfo]

    /// Removes the object at `path`.
    /// - Throws: `.notFound` when there is no such object; `.io`.
    func delete(_ path: String) async throws(StrataError)
}

/// A listed object.
public struct ObjectInfo: Sendable, Hashable {
    /// The object's path.
    public let path: String
    /// Its size in bytes.
    public let size: UInt64
    /// When it was last written, microseconds since the Unix epoch, when the store knows.
    public let modifiedMicros: Int64?

    /// Creates a listing entry.
    public init(path: String, size: UInt64, modifiedMicros: Int64? = nil) {
        self.path = path
        self.size = size
        self.modifiedMicros = modifiedMicros
    }
}

/// An open object for repeated ranged reads.
public protocol ObjectReadHandle: Sendable {
    /// The object's path.
    var path: String { get }
    /// The object's size when it was opened (objects are immutable).
    var size: UInt64 { get }
    /// Reads `range`.
    /// - Throws: `.corruption(kind: .offsetOutOfBounds)` past the end; `.io`.
    func read(_ range: Range<UInt64>) async throws(StrataError) -> [UInt8]
}

/// A streaming write; nothing is visible under the final name until `finish()` returns.
public protocol ObjectWriter: Sendable {
    /// Bytes appended so far.
    var bytesWritten: UInt64 { get }
    /// Appends bytes.
    /// - Throws: `.storageFull`, `.io`; after an error the writer can only be aborted.
    func append(_ bytes: [UInt8]) async throws(StrataError)
    /// Makes the object durable and publishes it under its path.
    func finish() async throws(StrataError)
    /// Discards everything written; the path is left as it was.
    func abort() async
}

extension ObjectStore {
    /// Reads the whole object.
    public func read(_ path: String) async throws(StrataError) -> [UInt8] {
        let handle = try await openForReading(path)
        return try await handle.read(0..<handle.size)
    }
}

/// Checks an object path against the rules in `ObjectStore`'s documentation.
package func validateObjectPath(_ path: String) throws(StrataError) {
    guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0") else {
        throw .invalidInput(what: "object path '\(path)'", why: "must be a non-empty relative path")
    }
    for component in path.split(separator: "/", omittingEmptySubsequences: false) {
        guard !component.isEmpty, component != ".", component != ".." else {
            throw .invalidInput(what: "object path '\(path)'", why: "components must be non-empty and not '.' or '..'")
        }
    }
}

/// Checks a read range against an object's size.
package func validateReadRange(_ range: Range<UInt64>, size: UInt64, path: String) throws(StrataError) {
    guard range.upperBound <= size else {
        throw .corruption(
            path: path, offset: range.lowerBound, kind: .offsetOutOfBounds,
            detail: "read of \(range.count) bytes at \(range.lowerBound) passes the end of the \(size)-byte object")
    }
}
