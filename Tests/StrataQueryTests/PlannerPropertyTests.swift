import Foundation
import Strata
import Testing
import TestSupport

/// The planner's choices never change an answer: random filtered scans, vector, text and
/// hybrid searches return the same rows with every optimizer rule on and with every rule
/// off, and filtered vector searches return the exact filtered top k of a brute-force
/// reference, whichever strategy (exact, filter-first, search-first) the planner picks.
@Suite struct PlannerPropertyTests {
    static let words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "zeta"]

    struct Row {
        var id: Int64, cat: String, n: Int64, x: Double?, body: String, emb: [Float]
    }

    static func makeDatabase(_ rng: inout SeededRandom, rows count: Int) async throws -> (Database, [Row], TemporaryDirectory) {
        let dir = TemporaryDirectory()
        let db = try await Database.open(directory: dir.path)
        try await db.execute("CREATE TABLE t (id BIGINT NOT NULL, cat TEXT, n INT, x DOUBLE, body TEXT, emb VECTOR(8))")
        var rows: [Row] = []
        for i in 0..<count {
            // Skewed categories: c0 is common, c9 rare.
            let cat = "c\(min(9, Int(Double.random(in: 0..<1, using: &rng) * Double.random(in: 0..<1, using: &rng) * 10)))"
            let body = (0..<(1 + Int(rng.next() % 6))).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
            let x: Double? = rng.next() % 7 == 0 ? nil : (Double.random(in: 0..<1, using: &rng) * 100).rounded() / 4
            rows.append(Row(id: Int64(i), cat: cat, n: Int64(rng.next() % 1000), x: x, body: body,
                            emb: (0..<8).map { _ in Float((Double.random(in: 0..<1, using: &rng) * 2 - 1) * 100).rounded() / 100 }))
        }
        // Three fragments indexed, then one more that no index covers.
        let cut = count * 9 / 10
        for part in [rows[0..<(cut / 3)], rows[(cut / 3)..<(2 * cut / 3)], rows[(2 * cut / 3)..<cut]] { try await insert(db, part) }
        try await db.execute("CREATE INDEX ON t (emb) USING FLAT")
        try await db.execute("CREATE INDEX ON t (cat) USING BITMAP")
        try await db.execute("CREATE INDEX ON t (n) USING BTREE")
        try await db.execute("CREATE INDEX ON t (body) USING FTS")
        try await insert(db, rows[cut...])
        return (db, rows, dir)
    }

    static func insert(_ db: Database, _ rows: ArraySlice<Row>) async throws {
        let values = rows.map { r in
            "(\(r.id), '\(r.cat)', \(r.n), \(r.x.map { "\($0)" } ?? "NULL"), '\(r.body)', [\(r.emb.map { "\($0)" }.joined(separator: ","))])"
        }
        try await db.execute("INSERT INTO t VALUES " + values.joined(separator: ", "))
    }

    /// A random condition, as SQL and as a Swift predicate over rows.
    static func condition(_ rng: inout SeededRandom) -> (sql: String, test: (Row) -> Bool) {
        switch rng.next() % 7 {
        case 0:
            let c = "c\(rng.next() % 10)"
            return ("cat = '\(c)'", { $0.cat == c })
        case 1:
            let a = Int64(rng.next() % 1000), b = a + Int64(rng.next() % 400)
            return ("n BETWEEN \(a) AND \(b)", { $0.n >= a && $0.n <= b })
        case 2:
            let v = Double(rng.next() % 100) / 4
            return ("x > \(v) OR cat IN ('c1', 'c2')", { ($0.x.map { $0 > v } ?? false) || $0.cat == "c1" || $0.cat == "c2" })
        case 3:
            let w = words[Int(rng.next() % UInt64(words.count))]
            return ("body LIKE '%\(w)%'", { $0.body.contains(w) })
        case 4:
            let v = Double(rng.next() % 100) / 4
            return ("x IS NULL OR x < \(v)", { $0.x == nil || $0.x! < v })
        case 5:
            let a = Int64(rng.next() % 1000)
            return ("cat <> 'c0' AND n >= \(a)", { $0.cat != "c0" && $0.n >= a })
        default:
            return ("n % 3 = 0", { $0.n % 3 == 0 })
        }
    }

    static func ids(_ db: Database, _ sql: String, _ options: QueryOptions) async throws -> [Int64] {
        let result = try await db.execute(sql, options: options)
        return result.typedRows.map { $0.int("id")! }
    }

    @Test func rulesNeverChangeAnAnswer() async throws {
        var rng = SeededRandom(seed: 61)
        let (db, rows, dir) = try await Self.makeDatabase(&rng, rows: 1_500)
        defer { dir.remove() }
        let all = QueryOptions()
        let none = QueryOptions(disabledRules: Set(OptimizerRule.allCases))
        var strategies = Set<String>()
        for round in 0..<60 {
            let (where_, test) = Self.condition(&rng)
            let k = 1 + Int(rng.next() % 25)
            let q = (0..<8).map { _ in Float((Double.random(in: 0..<1, using: &rng) * 2 - 1) * 100).rounded() / 100 }
            let vector = "[" + q.map { "\($0)" }.joined(separator: ",") + "]"
            let word = Self.words[Int(rng.next() % UInt64(Self.words.count))]
            let queries = [
                "SELECT id FROM t WHERE \(where_) ORDER BY n, id LIMIT \(k)",
                "SELECT id FROM t WHERE \(where_) ORDER BY emb <-> \(vector) LIMIT \(k)",
                "SELECT id FROM t WHERE MATCH(body, '\(word)') AND (\(where_)) LIMIT \(k)",
                "SELECT id FROM t WHERE \(where_) ORDER BY rrf(emb <-> \(vector), MATCH(body, '\(word)')) LIMIT \(k)",
                // No index has the cosine metric: an exact search.
                "SELECT id FROM t WHERE \(where_) ORDER BY emb <=> \(vector) LIMIT \(k)",
            ]
            for sql in queries {
                let optimized = try await Self.ids(db, sql, all)
                let plain = try await Self.ids(db, sql, none)
                #expect(optimized == plain, "round \(round): \(sql)")
            }
            // The vector search against brute force: exact filtered top k (ties by id, the
            // rows' insertion order, which is their key order).
            var scored: [(id: Int64, distance: Float)] = []
            for row in rows where test(row) {
                var sum: Float = 0
                for (a, b) in zip(row.emb, q) { sum += (a - b) * (a - b) }
                scored.append((row.id, sum))
            }
            scored.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
            let expected = scored.prefix(k).map(\.id)
            #expect(try await Self.ids(db, queries[1], all) == Array(expected), "round \(round): \(queries[1])")
            var plan = ""
            for query in [queries[1], queries[4]] {
                plan += try await db.execute("EXPLAIN " + query, options: all).typedRows.compactMap { $0.string("plan") }.joined()
            }
            for strategy in ["(exact)", "(index, filter first)", "(index, search first"] where plan.contains(strategy) { strategies.insert(strategy) }
        }
        #expect(strategies.count == 3, "every strategy was exercised: \(strategies.sorted())")
    }
}
