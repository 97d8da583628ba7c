import StrataCore
import StrataQuery

extension Statement {
    /// Parses one statement (a trailing `;` allowed).
    /// - Throws: `.invalidQuery` pointing at the first token that does not fit.
    public init(parsing text: String) throws(StrataError) {
        let all = try Statement.parseScript(text)
        guard all.count == 1 else {
            throw .invalidQuery(message: all.isEmpty ? "no statement" : "one statement expected, found \(all.count)", offset: nil)
        }
        self = all[0].statement
    }

    /// Parses statements separated by `;`, each with its text.
    /// - Throws: `.invalidQuery` at the first error (its offset counts from the script's start).
    public static func parseScript(_ text: String) throws(StrataError) -> [(statement: Statement, text: String)] {
        var parser = try Parser(text)
        // Offsets count scalars; the text's index walks forward with them (statements come in order).
        let scalars = text.unicodeScalars
        var index = scalars.startIndex, position = 0
        var statements: [(Statement, String)] = []
        while true {
            while parser.acceptSymbol(";") {}
            if parser.atEnd { return statements }
            let start = parser.current.offset
            let statement = try parser.statement()
            let end = parser.current.offset
            guard parser.atEnd || parser.peekSymbol(";") else { throw parser.unexpected(expected: "';' or the end of the statement") }
            index = scalars.index(index, offsetBy: start - position)
            let from = index
            index = scalars.index(index, offsetBy: end - start)
            position = end
            statements.append((statement, String(scalars[from..<index]).trimmingWhitespace()))
        }
    }
}

extension Parser {
    /// One statement.
    mutating func statement() throws(StrataError) -> Statement {
        if accept("EXPLAIN") {
            let analyze = accept("ANALYZE")
            let inner = try statement()
            if case .explain = inner { throw Self.error("EXPLAIN EXPLAIN is not a statement", at: current.offset) }
            return .explain(inner, analyze: analyze)
        }
        if peek("SELECT") { return .select(try select()) }
        if accept("CREATE") {
            if accept("TABLE") { return try createTable() }
            if accept("INDEX") { return try createIndex() }
            if accept("NAMESPACE") || accept("SCHEMA") {
                let ifNotExists = accept(["IF", "NOT", "EXISTS"])
                return .createNamespace(try name("a namespace name").name, ifNotExists: ifNotExists)
            }
            if accept("TAG") {
                let tag = try stringLiteral("a tag name in quotes")
                try expect("ON")
                let table = try tableName()
                var version: UInt64?
                if accept("VERSION") { version = try unsigned("a version number") }
                return .createTag(table, tag: tag, version: version)
            }
            throw unexpected(expected: "TABLE, INDEX, NAMESPACE or TAG")
        }
        if accept("DROP") {
            if accept("TABLE") {
                let ifExists = accept(["IF", "EXISTS"])
                return .dropTable(try tableName(), ifExists: ifExists)
            }
            if accept("INDEX") {
                let index = try name("an index name").name
                try expect("ON")
                return .dropIndex(name: index, table: try tableName())
            }
            throw unexpected(expected: "TABLE or INDEX")
        }
        if accept("ALTER") { return try alterTable() }
        if accept("INSERT") { return try insert() }
        if accept("MERGE") { return try merge() }
        if accept("UPDATE") { return try update() }
        if accept("DELETE") {
            try expect("FROM")
            let table = try tableName()
            return .delete(table, filter: accept("WHERE") ? try expression() : nil)
        }
        if accept("SHOW") {
            if accept("TABLES") {
                guard accept("IN") || accept("FROM") else { return .showTables(namespace: nil, offset: current.offset) }
                let namespace = try name("a namespace name")
                return .showTables(namespace: namespace.name, offset: namespace.offset)
            }
            if accept("VERSIONS") {
                _ = accept("OF") || accept("FROM")
                return .showVersions(try tableName())
            }
            if accept("INDEXES") || accept("INDEX") {
                _ = accept("ON") || accept("FROM")
                return .showIndexes(try tableName())
            }
            throw unexpected(expected: "TABLES, VERSIONS or INDEXES")
        }
        if accept("DESCRIBE") || accept("DESC") { return .describe(try tableName()) }
        if accept("RESTORE") {
            _ = accept("TABLE")
            let table = try tableName()
            try expect("TO")
            try expect("VERSION")
            return .restore(table, version: try unsigned("a version number"))
        }
        if accept("COMPACT") {
            _ = accept("TABLE")
            return .compact(try tableName())
        }
        if accept("OPTIMIZE") {
            _ = accept("TABLE")
            return .optimize(try tableName())
        }
        throw unexpected(expected: "a statement (SELECT, INSERT, CREATE, …)")
    }

