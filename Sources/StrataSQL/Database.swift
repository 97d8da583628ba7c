import Foundation
import StrataCore
import StrataQuery
import StrataStorage
import StrataTable
import Synchronization

/// A Strata database: a directory of namespaces, each a directory of tables
/// (spec/sql.md, "The database"). The directories are the catalog; `ctx_meta.meta_tables`
/// and `ctx_meta.meta_columns` mirror it as tables SQL can read, updated by every DDL
/// statement and reconciled when the database opens (so a crash between a DDL statement
/// and its mirror update heals on the next open).
///
/// Several processes may open one database: every table commits with its own protocol,
/// and every statement reads one snapshot of each table it reads.
public final class Database: Sendable {
    /// The database's directory.
    public let directory: String
    /// The namespace of unqualified table names.
    public let defaultNamespace: String
    /// Guards the open table handles, by table directory.
    private let open = Mutex<[String: Table]>([:])
    /// Guards the functions extensions added (`register(tableFunction:_:)`).
    let extensions = Mutex(DatabaseExtensions())

    /// The name of the file that marks a directory as a database.
    static let markerFile = "strata-database.json"
    /// The namespace of the information schema.
    public static let metaNamespace = "ctx_meta"

    private init(directory: String, defaultNamespace: String) {
        self.directory = directory
        self.defaultNamespace = defaultNamespace
    }

    /// Opens the database in `directory`, creating it (with the information schema) when
    /// the directory is missing or empty.
    /// - Throws: `.invalidInput` when the directory holds something else than a database.
    public static func open(directory: String) async throws(StrataError) -> Database {
        let files = FileManager.default
        let marker = directory + "/" + markerFile
        if !files.fileExists(atPath: marker) {
            let existing = (try? files.contentsOfDirectory(atPath: directory)) ?? []
            guard existing.filter({ !$0.hasPrefix(".") }).isEmpty else {
                throw .invalidInput(what: "database directory '\(directory)'", why: "is not empty and is not a Strata database (no \(markerFile))")
            }
            // The marker goes through the store's temporary-file-and-link write: durable, never
            // half-written, and a second process creating the same database at once loses the
            // race harmlessly (Foundation's atomic write leaves a directory behind in /tmp).
            let store = try LocalFileStore(directory: directory)
            _ = try LocalFileStore(directory: directory + "/main")
            let text = #"{"format": "strata-database/1", "default_namespace": "main"}"# + "\n"
            do {
                try await store.putIfAbsent(markerFile, bytes: Array(text.utf8))
            } catch .alreadyExists {
                // Another opener created it first; its marker is read below.
            }
        }
        let database = Database(directory: directory, defaultNamespace: try readDefaultNamespace(marker))
        try await database.prepareInformationSchema()
        return database
    }

    private static func readDefaultNamespace(_ marker: String) throws(StrataError) -> String {
        guard let data = FileManager.default.contents(atPath: marker), let json = try? JSONParser.parse(Array(data)),
              case let .string(format)? = json["format"], format == "strata-database/1" else {
            throw .corruption(path: marker, offset: nil, kind: .malformedMetadata, detail: "not a strata-database/1 marker")
        }
        if case let .string(namespace)? = json["default_namespace"] { return namespace }
        return "main"
    }

    // MARK: Catalog

