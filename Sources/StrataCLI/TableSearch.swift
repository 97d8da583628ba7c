import ArgumentParser
import Strata

/// `strata table search DIR --column C (--vector '[…]' | --text 'q' | --queries Q.jsonl) [-k 10] [--where …] [--param k=v …]`.
struct TableSearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Nearest-neighbour search on a vector column (rows as JSON Lines with _distance) or BM25 full-text search on a string column (with _score).",
        discussion: """
            Uses the column's index on the fragments it covers and searches the rest exactly, \
            so every row written can be found. A text query (spec/indexes.md §7.3) is words \
            (any may match), "quoted phrases", +must and -must_not clauses, AND / OR / NOT, \
            prefix*. With --queries, each line of the file is {"id": …, "vector": […]} or \
            {"id": …, "text": "…"}, with optional "k" and "where" (defaulting to -k and \
            --where), and every result line carries the query's id as _query. Search \
            parameters: ef (HNSW), nprobes and refine (IVF-PQ). Distances: squared L2, \
            1 − cosine similarity, or the negated inner product.
            """
    )

    @Option(name: .long, help: "The vector or text column.")
    var column: String

    @Option(name: .long, help: "The query vector as a JSON array.")
    var vector: String?

    @Option(name: .long, help: "A full-text query.")
    var text: String?

    @Option(name: .long, help: "A JSON Lines file of queries (batch form).")
    var queries: String?

    @Option(name: .short, help: "Rows to return.")
    var k: Int = 10

    @Option(name: .long, help: "Only rows matching 'col op literal [AND …]'.")
    var `where`: String?

    @Option(name: .long, help: "A search parameter key=value: ef, nprobes, refine (repeatable).")
    var param: [String] = []

    @Option(name: .long, help: "l2, cosine or dot (default: the index's, else l2).")
    var metric: String?

    @Option(name: .long, help: "Columns to print, comma-separated (default: all).")
    var columns: String?

    @Argument(help: "The table's directory.")
    var directory: String

    func run() async throws {
        guard [vector, text, queries].compactMap({ $0 }).count == 1 else {
            throw StrataError.invalidInput(what: "options", why: "give exactly one of --vector, --text and --queries")
        }
        let parameters = try searchParameters(try keyValues(param))
        let metric = try metric.map(parseMetric)
        let snapshot = try await openTable(directory).snapshot()
        if let vector {
            let request = try makeRequest(vector: try parseVector(JSONParser.parse(vector), what: "--vector"), k: k,
                                          filter: `where`, snapshot: snapshot, parameters: parameters, metric: metric)
            try print(try await snapshot.search(request), query: nil)
            return
        }
        if let text {
            try print(try await snapshot.search(try makeRequest(text: text, k: k, filter: `where`, snapshot: snapshot)), query: nil)
            return
        }
        let reader = try LineReader(path: queries!)
        var line = 0
        while let bytes = try reader.next() {
            line += 1
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let what = "\(queries!) line \(line)"
            guard case let .object(members) = try JSONParser.parse(bytes) else {
                throw StrataError.invalidInput(what: what, why: "expected a JSON object")
            }
            let fields = Dictionary(members, uniquingKeysWith: { first, _ in first })
            guard let id = fields["id"], (fields["vector"] == nil) != (fields["text"] == nil) else {
                throw StrataError.invalidInput(what: what, why: "needs \"id\" and one of \"vector\" and \"text\"")
            }
            var queryK = k
            if let value = fields["k"] {
                guard case let .number(text) = value, let parsed = Int(text) else { throw StrataError.invalidInput(what: what, why: "\"k\" must be an integer") }
                queryK = parsed
            }
            var filter = `where`
            if let value = fields["where"], value != .null {
                guard case let .string(text) = value else { throw StrataError.invalidInput(what: what, why: "\"where\" must be a string") }
                filter = text
            }
            if let vectorJSON = fields["vector"] {
                let request = try makeRequest(vector: try parseVector(vectorJSON, what: what), k: queryK, filter: filter,
                                              snapshot: snapshot, parameters: parameters, metric: metric)
                try print(try await snapshot.search(request), query: Self.jsonText(id))
            } else {
                guard case let .string(text) = fields["text"]! else { throw StrataError.invalidInput(what: what, why: "\"text\" must be a string") }
                try print(try await snapshot.search(try makeRequest(text: text, k: queryK, filter: filter, snapshot: snapshot)), query: Self.jsonText(id))
            }
        }
    }

    private func makeRequest(vector: [Float], k: Int, filter: String?, snapshot: TableSnapshot,
                             parameters: VectorSearchParameters, metric: VectorMetric?) throws -> VectorSearchRequest {
        VectorSearchRequest(column: column, vector: vector, k: k,
                            filter: try filter.map { try Predicate(parsing: $0, schema: snapshot.schema) },
                            parameters: parameters, metric: metric, columns: commaList(columns))
    }

    private func makeRequest(text: String, k: Int, filter: String?, snapshot: TableSnapshot) throws -> TextSearchRequest {
        TextSearchRequest(column: column, query: text, k: k, filter: try filter.map { try Predicate(parsing: $0, schema: snapshot.schema) },
                          columns: commaList(columns))
    }

    private func print(_ result: VectorSearchResult, query: String?) throws {
        try print(result.rows, measure: "_distance", values: result.distances.map { "\($0)" }, query: query)
    }

    private func print(_ result: TextSearchResult, query: String?) throws {
        try print(result.rows, measure: "_score", values: result.scores.map { "\($0)" }, query: query)
    }

    /// Each row as a JSON line, with `measure` (its distance or score) and the query's id.
    private func print(_ rows: RecordBatch, measure: String, values: [String], query: String?) throws {
        for row in 0..<rows.rowCount {
            var line = JSONRows.line(rows, row: row)
            line.removeLast()
            if rows.schema.fields.count > 0 { line += "," }
            line += #""\#(measure)":\#(values[row])"#
            if let query { line += #","_query":\#(query)"# }
            try StandardOutput.shared.line(line + "}")
        }
    }

    private func searchParameters(_ values: [String: String]) throws(StrataError) -> VectorSearchParameters {
        var parameters = VectorSearchParameters()
        for (key, text) in values {
            guard let value = Int(text) else { throw .invalidInput(what: "--param \(key)=\(text)", why: "expected an integer") }
            switch key {
            case "ef": parameters.ef = value
            case "nprobes": parameters.nprobes = value
            case "refine": parameters.refine = value
            default: throw .invalidInput(what: "--param \(key)", why: "search parameters are ef, nprobes and refine")
            }
        }
        return parameters
    }

    /// A JSON scalar as JSON text (the query id is echoed as given).
    private static func jsonText(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case let .bool(flag): return flag ? "true" : "false"
        case let .number(text): return text
        case let .string(text): return JSONText.quoted(text)
        case .array, .object: return JSONText.quoted("\(value)")
        }
    }
}
