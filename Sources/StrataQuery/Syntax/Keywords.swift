/// Words that cannot be used as bare names (quote them: `"order"`).
package enum Keywords {
    /// The reserved words, upper case.
    package static let reserved: Set<String> = [
        "ADD", "ALL", "ALTER", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "COLUMN", "CREATE",
        "DELETE", "DESC", "DESCRIBE", "DISTINCT", "DROP", "ELSE", "END", "EXISTS", "EXPLAIN", "FALSE",
        "FROM", "GROUP", "HAVING", "ILIKE", "IN", "INDEX", "INSERT", "INTERVAL", "INTO", "IS", "JOIN",
        "LIKE", "LIMIT", "MERGE", "NOT", "NULL", "OFFSET", "ON", "OR", "ORDER", "SELECT", "SET", "TABLE",
        "THEN", "TIMESTAMP", "TRUE", "UNION", "UPDATE", "USING", "VALUES", "WHEN", "WHERE", "WITH",
    ]
}