    /// The namespaces, sorted.
    public func namespaces() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.filter { !$0.hasPrefix(".") && !$0.hasPrefix("_") && isDirectory(directory + "/" + $0) }.sorted()
    }

    /// The tables of `namespace`, sorted.
    public func tables(in namespace: String) -> [String] {
        let path = directory + "/" + namespace
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return entries.filter { !$0.hasPrefix(".") && Self.isTable(path + "/" + $0) }.sorted()
    }

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// Whether `path` holds a committed table (a half-created one has no version yet).
    static func isTable(_ path: String) -> Bool {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: path + "/_versions")) ?? []
        return versions.contains { $0.hasSuffix(".manifest") }
    }

    /// The namespace a name refers to: an exact match, else the one match ignoring case.
    func resolveNamespace(_ name: String?, at offset: Int) throws(StrataError) -> String {
        let wanted = name ?? defaultNamespace
        // The common case, an exact name, costs one lookup rather than a listing.
        if !wanted.hasPrefix("."), !wanted.hasPrefix("_"), !wanted.contains("/"), isDirectory(directory + "/" + wanted) { return wanted }
        let all = namespaces()
        if all.contains(wanted) { return wanted }
        let folded = all.filter { $0.lowercased() == wanted.lowercased() }
        if folded.count == 1 { return folded[0] }
        if name == nil { return wanted }
        throw .invalidQuery(message: "unknown namespace '\(wanted)'\(Suggestions.hint(for: wanted, among: all))", offset: offset)
    }

    /// The namespace and table a name refers to.
    /// - Throws: `.invalidQuery` at the name for an unknown table, with a suggestion.
    func resolve(_ name: TableName) throws(StrataError) -> (namespace: String, table: String) {
        let namespace = try resolveNamespace(name.namespace, at: name.offset)
        // An exact name costs one lookup; a table another process dropped is gone here too.
        if !name.name.hasPrefix("."), !name.name.contains("/"), FileManager.default.fileExists(atPath: path(namespace, name.name) + "/_versions") {
            return (namespace, name.name)
        }
        close(namespace, name.name)
        let all = tables(in: namespace)
        if all.contains(name.name) { return (namespace, name.name) }
        let folded = all.filter { $0.lowercased() == name.name.lowercased() }
        if folded.count == 1 { return (namespace, folded[0]) }
        let everywhere = namespaces().flatMap { ns in tables(in: ns).map { ns == defaultNamespace ? $0 : "\(ns).\($0)" } }
        throw .invalidQuery(message: "unknown table '\(name)'\(Suggestions.hint(for: name.description, among: everywhere))", offset: name.offset)
    }

    /// The directory of a table.
    func path(_ namespace: String, _ table: String) -> String { directory + "/" + namespace + "/" + table }

    /// The open handle of a table (opened once per database object).
    func table(_ namespace: String, _ table: String) async throws(StrataError) -> Table {
        let path = path(namespace, table)
        if let handle = open.withLock({ $0[path] }) { return handle }
        let handle = try await Table.open(directory: path)
        return open.withLock { opened in
            if let raced = opened[path] { return raced }
            opened[path] = handle
            return handle
        }
    }

    /// The handle of the table `name` refers to.
    public func table(_ name: TableName) async throws(StrataError) -> Table {
        let (namespace, table) = try resolve(name)
        return try await self.table(namespace, table)
    }

    /// The handle of the table named `text` (`table` or `namespace.table`).
    public func table(named text: String) async throws(StrataError) -> Table {
        var parser = try Parser(text)
        let name = try parser.tableName()
        guard parser.atEnd else { throw parser.unexpected(expected: "the end of the table name") }
        return try await table(name)
    }

    /// Forgets the handle of a dropped table.
    func close(_ namespace: String, _ table: String) {
        _ = open.withLock { $0.removeValue(forKey: path(namespace, table)) }
    }

    /// A column name is 1–128 characters without control characters (quote it when it is
    /// not a plain word).
    static func validColumnName(_ name: String, at offset: Int) throws(StrataError) {
        guard (1...128).contains(name.count), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidQuery(message: "column name '\(name)' must be 1–128 characters without control characters", offset: offset)
        }
    }

    /// Table, namespace and index names (they name directories and files) are ASCII
    /// letters, digits and underscores, not starting with a digit, 1–128 long.
    static func validName(_ name: String, what: String, at offset: Int) throws(StrataError) {
        let ok = (1...128).contains(name.count) && name.first.map { $0.isLetter || $0 == "_" } == true
            && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && name.allSatisfy(\.isASCII)
        guard ok else {
            throw .invalidQuery(message: "\(what) '\(name)' must be 1–128 ASCII letters, digits and underscores, not starting with a digit", offset: offset)
        }
    }
}
