extension JSONValue {
    /// Compact JSON text of the value (no spaces; members in order; numbers as written).
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(v): out += v ? "true" : "false"
        case let .number(v): out += v
        case let .string(v): out += JSONText.quoted(v)
        case let .array(items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case let .object(members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                out += JSONText.quoted(key) + ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }
}
