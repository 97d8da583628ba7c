// A child process for the crash and concurrency tests: appends rows to a table and
// acknowledges each append on stdout once it has returned.
//
//   strata-crash-writer DIR FIRST_ID APPENDS ROWS_PER_APPEND log|direct sync|group|none
//
// Each append holds ids FIRST_ID + k·ROWS_PER_APPEND … (+ ROWS_PER_APPEND − 1) and prints
// "ack <first id of the append>" after it returns. Exit status 0 when all appends succeeded.
// The log flushes every 50 rows, so that kills land in flushes too; STRATA_FLUSH_ROWS
// overrides it (the default table setting is 8,192).
import Foundation
import Strata

@main
struct CrashWriter {
    static func main() async {
        let arguments = CommandLine.arguments
        guard arguments.count == 7, let first = Int(arguments[2]), let appends = Int(arguments[3]), let rows = Int(arguments[4]),
              let durability = Durability(rawValue: arguments[6]) else {
            FileHandle.standardError.write(Data("usage: strata-crash-writer DIR FIRST_ID APPENDS ROWS_PER_APPEND log|direct sync|group|none\n".utf8))
            exit(1)
        }
        let logged = arguments[5] == "log"
        var options = TableOptions()
        options.durability = durability
        options.flushRows = ProcessInfo.processInfo.environment["STRATA_FLUSH_ROWS"].flatMap { Int($0) } ?? 50
        do {
            let schema = try Schema([("id", .int64, false), ("writer", .string, true)])
            let table: Table
            do {
                table = try await Table.open(directory: arguments[1], options: options)
            } catch .notFound {
                table = try await Table.create(directory: arguments[1], schema: schema, options: options)
            }
            for k in 0..<appends {
                let start = first + k * rows
                let batch = try RecordBatch(schema: schema, columns: [
                    ColumnBuilder.column(.int64, (start..<(start + rows)).map { .int(Int64($0)) }),
                    ColumnBuilder.column(.string, Array(repeating: .string("pid \(getpid())"), count: rows)),
                ])
                if logged { try await table.insert(batch) } else { try await table.append(batch) }
                // The acknowledgement goes straight to the pipe, unbuffered.
                FileHandle.standardOutput.write(Data("ack \(start)\n".utf8))
            }
            if logged { try await table.close() }
        } catch {
            FileHandle.standardError.write(Data("strata-crash-writer: \(error)\n".utf8))
            exit(1)
        }
    }
}
