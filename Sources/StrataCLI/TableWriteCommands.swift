import ArgumentParser
import Strata

/// `strata table create DIR --schema S.json`.
struct TableCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an empty table (version 1).")

    @Option(name: .long, help: "The schema, as a JSON file (as for 'file write').")
    var schema: String

    @Argument(help: "The table's directory (created).")
    var directory: String

    func run() async throws {
        let parsed = try loadSchema(schema)
        let table = try await Table.create(directory: directory, schema: parsed)
        try StandardOutput.shared.line("created table \(directory) with \(parsed.fields.count) columns, version \(try await table.latestManifest().version)")
    }
}

/// `strata table append DIR IN.jsonl [--durability sync|group|none]`.
struct TableAppend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append the rows of a JSON Lines file in one commit.",
        discussion: """
            Exits 0 only once the rows are durable under the setting: sync and group fsync the \
            new files and the manifest before the commit returns (for one command, the group is \
            the whole append); none leaves them to the operating system's cache (they survive a \
            crash of the process, not of the machine). Columns missing from a line are null or \
            their default.
            """
    )

    @Option(name: .long, help: "sync (default), group or none.")
    var durability = "sync"

    @Argument(help: "The table's directory.")
    var directory: String

    @Argument(help: "Input JSON Lines file ('-' for standard input).")
    var input: String

    func run() async throws {
        let table = try await openTable(directory, durability: try parseDurability(durability))
        let batches = try await readJSONLBatches(input, schema: try await table.latestManifest().schema)
        let rows = batches.reduce(0) { $0 + $1.rowCount }
        let manifest = try await table.append(batches)
        try StandardOutput.shared.line("appended \(rows) rows; version \(manifest.version)")
    }
}

/// `strata table delete DIR --where 'col = value [AND …]'`.
struct TableDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete the rows matching a predicate: col op literal [AND …], op one of = != < <= > >=, or col IS [NOT] NULL."
    )

    @Option(name: .customLong("where"), help: "The predicate, e.g. \"id = 7\" or \"name = 'x' AND score < 0.5\".")
    var predicate: String

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        let table = try await openTable(directory)
        let parsed = try Predicate(parsing: predicate, schema: try await table.latestManifest().schema)
        let result = try await table.delete(where: parsed)
        try StandardOutput.shared.line("deleted \(result.rowsDeleted) rows; version \(result.version)")
    }
}

/// `strata table upsert DIR --key COL IN.jsonl`.
struct TableUpsert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upsert",
        abstract: "Merge-insert rows by a key column: replace rows with the same key, insert the rest, in one commit."
    )

    @Option(name: .long, help: "The key column.")
    var key: String

    @Argument(help: "The table's directory.")
    var directory: String

    @Argument(help: "Input JSON Lines file ('-' for standard input).")
    var input: String

    func run() async throws {
        let table = try await openTable(directory)
        let schema = try await table.latestManifest().schema
        let batches = try await readJSONLBatches(input, schema: schema)
        let result = try await table.mergeInsert(key: key, RecordBatch.concatenate(batches, schema: schema))
        let inserted = result.rowsAdded - result.rowsDeleted
        try StandardOutput.shared.line("updated \(result.rowsDeleted) rows, inserted \(inserted) rows; version \(result.version)")
    }
}

/// `strata table add-column DIR --name N --type T [--default V]`.
struct TableAddColumn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-column",
        abstract: "Add a column; existing rows read the default (a JSON literal, e.g. 0, \"none\", true) or null."
    )

    @Option(name: .long, help: "The column's name.")
    var name: String

    @Option(name: .long, help: "The column's type, as in schema files (e.g. int64, string, vector(float32,384)).")
    var type: String

    @Option(name: .long, help: "The default for existing rows, as a JSON literal.")
    var `default`: String?

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        let table = try await openTable(directory)
        let manifest = try await table.addColumn(name: name, type: try DataType(parsing: type), defaultJSON: `default`)
        try StandardOutput.shared.line("added column \(name) \(type); version \(manifest.version)")
    }
}

/// `strata table drop-column DIR --name N`.
struct TableDropColumn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drop-column", abstract: "Drop a column (no data is rewritten).")

    @Option(name: .long, help: "The column's name.")
    var name: String

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        let manifest = try await openTable(directory).dropColumn(name)
        try StandardOutput.shared.line("dropped column \(name); version \(manifest.version)")
    }
}

/// `strata table rename-column DIR --from OLD --to NEW`.
struct TableRenameColumn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rename-column", abstract: "Rename a column (no data is rewritten).")

    @Option(name: .long, help: "The current name.")
    var from: String

    @Option(name: .long, help: "The new name.")
    var to: String

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        let manifest = try await openTable(directory).renameColumn(from, to: to)
        try StandardOutput.shared.line("renamed column \(from) to \(to); version \(manifest.version)")
    }
}
