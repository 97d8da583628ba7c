/// The one public error type of Strata. Every case carries enough to act on the problem
/// without a debugger: the file and offset of a corruption, the versions that do not match,
/// the input that was rejected and why.
///
/// Policy (ARCHITECTURE.md, "Errors"): programmer misuse is a `precondition`; bad bytes, I/O
/// failures and bad user input are thrown as a `StrataError`, never a trap.
public enum StrataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stored bytes are not what the format allows: `path` is the object, `offset` the byte
    /// position where the problem was detected (when known), `kind` the class of damage.
    case corruption(path: String, offset: UInt64?, kind: CorruptionKind, detail: String)
    /// The data was written by an incompatible format version.
    case incompatibleVersion(path: String, found: String, supported: String)
    /// The data uses a feature (encoding, codec, type) that this build does not implement.
    case unsupportedFeature(path: String, feature: String)
    /// A caller-supplied value, schema or argument is unacceptable: `what` names it, `why`
    /// says what is wrong with it.
    case invalidInput(what: String, why: String)
    /// The object or entity does not exist.
    case notFound(path: String)
    /// The object already exists (put-if-absent lost, or a create over an existing name).
    case alreadyExists(path: String)
    /// The storage medium has no space left.
    case storageFull(path: String)
    /// A commit cannot go on: a concurrent commit (version `version` of the table at `table`)
    /// changed the same rows, so rebasing would lose or contradict its change. Retrying the
    /// same operation cannot help; re-read the table and decide again.
    case commitConflict(table: String, version: UInt64, detail: String)
    /// A commit kept losing races to concurrent writers for `attempts` attempts; the last
    /// version it saw is `version`. Nothing was written; the operation may be tried again.
    case retriesExhausted(table: String, version: UInt64, attempts: Int)
    /// Any other I/O failure: `operation` is the system call or step, `code` the errno (0 if none).
    case io(path: String, operation: String, code: Int32, message: String)
    /// A query, expression or SQL statement is not valid: `message` says why, `offset` is
    /// the position (in characters, from 0) of the offending token in the statement text,
    /// nil when no single token is at fault.
    case invalidQuery(message: String, offset: Int?)
    /// The work was cancelled (the calling task's cancellation; Ctrl-C in the shell) before
    /// it finished. A statement cancelled before its commit wrote nothing.
    case cancelled

    /// A one-line human-readable description.
    public var description: String {
        switch self {
        case let .corruption(path, offset, kind, detail):
            let at = offset.map { " at offset \($0)" } ?? ""
            return "corrupt data in '\(path)'\(at): \(kind.rawValue): \(detail)"
        case let .incompatibleVersion(path, found, supported):
            return "'\(path)' has format version \(found); this build reads \(supported)"
        case let .unsupportedFeature(path, feature):
            return "'\(path)' uses \(feature), which this build does not support"
        case let .invalidInput(what, why):
            return "invalid \(what): \(why)"
        case let .notFound(path):
            return "'\(path)' not found"
        case let .alreadyExists(path):
            return "'\(path)' already exists"
        case let .storageFull(path):
            return "no space left on device while writing '\(path)'"
        case let .commitConflict(table, version, detail):
            return "commit conflict in table '\(table)' with version \(version): \(detail)"
        case let .retriesExhausted(table, version, attempts):
            return "commit to table '\(table)' lost \(attempts) races to concurrent writers (last seen version \(version)); nothing was written, try again"
        case let .io(path, operation, code, message):
            return "I/O error in \(operation) on '\(path)': \(message)\(code != 0 ? " (errno \(code))" : "")"
        case let .invalidQuery(message, offset):
            return offset.map { "\(message) (at character \($0 + 1))" } ?? message
        case .cancelled:
            return "cancelled"
        }
    }

    /// Whether the error means stored data is damaged or unreadable by this build (the CLI's
    /// exit status 2), as opposed to bad input or an environment failure.
    public var isDataError: Bool {
        switch self {
        case .corruption, .incompatibleVersion, .unsupportedFeature: return true
        default: return false
        }
    }
}

/// The class of damage found in stored bytes. Each negative conformance fixture raises its own.
public enum CorruptionKind: String, Sendable, Hashable, CaseIterable {
    /// The object is shorter than its own structure requires.
    case truncated
    /// The magic bytes at the head or tail are wrong: this is not a Strata file.
    case badMagic = "bad magic"
    /// Stored bytes do not match their recorded checksum.
    case checksumMismatch = "checksum mismatch"
    /// An offset or length points outside the object or its enclosing region.
    case offsetOutOfBounds = "offset out of bounds"
    /// Metadata that passed its checksum is inconsistent or undecodable.
    case malformedMetadata = "malformed metadata"
    /// A page that passed its checksum cannot be decoded as declared.
    case malformedPage = "malformed page"
}

extension StrataError {
    /// Throws `.cancelled` when the current task has been cancelled: long work calls it
    /// between steps (a batch of rows, a part of a file) so that cancelling takes effect soon.
    public static func checkCancellation() throws(StrataError) {
        if Task.isCancelled { throw .cancelled }
    }
}
