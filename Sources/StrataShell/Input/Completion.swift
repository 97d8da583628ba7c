import Strata
import StrataQuery

/// Tab completion: the words that can finish what is typed — dot-commands at the start of
/// a line; elsewhere SQL keywords, namespaces, tables, columns and functions. Matching
/// ignores case; a keyword comes back in the case the word was typed in.
public struct Completion: Sendable {
    /// SQL keywords, upper case.
    public var keywords: [String]
    /// Namespaces, tables (`ns.table`, and bare in the default namespace) and columns.
    public var names: [String]
    /// Scalar and table functions.
    public var functions: [String]
    /// Each table's columns, by its name lower-cased (bare in the default namespace, and
    /// `ns.table`), for `table.column`.
    public var columnsByTable: [String: [String]] = [:]

    /// Words beyond the reserved ones that begin or shape statements.
    static let statementWords = ["ANALYZE", "COMPACT", "IF", "INDEXES", "NAMESPACE", "OPTIMIZE", "RESTORE", "SHOW", "TABLES",
                                 "TAG", "UPSERT", "VERSION", "VERSIONS", "OF", "KEY", "PRIMARY", "BTREE", "BITMAP", "HNSW",
                                 "IVF_PQ", "FTS", "FLAT"]

    /// The completions of `database`'s current names.
    public static func of(_ database: Database, tableFunctions: [String]) async -> Completion {
        var names: Set<String> = []
        var columnsByTable: [String: [String]] = [:]
        for namespace in database.namespaces() {
            names.insert(namespace)
            for table in database.tables(in: namespace) {
                names.insert(namespace + "." + table)
                if namespace == database.defaultNamespace { names.insert(table) }
                if let schema = try? await database.table(named: Shell.quotedName(namespace + "." + table)).latestManifest().schema {
                    let columns = schema.fields.map(\.name)
                    names.formUnion(columns)
                    columnsByTable[(namespace + "." + table).lowercased()] = columns
                    if namespace == database.defaultNamespace { columnsByTable[table.lowercased()] = columns }
                }
            }
        }
        var completion = Completion(keywords: (Keywords.reserved.sorted() + statementWords).sorted(), names: names.sorted(),
                                    functions: (ScalarFunction.allNames + tableFunctions).sorted())
        completion.columnsByTable = columnsByTable
        return completion
    }

    /// The completions of `word`, the word before the cursor, given the line up to it.
    public func matches(for word: String, lineBefore: String) -> [String] {
        let start = (lineBefore + word).drop { $0.isWhitespace }
        if start.hasPrefix(".") && !start.dropFirst().contains(where: \.isWhitespace) {
            return DotCommand.names.filter { $0.hasPrefix(word.lowercased()) }
        }
        guard !word.isEmpty else { return [] }
        // `table.col` or `alias.col`: the table's columns (an alias's table is not known
        // here, so every table's); `namespace.t` completes tables as any name does.
        if let dot = word.lastIndex(of: "."), dot != word.startIndex {
            let qualifier = String(word[..<dot]), partial = word[word.index(after: dot)...].lowercased()
            let isNamespace = names.contains { $0.lowercased().hasPrefix(qualifier.lowercased() + ".") }
            let columns = columnsByTable[qualifier.lowercased()] ?? (isNamespace ? [] : Set(columnsByTable.values.joined()).sorted())
            let qualified = columns.filter { $0.lowercased().hasPrefix(partial) }.map { qualifier + "." + $0 }
            let others = names.filter { $0.lowercased().hasPrefix(word.lowercased()) && !qualified.contains($0) }
            if !qualified.isEmpty || !others.isEmpty { return others + qualified }
        }
        let lower = word.lowercased()
        let upperTyped = word.first.map { $0.isUppercase } ?? false
        var out: [String] = []
        for keyword in keywords where keyword.lowercased().hasPrefix(lower) { out.append(upperTyped ? keyword : keyword.lowercased()) }
        for name in names where name.lowercased().hasPrefix(lower) { out.append(name) }
        for function in functions where function.lowercased().hasPrefix(lower) { out.append(function + "(") }
        var seen: Set<String> = []
        return out.filter { seen.insert($0).inserted }
    }
}
