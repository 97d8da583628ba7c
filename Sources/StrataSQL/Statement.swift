import StrataCore
import StrataQuery

/// A table's name as written: `table` or `namespace.table`.
public struct TableName: Sendable, Hashable, CustomStringConvertible {
    /// The namespace (nil: the database's default).
    public var namespace: String?
    /// The table.
    public var name: String
    /// Where the name starts in the statement text.
    public var offset: Int

    public var description: String { (namespace.map { $0 + "." } ?? "") + name }
}

/// Which version of a table a SELECT reads.
public enum VersionSelector: Sendable, Hashable {
    case latest
    case version(UInt64)
    case tag(String)
    case timestamp(Int64)
}

/// A column in CREATE TABLE or ALTER TABLE … ADD COLUMN.
public struct ColumnDefinition: Sendable, Hashable {
    public var name: String
    public var type: DataType
    public var nullable: Bool
    /// The DEFAULT for rows written before the column existed (ALTER TABLE … ADD), as a literal.
    public var defaultValue: Value?
    /// Where the definition starts in the statement text.
    public var offset: Int
}

/// The rows an INSERT adds.
public enum InsertSource: Sendable, Hashable {
    /// `VALUES (…), (…)`: expressions without columns.
    case values([[SQLExpression]])
    /// `SELECT …` (from a table or a table function).
    case select(SelectStatement)
}

/// `SELECT … FROM source …`.
public struct SelectStatement: Sendable, Hashable {
    /// Where the rows come from.
    public enum Source: Sendable, Hashable {
        /// A table, optionally at a version, with an alias.
        case table(TableName, version: VersionSelector, alias: String?)
        /// A table function: `read_jsonl('file')`, `read_csv('file')`, or one an extension
        /// registered (`ctx_search('agent-1', 'question', k => 5)`).
        case function(name: String, arguments: [SQLExpression], named: [SQLExpression.NamedArgument], alias: String?, offset: Int)
        /// No FROM: one row without columns.
        case none
    }

    public var source: Source
    public var query: SelectQuery
}

/// One statement of the SQL dialect (spec/sql.md).
public indirect enum Statement: Sendable {
    case select(SelectStatement)
    case explain(Statement, analyze: Bool)
    case createTable(TableName, [ColumnDefinition], ifNotExists: Bool)
    case dropTable(TableName, ifExists: Bool)
    case addColumn(TableName, ColumnDefinition)
    case dropColumn(TableName, column: String, offset: Int)
    case renameColumn(TableName, from: String, to: String, offset: Int)
    /// Columns carry their offsets in the statement, for errors about them.
    case insert(TableName, columns: [(name: String, offset: Int)]?, InsertSource)
    /// `INSERT … ON CONFLICT (key) DO UPDATE` / `MERGE INTO … KEY (key)`: upsert by a key column.
    case upsert(TableName, columns: [(name: String, offset: Int)]?, InsertSource, key: String)
    case update(TableName, assignments: [(column: String, offset: Int, value: SQLExpression)], filter: SQLExpression?)
    case delete(TableName, filter: SQLExpression?)
    case createIndex(name: String?, table: TableName, column: String, columnOffset: Int, kind: String, options: [(String, Value)])
    case dropIndex(name: String, table: TableName)
    case showTables(namespace: String?, offset: Int)
    case showIndexes(TableName)
    case showVersions(TableName)
    case describe(TableName)
    case restore(TableName, version: UInt64)
    case createTag(TableName, tag: String, version: UInt64?)
    case compact(TableName)
    case optimize(TableName)
    case createNamespace(String, ifNotExists: Bool)
}