    /// `name` or `namespace.name`.
    mutating func tableName() throws(StrataError) -> TableName {
        let first = try name("a table name")
        if acceptSymbol(".") {
            let second = try name("a table name")
            return TableName(namespace: first.name, name: second.name, offset: first.offset)
        }
        return TableName(namespace: nil, name: first.name, offset: first.offset)
    }

    mutating func stringLiteral(_ what: String) throws(StrataError) -> String {
        guard case let .string(text) = current.kind else { throw unexpected(expected: what) }
        advance()
        return text
    }

    mutating func unsigned(_ what: String) throws(StrataError) -> UInt64 {
        guard case let .number(text) = current.kind, let value = UInt64(text) else { throw unexpected(expected: what) }
        advance()
        return value
    }

    private mutating func createTable() throws(StrataError) -> Statement {
        let ifNotExists = accept(["IF", "NOT", "EXISTS"])
        let table = try tableName()
        try expectSymbol("(")
        var columns: [ColumnDefinition] = []
        repeat { columns.append(try columnDefinition()) } while acceptSymbol(",")
        try expectSymbol(")")
        return .createTable(table, columns, ifNotExists: ifNotExists)
    }

    /// `name TYPE [NOT NULL | NULL] [DEFAULT literal]`.
    private mutating func columnDefinition() throws(StrataError) -> ColumnDefinition {
        let column = try name("a column name")
        let typeOffset = current.offset
        let typeText = try typeName()
        let type = try Self.columnType(typeText, at: typeOffset)
        var nullable = true, defaultValue: Value?
        while true {
            if accept(["NOT", "NULL"]) { nullable = false } else if accept("NULL") { nullable = true } else if accept("PRIMARY") {
                try expect("KEY")
                nullable = false
            } else if accept("DEFAULT") {
                let offset = current.offset
                guard case let .literal(value) = try expression().node else { throw Self.error("DEFAULT takes a constant", at: offset) }
                defaultValue = value
            } else { break }
        }
        return ColumnDefinition(name: column.name, type: type, nullable: nullable, defaultValue: defaultValue, offset: column.offset)
    }

    /// A column type: Strata's names and the usual SQL ones (spec/sql.md, "Types").
    static func columnType(_ text: String, at offset: Int) throws(StrataError) -> DataType {
        let plain = text.lowercased()
        let aliases: [String: DataType] = [
            "boolean": .bool, "tinyint": .int8, "smallint": .int16, "int": .int32, "integer": .int32, "bigint": .int64,
            "real": .float32, "float": .float64, "double": .float64, "text": .string, "varchar": .string, "bytea": .binary,
            "blob": .binary, "jsonb": .json, "timestamptz": .timestamp, "datetime": .timestamp,
        ]
        if let type = aliases[plain] { return type }
        if plain.hasPrefix("varchar(") { return .string }
        do {
            return try DataType(parsing: ColumnTypeNames.normalized(plain))
        } catch let .invalidInput(_, why) where plain.hasPrefix("vector(") {
            throw Self.error("bad type '\(text)': \(why)", at: offset)
        } catch {
            throw Self.error("unknown column type '\(text)': use bool, int8…int64, uint8…uint64, float32, float64, timestamp, string, binary, json or VECTOR(dim)", at: offset)
        }
    }

