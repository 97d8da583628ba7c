import ArgumentParser
import Strata

/// `strata table search DIR --column C (--vector '[…]' | --queries Q.jsonl) [-k 10] [--where …] [--param k=v …]`.
struct TableSearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Nearest-neighbour search on a vector column; prints the rows as JSON Lines with _distance.",
        discussion: """
            Uses the column's index on the fragments it covers and exact search on the rest, \
            so every committed row can be found. With --queries, each line of the file is \
            {"id": …, "vector": […], "k": 10, "where": "…"} (k and where optional, defaulting \
            to -k and --where) and every result line carries the query's id as _query. Search \
            parameters: ef (HNSW), nprobes and refine (IVF-PQ). Distances: squared L2, \
            1 − cosine similarity, or the negated inner product.
            """
    )

    @Option(name: .long, help: "The vector column.")
    var column: String

    @Option(name: .long, help: "The query vector as a JSON array.")
    var vector: String?

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
        guard (vector == nil) != (queries == nil) else {
            throw StrataError.invalidInput(what: "options", why: "give exactly one of --vector and --queries")
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
            guard let id = fields["id"], let vectorJSON = fields["vector"] else {
                throw StrataError.invalidInput(what: what, why: "needs \"id\" and \"vector\"")
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
            let request = try makeRequest(vector: try parseVector(vectorJSON, what: what), k: queryK, filter: filter,
                                          snapshot: snapshot, parameters: parameters, metric: metric)
            try print(try await snapshot.search(request), query: Self.jsonText(id))
        }
    }

    private func makeRequest(vector: [Float], k: Int, filter: String?, snapshot: TableSnapshot,
                             parameters: VectorSearchParameters, metric: VectorMetric?) throws -> VectorSearchRequest {
        VectorSearchRequest(column: column, vector: vector, k: k,
                            filter: try filter.map { try Predicate(parsing: $0, schema: snapshot.schema) },
                            parameters: parameters, metric: metric, columns: commaList(columns))
    }

    private func print(_ result: VectorSearchResult, query: String?) throws {
        for row in 0..<result.rows.rowCount {
            var line = JSONRows.line(result.rows, row: row)
            line.removeLast()
            if result.rows.schema.fields.count > 0 { line += "," }
            line += #""_distance":\#(result.distances[row])"#
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

    private func parseVector(_ json: JSONValue, what: String) throws(StrataError) -> [Float] {
        guard case let .array(elements) = json else { throw .invalidInput(what: what, why: "the vector must be a JSON array of numbers") }
        return try elements.map { (element) throws(StrataError) -> Float in
            guard case let .number(text) = element, let value = Float(text), value.isFinite else {
                throw .invalidInput(what: what, why: "vector element \(element) is not a finite number")
            }
            return value
        }
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
