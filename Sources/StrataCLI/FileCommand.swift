import ArgumentParser
import Strata

/// `strata file …`: write, read, inspect and verify single data files.
struct FileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file",
        abstract: "Write, read, inspect and verify Strata data files.",
        subcommands: [FileWrite.self, FileCat.self, FileInspect.self, FileVerify.self]
    )
}

/// Splits a local file path into a store rooted at its directory and the object name.
func openLocal(_ path: String) throws(StrataError) -> (store: LocalFileStore, name: String) {
    guard !path.isEmpty, !path.hasSuffix("/") else { throw .invalidInput(what: "path '\(path)'", why: "must name a file") }
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    return (try LocalFileStore(directory: directory), name)
}

/// Opens a data file for reading.
func openReader(_ path: String) async throws(StrataError) -> FileReader {
    let (store, name) = try openLocal(path)
    do {
        return try await FileReader.open(store: store, path: name)
    } catch {
        throw error.renamingPath(name, to: path)
    }
}

extension StrataError {
    /// The same error, naming the user's path instead of the store-relative object name.
    func renamingPath(_ object: String, to path: String) -> StrataError {
        func fix(_ p: String) -> String { p == object ? path : p }
        switch self {
        case let .corruption(p, offset, kind, detail): return .corruption(path: fix(p), offset: offset, kind: kind, detail: detail)
        case let .incompatibleVersion(p, found, supported): return .incompatibleVersion(path: fix(p), found: found, supported: supported)
        case let .unsupportedFeature(p, feature): return .unsupportedFeature(path: fix(p), feature: feature)
        case let .notFound(p): return .notFound(path: fix(p))
        case let .alreadyExists(p): return .alreadyExists(path: fix(p))
        case let .storageFull(p): return .storageFull(path: fix(p))
        case let .io(p, operation, code, message): return .io(path: fix(p), operation: operation, code: code, message: message)
        case .invalidInput, .invalidQuery, .commitConflict, .retriesExhausted, .cancelled: return self
        }
    }
}

/// Parses a comma-separated list option.
func commaList(_ text: String?) -> [String]? {
    text.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimming { $0 == " " } } }
}
