import StrataCore
import StrataTable

/// How ranked inputs are fused into one ranking.
package enum Fusion: Sendable, Equatable, CustomStringConvertible {
    /// Reciprocal rank fusion: a row scores Σ wᵢ / (k + rankᵢ) over the inputs that found
    /// it (rank from 1).
    case rrf(k: Double, weights: [Double])
    /// A weighted sum of each input's scores normalised to 0…1 by min–max over its rows
    /// (distances turned around so nearer is higher); 0 where an input missed the row.
    case linear(weights: [Double])

    package var description: String {
        switch self {
        case let .rrf(k, weights): return "rrf k=\(Self.number(k)) weights=[\(weights.map(Self.number).joined(separator: ", "))]"
        case let .linear(weights): return "linear weights=[\(weights.map(Self.number).joined(separator: ", "))]"
        }
    }

    static func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
}

/// Runs its searches side by side (each in its own task) and fuses their rankings; the
/// best `limit` rows come out with a `_score` column holding the fused score, ties broken
/// by row key, so the same snapshot and query give the same order every time.
package final class FuseNode: PlanNode, @unchecked Sendable {
    package let fusion: Fusion
    package var limit: Int
    package var columns: [String]
    private var done = false

    package init(inputs: [PlanNode], fusion: Fusion, limit: Int, columns: [String]) {
        self.fusion = fusion
        self.limit = limit
        self.columns = columns
        super.init(children: inputs)
    }

    package override var title: String { "Fuse \(fusion) limit=\(limit)" }

    package override func produce() async throws(StrataError) -> KeyedBatch? {
        guard !done else { return nil }
        done = true
        let inputs = try await runInputs()
        var fused: [UInt64: Double] = [:]
        var source: [UInt64: (input: Int, row: Int)] = [:]
        for (i, input) in inputs.enumerated() {
            let scores = normalized(input, weight: weight(i))
            for (row, key) in input.keys.enumerated() {
                fused[key, default: 0] += scores[row]
                if source[key] == nil { source[key] = (i, row) }
            }
        }
        let ranked = fused.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(limit)
        let projected = try inputs.map { (input) throws(StrataError) in try project(input.batch, columns) }
        guard let schema = projected.first?.schema else { return nil }
        var starts: [Int] = [], total = 0
        for batch in projected { starts.append(total); total += batch.rowCount }
        let all = RecordBatch.concatenate(projected, schema: schema)
        let picks = ranked.map { starts[source[$0.key]!.input] + source[$0.key]!.row }
        let rows = RecordBatch(checked: schema, columns: all.columns.map { $0.gather(picks) })
        let scores = try ColumnBuilder.column(.float64, ranked.map { .float64($0.value) })
        return KeyedBatch(batch: try appending(rows, name: TextSearchNode.scoreColumn, column: scores), keys: ranked.map(\.key))
    }

    private func weight(_ i: Int) -> Double {
        switch fusion {
        case let .rrf(_, weights), let .linear(weights): return i < weights.count ? weights[i] : 1
        }
    }

    /// Each row's contribution from one input.
    private func normalized(_ input: KeyedBatch, weight: Double) -> [Double] {
        switch fusion {
        case let .rrf(k, _):
            return input.keys.indices.map { weight / (k + Double($0 + 1)) }
        case .linear:
            let (values, nearerIsLower): ([Double], Bool) = {
                if let d = input.batch.column(named: VectorSearchNode.distanceColumn) { return ((0..<d.count).map { Self.double(d, $0) }, true) }
                if let s = input.batch.column(named: TextSearchNode.scoreColumn) { return ((0..<s.count).map { Self.double(s, $0) }, false) }
                return ([Double](repeating: 1, count: input.keys.count), false)
            }()
            guard let low = values.min(), let high = values.max(), high > low else { return values.map { _ in weight } }
            return values.map { weight * (nearerIsLower ? (high - $0) / (high - low) : ($0 - low) / (high - low)) }
        }
    }

    private static func double(_ column: ColumnBuffer, _ row: Int) -> Double {
        switch column.value(at: row) {
        case let .float32(x): return Double(x)
        case let .float64(x): return x
        default: return 0
        }
    }

    /// Every input's single batch, the inputs run concurrently.
    private func runInputs() async throws(StrataError) -> [KeyedBatch] {
        let children = self.children
        do {
            return try await withThrowingTaskGroup(of: (Int, KeyedBatch?).self) { group in
                for (i, child) in children.enumerated() {
                    group.addTask {
                        let batches = try await child.collect()
                        return (i, batches.first)
                    }
                }
                var results = [KeyedBatch?](repeating: nil, count: children.count)
                for try await (i, batch) in group { results[i] = batch }
                return results.compactMap { $0 }
            }
        } catch let error as StrataError {
            throw error
        } catch {
            throw .invalidQuery(message: "search failed: \(error)", offset: nil)
        }
    }
}
