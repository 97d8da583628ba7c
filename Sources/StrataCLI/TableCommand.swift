import ArgumentParser
import Strata

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `strata table …`: create, write, read, time-travel and maintain versioned tables.
struct TableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Create, write, read and maintain versioned tables (a table is a directory).",
        subcommands: [
            TableCreate.self, TableAppend.self, TableCat.self, TableVersions.self, TableTag.self, TableRestore.self,
            TableDelete.self, TableUpsert.self, TableCompact.self, TableCleanup.self, TableAddColumn.self,
            TableDropColumn.self, TableRenameColumn.self, TableVerify.self, TableCreateIndex.self, TableSearch.self, TableOptimize.self,
        ]
    )
}

/// Opens the table in `directory`, which must exist (so a typo never creates an empty directory).
func openTable(_ directory: String, durability: Durability = .sync) async throws(StrataError) -> Table {
    var info = stat()
    guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
        throw .notFound(path: directory)
    }
    var options = TableOptions()
    options.durability = durability
    do {
        return try await Table.open(directory: directory, options: options)
    } catch .notFound {
        throw .invalidInput(what: "table '\(directory)'", why: "not a Strata table (no _versions/)")
    }
}

/// Parses a durability setting.
func parseDurability(_ text: String) throws(StrataError) -> Durability {
    guard let value = Durability(rawValue: text) else {
        throw .invalidInput(what: "durability '\(text)'", why: "expected sync, group or none")
    }
    return value
}

/// Parses a duration such as `30s`, `15m`, `12h`, `7d` or `0` into seconds.
func parseDuration(_ text: String) throws(StrataError) -> Double {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
    var number = Substring(text)
    var scale = 1.0
    if let last = text.last, let unit = units[last] {
        number = text.dropLast()
        scale = unit
    }
    guard let value = Double(number), value >= 0, value.isFinite else {
        throw .invalidInput(what: "duration '\(text)'", why: "expected a non-negative number with an optional unit s, m, h, d or w (e.g. 7d)")
    }
    return value * scale
}
