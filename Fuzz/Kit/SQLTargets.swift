import Foundation
import Strata

extension FuzzTargets {
    /// The rows expressions and queries run against: every column type, nulls, NaN, edge
    /// integers, JSON of every shape.
    static let fuzzRows: RecordBatch = {
        let schema = try! Schema(fields: [
            Field(id: 0, name: "id", type: .int64, nullable: false),
            Field(id: 1, name: "s", type: .string, nullable: true),
            Field(id: 2, name: "f", type: .float64, nullable: true),
            Field(id: 3, name: "n", type: .int32, nullable: true),
            Field(id: 4, name: "u", type: .uint64, nullable: true),
            Field(id: 5, name: "t", type: .timestamp, nullable: true),
            Field(id: 6, name: "j", type: .json, nullable: true),
            Field(id: 7, name: "b", type: .bool, nullable: true),
            Field(id: 8, name: "v", type: .vector(.float32, dimension: 2), nullable: true),
            Field(id: 9, name: "x", type: .binary, nullable: true),
        ])
        let rows: [[Value]] = [
            [.int(0), .string("alpha"), .float64(1.5), .int(7), .uint(3), .timestamp(0), .json(#"{"a":[1,{"b":"c"}],"n":2.5}"#), .bool(true), .vector([1, 0]), .binary([0, 255])],
            [.int(.max), .string(""), .float64(.nan), .int(Int64(Int32.min)), .uint(UInt64.max), .timestamp(.max), .json("[]"), .bool(false), .vector([0, 0]), .binary([])],
            [.int(.min), .null, .null, .null, .null, .null, .null, .null, .null, .null],
            [.int(-1), .string("héllo wörld 東京"), .float64(-0.0), .int(0), .uint(0), .timestamp(.min), .json("\"str\""), .bool(true), .vector([-1e30, 1e30]), .binary([1])],
            [.int(42), .string("%_\\"), .float64(.infinity), .int(Int64(Int32.max)), .uint(1), .timestamp(1_700_000_000_000_000), .json("null"), .null, .vector([0.5, 0.5]), .null],
        ]
        let columns = schema.fields.indices.map { c in try! ColumnBuilder.column(schema.fields[c].type, rows.map { $0[c] }) }
        return try! RecordBatch(schema: schema, columns: columns)
    }()

    /// A table holding `fuzzRows`, with a full-text and a scalar index, for queries.
    static let fuzzSnapshot: TableSnapshot = {
        nonisolated(unsafe) var made: TableSnapshot?
        runBlocking {
            let table = try! await Table.create(store: MemoryObjectStore(), schema: fuzzRows.schema)
            _ = try! await table.append(fuzzRows)
            _ = try! await table.createTextIndex(column: "s")
            _ = try! await table.createScalarIndex(column: "n", kind: .btree)
            made = try! await table.snapshot()
        }
        return made!
    }()

    /// An expression: parsed, printed and parsed again (the printed form must parse to the
    /// same text), bound against `fuzzRows` and evaluated over them. Errors are fine; traps
    /// and hangs are not.
    public static func expression(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let parsed = try? SQLExpression(parsing: text) else { return }
        // Printing parenthesises every node, so it may nest deeper than the parser allows.
        do throws(StrataError) {
            let again = try SQLExpression(parsing: parsed.description)
            precondition(again.description == parsed.description, "printed expression reads back differently: \(parsed.description)")
        } catch {
            guard case let .invalidQuery(message, _) = error, message == "expression nested too deeply" else {
                preconditionFailure("printed expression does not parse back: \(parsed.description): \(error)")
            }
        }
        let scope = BindingScope(schema: fuzzRows.schema, parameters: [.int(1), .string("p"), .vector([1, 2])], now: 1_750_000_000_000_000)
        guard let bound = try? Binder(scope).bind(parsed) else { return }
        _ = try? Evaluator(fuzzRows).evaluate(bound)
        if bound.type == .bool { _ = try? Evaluator(fuzzRows).matchingRows(bound) }
    }

    /// SQL statements: parsed as a script; each SELECT is planned and run against a small
    /// indexed table (named `t`), with every optimizer rule on and with every rule off, and
    /// both must give the same rows.
    public static func sql(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let statements = try? Statement.parseScript(text) else { return }
        let snapshot = fuzzSnapshot
        runBlocking {
            for (statement, _) in statements.prefix(4) {
                guard case let .select(select) = statement else { continue }
                let parameters: [Value] = [.int(1), .string("alpha"), .vector([1, 0])]
                let optimized = try? await QueryEngine.run(select.query, on: snapshot, table: "t", parameters: parameters,
                                                           options: QueryOptions(now: 0))
                let plain = try? await QueryEngine.run(select.query, on: snapshot, table: "t", parameters: parameters,
                                                       options: QueryOptions(disabledRules: Set(OptimizerRule.allCases), now: 0))
                if let optimized, let plain {
                    precondition(optimized.keys == plain.keys, "rules changed the rows of \(text)")
                }
            }
        }
    }
}
