import ArgumentParser
import Strata

/// `strata file cat FILE [--columns a,b] [--rows 5,17,…]`.
struct FileCat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print rows of a data file as JSON Lines (the conventions of 'file write')."
    )

    @Option(name: .long, help: "Columns to print, comma-separated, in this order (default: all).")
    var columns: String?

    @Option(name: .long, help: "Rows to print, comma-separated 0-based numbers, in this order (default: all).")
    var rows: String?

    @Argument(help: "The data file.")
    var file: String

    func run() async throws {
        let reader = try await openReader(file)
        let names = commaList(columns)
        if let rows {
            var numbers: [Int] = []
            for text in commaList(rows) ?? [] {
                guard let number = Int(text) else {
                    throw StrataError.invalidInput(what: "row '\(text)'", why: "rows are 0-based integers separated by commas")
                }
                numbers.append(number)
            }
            try printRows(try await reader.take(numbers, columns: names))
        } else {
            let scanner = try reader.scanner(columns: names, batchRows: 8192)
            while let batch = try await scanner.next() { try printRows(batch) }
        }
    }
}
