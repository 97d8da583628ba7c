import Strata
import Testing

/// Rows for expression tests: id, name, score (float, one null), n (int32, one null),
/// at (timestamp), meta (json), flag (bool, one null).
private func sampleBatch() throws -> RecordBatch {
    let schema = try Schema(fields: [
        Field(id: 0, name: "id", type: .int64, nullable: false),
        Field(id: 1, name: "name", type: .string, nullable: true),
        Field(id: 2, name: "score", type: .float64, nullable: true),
        Field(id: 3, name: "n", type: .int32, nullable: true),
        Field(id: 4, name: "at", type: .timestamp, nullable: true),
        Field(id: 5, name: "meta", type: .json, nullable: true),
        Field(id: 6, name: "flag", type: .bool, nullable: true),
    ])
    let day: Int64 = 86_400_000_000
    let base = try Timestamp.parse("2025-03-01")
    let rows: [[Value]] = [
        [.int(0), .string("alpha"), .float64(1.5), .int(10), .timestamp(base), .json(#"{"user":{"name":"ann"},"tags":["a","b"],"n":3}"#), .bool(true)],
        [.int(1), .string("Beta"), .float64(-2), .int(20), .timestamp(base + day), .json(#"{"user":{"name":"bob"},"n":7.5}"#), .bool(false)],
        [.int(2), .string("gamma ray"), .null, .int(30), .timestamp(base + 40 * day), .json(#"{"n":"x"}"#), .null],
        [.int(3), .null, .float64(0), .null, .null, .null, .bool(true)],
        [.int(4), .string("50% off"), .float64(.nan), .int(-5), .timestamp(base - 400 * day), .json("[1,2]"), .bool(false)],
    ]
    let columns = try schema.fields.indices.map { c in try ColumnBuilder.column(schema.fields[c].type, rows.map { $0[c] }) }
    return try RecordBatch(schema: schema, columns: columns)
}

/// The ids of the rows where `condition` is true.
private func ids(_ condition: String, parameters: [Value] = []) throws -> [Int64] {
    let batch = try sampleBatch()
    let now = try Timestamp.parse("2025-03-10")
    let bound = try Binder(BindingScope(schema: batch.schema, parameters: parameters, now: now)).condition(try SQLExpression(parsing: condition))
    return try Evaluator(batch).matchingRows(bound).map { batch.columns[0].fixed($0, as: Int64.self) }
}

/// The error a condition raises, with its position.
private func failure(_ condition: String) -> (message: String, offset: Int?)? {
    do {
        _ = try ids(condition)
        return nil
    } catch let StrataError.invalidQuery(message, offset) {
        return (message, offset)
    } catch {
        return ("\(error)", nil)
    }
}

@Suite struct ExpressionTests {
    @Test func comparisonsAndLogic() throws {
        #expect(try ids("n > 15") == [1, 2])
        #expect(try ids("n >= 20 AND score < 0") == [1])
        #expect(try ids("n = 10 OR name = 'Beta'") == [0, 1])
        #expect(try ids("NOT (n > 15)") == [0, 4])
        #expect(try ids("id <> 2 AND id != 3") == [0, 1, 4])
        #expect(try ids("score > -100") == [0, 1, 3], "NaN and NULL match no comparison")
        #expect(try ids("n + 5 * 2 = 30") == [1])
        #expect(try ids("n / 3 = 3") == [0], "integer division truncates")
        #expect(try ids("n % 7 = 6") == [1])
        #expect(try ids("-n < 0 AND n * 1.5 > 20") == [1, 2])
    }

    @Test func threeValuedLogic() throws {
        // NULL AND FALSE is FALSE, so NOT of it is TRUE; NULL AND TRUE is NULL.
        #expect(try ids("NOT (flag AND id > 100)") == [0, 1, 2, 3, 4])
        #expect(try ids("NOT (flag AND id < 100)") == [1, 4])
        #expect(try ids("flag OR id = 2") == [0, 2, 3])
        #expect(try ids("flag IS NULL") == [2])
        #expect(try ids("name IS NOT NULL AND n IS NULL") == [])
        #expect(try ids("n IN (10, 30, NULL)") == [0, 2])
        #expect(try ids("NOT (n NOT IN (10, NULL))") == [0], "NOT IN with a NULL item is never true")
        #expect(try ids("n NOT IN (10, 20)") == [2, 4])
        #expect(try ids("NULL = NULL") == [])
    }

    @Test func betweenLikeAndStrings() throws {
        #expect(try ids("n BETWEEN 10 AND 20") == [0, 1])
        #expect(try ids("n NOT BETWEEN 10 AND 20") == [2, 4])
        #expect(try ids("name LIKE '%a'") == [0, 1])
        #expect(try ids("name LIKE '_eta'") == [1])
        #expect(try ids("name ILIKE 'b%'") == [1])
        #expect(try ids("name LIKE '%\\%%'") == [4], "an escaped % is literal")
        #expect(try ids("name NOT LIKE '%a%'") == [4])
        #expect(try ids("name < 'b'") == [0, 1, 4], "byte order: upper case sorts first")
        #expect(try ids("lower(name) = 'beta'") == [1])
        #expect(try ids("name || '!' = 'alpha!'") == [0])
        #expect(try ids("length(name) = 9") == [2])
        #expect(try ids("coalesce(name, 'none') = 'none'") == [3])
    }

    @Test func timestampsAndIntervals() throws {
        #expect(try ids("at >= TIMESTAMP '2025-03-02'") == [1, 2])
        #expect(try ids("at > '2025-03-01T12:00:00Z'") == [1, 2], "a string constant compared with a timestamp is read as one")
        #expect(try ids("at > now() - INTERVAL '9 days'") == [1, 2])
        #expect(try ids("at < now() - INTERVAL '1 year'") == [4])
        #expect(try ids("at + INTERVAL '1 month' > TIMESTAMP '2025-04-05'") == [2])
        #expect(try ids("now() - at < INTERVAL '10 days'") == [0, 1, 2])
        #expect(try ids("at BETWEEN DATE '2025-03-01' AND DATE '2025-03-02'") == [0, 1])
        #expect(try ids("epoch(at) = 1740787200") == [0])
        #expect(try ids("to_timestamp(1740787200) = at") == [0])
    }

    @Test func jsonPaths() throws {
        #expect(try ids("meta->'user'->>'name' = 'bob'") == [1])
        #expect(try ids("meta->'n' > 5") == [1], "a JSON number compares as a number; a string there is NULL")
        #expect(try ids("meta->>'n' = 'x'") == [2])
        #expect(try ids("meta->'tags'->>1 = 'b'") == [0])
        #expect(try ids("meta->0 = 1") == [4])
        #expect(try ids("meta->'missing' IS NULL") == [0, 1, 2, 3, 4])
        #expect(try ids("meta->>'n' = '3'") == [0])
        #expect(failure("CAST(meta->>'n' AS int) = 3")?.message == "cannot convert '7.5' to int")
    }

    @Test func parametersAndCase() throws {
        #expect(try ids("n > $1 AND name <> $2", parameters: [.int(15), .string("Beta")]) == [2])
        #expect(try ids("CASE WHEN n > 15 THEN 'big' ELSE 'small' END = 'small'") == [0, 3, 4])
        #expect(try ids("n::float / 4 = 2.5") == [0])
    }

    @Test func errorsPointAtTheOffendingToken() throws {
        let unknown = try #require(failure("nme = 'x'"))
        #expect(unknown.offset == 0)
        #expect(unknown.message.contains("did you mean 'name'"))
        let type = try #require(failure("id = 1 AND name > 3"))
        #expect(type.offset == 16)
        #expect(type.message.contains("cannot compare string with int"))
        #expect(failure("id = 1 AND")?.offset == 10)
        #expect(failure("name LIKE 'a' OR (n > 1")?.message == "expected ')', found end of input")
        #expect(failure("at > TIMESTAMP '2025-13-01'")?.offset == 15)
        #expect(failure("lowr(name) = 'a'")?.message.contains("did you mean 'lower'") == true)
        #expect(failure("n + 'a' = 1")?.message.contains("join text with ||") == true)
        #expect(failure("n = $2")?.message == "no value for parameter $2: 0 given")
        #expect(failure("n / 0 = 1")?.message.contains("division by zero") == true)
        #expect(failure("'unterminated")?.offset == 0)
        #expect(failure("n = 9223372036854775807 + 1")?.message.contains("out of range") == true)
        #expect(failure("n")?.message.contains("must be true or false") == true)
        #expect(failure(String(repeating: "(", count: 500) + "1")?.message == "expression nested too deeply")
    }

    @Test func printedExpressionsParseBackToTheSameTree() throws {
        for text in ["a = 1 AND NOT b OR c IS NULL", "x BETWEEN 1 AND 2", "-n * (2 + 3) <> 7", "m->'a'->>0 ILIKE 'x%'",
                     "t > now() - INTERVAL '7 days'", "v <-> [1, 2.5] < 3", "CASE WHEN a THEN 1 ELSE 2 END", "\"Odd Name\" IN (1, 2)"] {
            let parsed = try SQLExpression(parsing: text)
            let again = try SQLExpression(parsing: parsed.description)
            #expect(again.description == parsed.description, "\(text)")
        }
    }
}
