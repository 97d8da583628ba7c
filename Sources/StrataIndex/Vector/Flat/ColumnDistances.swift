import StrataCore
import StrataKernels

/// Exact distances from a query to the rows of a vector column as stored (float32, float16
/// or int8): the path for rows no index covers yet.
public enum ColumnDistances {
    /// Calls `visit(row, distance)` for every non-null row of `column`. The query must have
    /// the column's dimension and finite elements (callers check).
    /// - Complexity: O(rows × dimension).
    public static func forEach(_ column: ColumnBuffer, query: [Float], metric: VectorMetric, _ visit: (Int, Float) -> Void) {
        guard case let .vector(element, dimension) = column.type else { preconditionFailure("not a vector column") }
        precondition(query.count == dimension, "query of the wrong dimension")
        switch element {
        case .float32: scan(column, query, metric, dimension, Float32Element.self, visit)
        case .float16: scan(column, query, metric, dimension, Float16Element.self, visit)
        case .int8: scan(column, query, metric, dimension, Int8Element.self, visit)
        }
    }

    private static func scan<E: StoredVectorElement>(_ column: ColumnBuffer, _ query: [Float], _ metric: VectorMetric, _ dimension: Int,
                                                     _ element: E.Type, _ visit: (Int, Float) -> Void) {
        let stride = dimension * E.byteWidth
        query.withUnsafeBufferPointer { q in
            let norm = VectorDistance.squaredNorm(q.baseAddress!, dimension: dimension)
            column.values.withUnsafeBytes { raw in
                for row in 0..<column.count where column.validity?.isValid(row) ?? true {
                    // Safety: a vector column holds `stride` bytes per row, null rows included.
                    visit(row, VectorDistance.distance(metric, q.baseAddress!, querySquaredNorm: norm,
                                                       raw.baseAddress! + row * stride, as: element, dimension: dimension))
                }
            }
        }
    }

    /// Appends every non-null row of `column` whose elements are all finite to `values` as
    /// floats, and returns the rows taken (a NaN or infinite vector has no place in a
    /// ranking). Decodes straight into `values`: no per-row or per-batch copies.
    public static func appendFloats(_ column: ColumnBuffer, to values: inout [Float]) -> [Int] {
        guard case let .vector(element, dimension) = column.type else { preconditionFailure("not a vector column") }
        var rows: [Int] = []
        rows.reserveCapacity(column.count)
        values.reserveCapacity(values.count + column.count * dimension)
        column.values.withUnsafeBytes { raw in
            for row in 0..<column.count where column.validity?.isValid(row) ?? true {
                let start = values.count
                let vector = raw.baseAddress! + row * dimension * element.byteWidth
                for i in 0..<dimension {
                    switch element {
                    case .float32: values.append(Float32Element.load1(vector, at: i))
                    case .float16: values.append(Float16Element.load1(vector, at: i))
                    case .int8: values.append(Int8Element.load1(vector, at: i))
                    }
                }
                if values[start...].allSatisfy(\.isFinite) { rows.append(row) } else { values.removeSubrange(start...) }
            }
        }
        return rows
    }
}
