import ArgumentParser
import Strata

/// `strata table create-index DIR --column C --type ivf_pq|hnsw|flat|fts|btree|bitmap [--metric M] [--param k=v …]`.
struct TableCreateIndex: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-index",
        abstract: "Build an index on a column over every committed row, in a new version.",
        discussion: """
            Vector indexes (spec/indexes.md §5): hnsw takes m, ef_construction, ef, seed; ivf_pq \
            takes partitions, subvectors, nprobes, refine, iterations, sample_size, seed; flat \
            takes none. Unset ones are chosen from the data. A full-text index (fts, on a string \
            column, §7.1) takes the analyzer settings lowercase, ascii_folding, stop_words, \
            stemmer, max_token_length, cjk and BM25's k1 and b. A btree (any orderable column) or \
            bitmap (at most 65,536 distinct values) index takes no parameters and answers \
            filters (--where). Rows appended later are searched exactly until 'strata table \
            optimize' folds them in. Prints one JSON line.
            """
    )

    @Option(name: .long, help: "The column.")
    var column: String

    @Option(name: .long, help: "ivf_pq, hnsw, flat (vector columns), fts (string columns), btree or bitmap.")
    var type: String

    @Option(name: .long, help: "l2 (default), cosine or dot.")
    var metric: String = "l2"

    @Option(name: .long, help: "An index parameter key=value (repeatable).")
    var param: [String] = []

    @Option(name: .long, help: "The index name (default: <column>_idx).")
    var name: String?

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        let parameters = try keyValues(param)
        let manifest: Manifest
        if type == "fts" {
            manifest = try await openTable(directory).createTextIndex(column: column, parameters: parameters, name: name)
        } else if let kind = ScalarIndexKind(rawValue: type) {
            guard parameters.isEmpty else { throw StrataError.invalidInput(what: "--param", why: "a \(type) index takes no parameters") }
            manifest = try await openTable(directory).createScalarIndex(column: column, kind: kind, name: name)
        } else if let kind = VectorIndexKind(rawValue: type) {
            manifest = try await openTable(directory).createIndex(column: column, kind: kind, metric: try parseMetric(metric),
                                                                  parameters: parameters, name: name)
        } else {
            throw StrataError.invalidInput(what: "--type \(type)", why: "expected ivf_pq, hnsw, flat, fts, btree or bitmap")
        }
        let index = manifest.indexes.last { $0.name == (name ?? column + "_idx") }
        let metricField = VectorIndexKind(rawValue: type) == nil ? "" : #","metric":\#(JSONText.quoted(metric))"#
        try StandardOutput.shared.line(
            #"{"index":\#(JSONText.quoted(index?.name ?? "")),"type":\#(JSONText.quoted(type))\#(metricField),"version":\#(manifest.version),"fragments":\#(index?.fragmentIds.count ?? 0)}"#)
    }
}

/// `strata table optimize DIR`.
struct TableOptimize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Fold rows written since an index was built into it (no rebuild). Prints the version as JSON."
    )

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        let manifest = try await openTable(directory).optimizeIndexes()
        let covered = manifest.indexes.map { #"\#(JSONText.quoted($0.name)):\#($0.fragmentIds.count)"# }.joined(separator: ",")
        try StandardOutput.shared.line(#"{"version":\#(manifest.version),"covered_fragments":{\#(covered)}}"#)
    }
}

/// Parses `key=value` arguments.
func keyValues(_ items: [String]) throws(StrataError) -> [String: String] {
    var result: [String: String] = [:]
    for item in items {
        guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
            throw .invalidInput(what: "--param \(item)", why: "expected key=value")
        }
        let key = String(item[..<equals])
        guard result.updateValue(String(item[item.index(after: equals)...]), forKey: key) == nil else {
            throw .invalidInput(what: "--param \(item)", why: "\(key) given twice")
        }
    }
    return result
}

/// Parses a metric name.
func parseMetric(_ text: String) throws(StrataError) -> VectorMetric {
    guard let metric = VectorMetric(rawValue: text) else {
        throw .invalidInput(what: "--metric \(text)", why: "expected l2, cosine or dot")
    }
    return metric
}
