extension JSONValue {
    /// Parses one JSON document; object keys keep the order of the text. A mistake is reported with its line
    /// and column, so a hand-edited export file can be fixed.
    public static func parse(_ text: String) throws(UsageError) -> JSONValue {
        var parser = JSONParser(Array(text.utf8))
        return try parser.document()
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var intValue: Int64? { if case .int(let i) = self { return i } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    /// Indented two spaces a level, for files people read (export).
    public func serialized(pretty: Bool) -> String {
        guard pretty else { return serialized() }
        var out = ""
        writePretty(into: &out, indent: 0)
        return out
    }

    func writePretty(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1), closing = String(repeating: "  ", count: indent)
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.writePretty(into: &out, indent: indent + 1)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += closing + "]"
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            for (i, (key, value)) in members.enumerated() {
                out += pad
                Self.writeString(key, into: &out)
                out += ": "
                value.writePretty(into: &out, indent: indent + 1)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += closing + "}"
        default:
            write(into: &out)
        }
    }
}
