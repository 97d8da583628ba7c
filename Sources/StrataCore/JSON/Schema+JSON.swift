extension Schema {
    /// Reads a schema from its JSON form:
    /// `{"fields":[{"name":"id","type":"int64","nullable":false}, {"name":"emb","type":"vector(float32,384)"}], "metadata":{…}}`.
    /// `nullable` defaults to true; `id` defaults to the field's position; `metadata` (on the
    /// schema or a field) maps strings to strings.
    /// - Throws: `StrataError.invalidInput` naming the field and what is wrong.
    public init(json bytes: [UInt8]) throws(StrataError) {
        let root = try JSONParser.parse(bytes)
        guard case let .object(members) = root else { throw .invalidInput(what: "schema", why: "must be a JSON object") }
        for (key, _) in members where key != "fields" && key != "metadata" {
            throw .invalidInput(what: "schema", why: "unknown key \"\(key)\" (expected \"fields\", \"metadata\")")
        }
        guard case let .array(entries)? = root["fields"] else {
            throw .invalidInput(what: "schema", why: "needs a \"fields\" array")
        }
        var fields: [Field] = []
        for (position, entry) in entries.enumerated() {
            fields.append(try Schema.field(from: entry, position: position))
        }
        try self.init(fields: fields, metadata: try Schema.stringMap(root["metadata"], what: "schema metadata"))
    }

    /// The JSON form that `init(json:)` reads, with every key written out.
    public var json: String {
        let fieldTexts = fields.map { field in
            "{\"id\":\(field.id),\"name\":\(JSONText.quoted(field.name)),\"type\":\(JSONText.quoted(field.type.description)),"
                + "\"nullable\":\(field.nullable),\"metadata\":\(Schema.jsonMap(field.metadata))}"
        }
        return "{\"fields\":[\(fieldTexts.joined(separator: ","))],\"metadata\":\(Schema.jsonMap(metadata))}"
    }

    private static func field(from entry: JSONValue, position: Int) throws(StrataError) -> Field {
        let what = "schema field \(position)"
        guard case let .object(members) = entry else { throw .invalidInput(what: what, why: "must be a JSON object") }
        let known: Set<String> = ["id", "name", "type", "nullable", "metadata"]
        for (key, _) in members where !known.contains(key) {
            throw .invalidInput(what: what, why: "unknown key \"\(key)\" (expected id, name, type, nullable, metadata)")
        }
        guard case let .string(name)? = entry["name"], !name.isEmpty else {
            throw .invalidInput(what: what, why: "needs a non-empty string \"name\"")
        }
        guard case let .string(typeName)? = entry["type"] else {
            throw .invalidInput(what: "field '\(name)'", why: "needs a string \"type\"")
        }
        let type = try DataType(parsing: typeName)
        var nullable = true
        switch entry["nullable"] {
        case nil: break
        case let .bool(value)?: nullable = value
        default: throw .invalidInput(what: "field '\(name)'", why: "\"nullable\" must be true or false")
        }
        var id = UInt32(position)
        if let idValue = entry["id"] {
            guard case let .number(text) = idValue, let parsed = UInt32(text) else {
                throw .invalidInput(what: "field '\(name)'", why: "\"id\" must be an integer in 0…\(UInt32.max)")
            }
            id = parsed
        }
        return Field(id: id, name: name, type: type, nullable: nullable, metadata: try stringMap(entry["metadata"], what: "metadata of '\(name)'"))
    }

    private static func stringMap(_ value: JSONValue?, what: String) throws(StrataError) -> [String: String] {
        guard let value else { return [:] }
        guard case let .object(members) = value else { throw .invalidInput(what: what, why: "must be an object of strings") }
        var map: [String: String] = [:]
        for (key, member) in members {
            guard case let .string(text) = member else { throw .invalidInput(what: what, why: "value of \"\(key)\" must be a string") }
            map[key] = text
        }
        return map
    }

    private static func jsonMap(_ map: [String: String]) -> String {
        "{" + map.sorted { $0.key < $1.key }.map { "\(JSONText.quoted($0.key)):\(JSONText.quoted($0.value))" }.joined(separator: ",") + "}"
    }
}