    private mutating func alterTable() throws(StrataError) -> Statement {
        try expect("TABLE")
        let table = try tableName()
        if accept("ADD") {
            _ = accept("COLUMN")
            return .addColumn(table, try columnDefinition())
        }
        if accept("DROP") {
            _ = accept("COLUMN")
            let column = try name("a column name")
            return .dropColumn(table, column: column.name, offset: column.offset)
        }
        if accept("RENAME") {
            _ = accept("COLUMN")
            let from = try name("a column name")
            try expect("TO")
            return .renameColumn(table, from: from.name, to: try name("a column name").name, offset: from.offset)
        }
        throw unexpected(expected: "ADD, DROP or RENAME")
    }

    private mutating func columnList() throws(StrataError) -> [(name: String, offset: Int)]? {
        guard peekSymbol("("), !Self.isKeyword(next, "SELECT") else { return nil }
        advance()
        var columns: [(name: String, offset: Int)] = []
        repeat { columns.append(try name("a column name")) } while acceptSymbol(",")
        try expectSymbol(")")
        return columns
    }

    private mutating func insertSource() throws(StrataError) -> InsertSource {
        if accept("VALUES") {
            var rows: [[SQLExpression]] = []
            repeat {
                try expectSymbol("(")
                var row: [SQLExpression] = []
                repeat { row.append(try expression()) } while acceptSymbol(",")
                try expectSymbol(")")
                rows.append(row)
            } while acceptSymbol(",")
            return .values(rows)
        }
        if peek("SELECT") { return .select(try select()) }
        if peekSymbol("("), Self.isKeyword(next, "SELECT") {
            advance()
            let inner = try select()
            try expectSymbol(")")
            return .select(inner)
        }
        throw unexpected(expected: "VALUES or SELECT")
    }

    private mutating func insert() throws(StrataError) -> Statement {
        try expect("INTO")
        let table = try tableName()
        let columns = try columnList()
        let source = try insertSource()
        if accept(["ON", "CONFLICT"]) {
            try expectSymbol("(")
            let key = try name("the key column").name
            try expectSymbol(")")
            try expect("DO")
            try expect("UPDATE")
            return .upsert(table, columns: columns, source, key: key)
        }
        return .insert(table, columns: columns, source)
    }

    /// `MERGE INTO t [(cols)] KEY (col) VALUES … | SELECT …`.
    private mutating func merge() throws(StrataError) -> Statement {
        try expect("INTO")
        let table = try tableName()
        let columns = try columnList()
        try expect("KEY")
        try expectSymbol("(")
        let key = try name("the key column").name
        try expectSymbol(")")
        return .upsert(table, columns: columns, try insertSource(), key: key)
    }

    private mutating func update() throws(StrataError) -> Statement {
        let table = try tableName()
        try expect("SET")
        var assignments: [(column: String, offset: Int, value: SQLExpression)] = []
        repeat {
            let column = try name("a column name")
            try expectSymbol("=")
            assignments.append((column.name, column.offset, try expression()))
        } while acceptSymbol(",")
        return .update(table, assignments: assignments, filter: accept("WHERE") ? try expression() : nil)
    }

    /// `CREATE INDEX [name] ON t (col) USING KIND [WITH (k = v, …)]`.
    private mutating func createIndex() throws(StrataError) -> Statement {
        var indexName: String?
        if !peek("ON") { indexName = try name("an index name").name }
        try expect("ON")
        let table = try tableName()
        try expectSymbol("(")
        let column = try name("a column name")
        try expectSymbol(")")
        try expect("USING")
        let kindOffset = current.offset
        guard case let .word(kind) = current.kind else { throw unexpected(expected: "IVF_PQ, HNSW, FTS, BTREE or BITMAP") }
        advance()
        let kinds = ["IVF_PQ", "HNSW", "FLAT", "FTS", "BTREE", "BITMAP"]
        guard kinds.contains(kind.uppercased()) else {
            throw Self.error("unknown index kind '\(kind)': use \(kinds.joined(separator: ", "))", at: kindOffset)
        }
        var options: [(String, Value)] = []
        if accept("WITH") {
            try expectSymbol("(")
            repeat {
                let key = try name("an option name").name.lowercased()
                try expectSymbol("=")
                let offset = current.offset
                switch try expression().node {
                case let .literal(value): options.append((key, value))
                case let .column(nil, word): options.append((key, .string(word)))
                default: throw Self.error("an index option is a constant", at: offset)
                }
            } while acceptSymbol(",")
            try expectSymbol(")")
        }
        return .createIndex(name: indexName, table: table, column: column.name, columnOffset: column.offset, kind: kind.uppercased(), options: options)
    }

    /// `SELECT items [FROM source [VERSION AS OF n | TAG 'x'] [[AS] alias]] [WHERE …]
    /// [ORDER BY …] [LIMIT n] [OFFSET n]`.
    mutating func select() throws(StrataError) -> SelectStatement {
        try expect("SELECT")
        var items: [SelectQuery.Item] = []
        repeat {
            if acceptSymbol("*") {
                items.append(.all)
            } else {
                let e = try expression()
                var alias: String?
                if accept("AS") { alias = try name("a column alias").name } else if case .word = current.kind, !Keywords.reserved.contains(Self.word(current)) {
                    alias = try name().name
                } else if case .quotedName = current.kind { alias = try name().name }
                items.append(.expression(e, alias: alias))
            }
        } while acceptSymbol(",")
        var source = SelectStatement.Source.none
        if accept("FROM") { source = try selectSource() }
        var query = SelectQuery(items: items)
        if accept("WHERE") { query.filter = try expression() }
        if accept(["GROUP", "BY"]) {
            repeat { query.groupBy.append(try expression()) } while acceptSymbol(",")
        }
        if accept("HAVING") { query.having = try expression() }
        if accept(["ORDER", "BY"]) {
            repeat {
                let e = try expression()
                let descending = accept("DESC") ? true : (accept("ASC") ? false : false)
                query.orderBy.append(SelectQuery.Order(e, descending: descending))
            } while acceptSymbol(",")
        }
        if accept("LIMIT") { query.limit = try rowCount() }
        if accept("OFFSET") { query.offset = try rowCount() ?? 0 }
        return SelectStatement(source: source, query: query)
    }

    /// A LIMIT or OFFSET count: a whole number below 2⁶³.
    private mutating func rowCount() throws(StrataError) -> Int? {
        let offset = current.offset
        guard let count = Int(exactly: try unsigned("a row count")) else { throw Self.error("a row count is below 2^63", at: offset) }
        return count
    }

    private static func word(_ token: Token) -> String {
        if case let .word(w) = token.kind { return w.uppercased() }
        return ""
    }

    private mutating func selectSource() throws(StrataError) -> SelectStatement.Source {
        if case let .word(function) = current.kind, next.kind == .symbol("(") {
            let offset = current.offset
            advance()
            advance()
            var arguments: [SQLExpression] = []
            var named: [SQLExpression.NamedArgument] = []
            if !peekSymbol(")") {
                repeat {
                    if case let .word(key) = current.kind, next.kind == .symbol("=>") {
                        advance()
                        advance()
                        named.append(.init(name: key.lowercased(), value: try expression()))
                    } else {
                        guard named.isEmpty else { throw Self.error("positional arguments come before named ones (name => value)", at: current.offset) }
                        arguments.append(try expression())
                    }
                } while acceptSymbol(",")
            }
            try expectSymbol(")")
            return .function(name: function.lowercased(), arguments: arguments, named: named, alias: try alias(), offset: offset)
        }
        let table = try tableName()
        var version = VersionSelector.latest
        if accept(["VERSION", "AS", "OF"]) {
            version = .version(try unsigned("a version number"))
        } else if accept(["FOR", "SYSTEM_TIME", "AS", "OF"]) || accept(["TIMESTAMP", "AS", "OF"]) {
            let offset = current.offset
            guard case let .literal(.timestamp(micros)) = try expression().node else { throw Self.error("expected TIMESTAMP '…'", at: offset) }
            version = .timestamp(micros)
        } else if accept("TAG") {
            version = .tag(try stringLiteral("a tag name in quotes"))
        }
        return .table(table, version: version, alias: try alias())
    }

    private mutating func alias() throws(StrataError) -> String? {
        if accept("AS") { return try name("an alias").name }
        if case let .word(w) = current.kind, !Keywords.reserved.contains(w.uppercased()), !["VERSION", "TAG"].contains(w.uppercased()) {
            return try name().name
        }
        return nil
    }
}
