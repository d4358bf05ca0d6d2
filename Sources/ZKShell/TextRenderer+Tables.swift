/// The drawn and tabular forms: tree, four-letter words across members, the ensemble view.
extension TextRenderer {
    /// Box-drawing branches like tree(1); a node whose children were not entered (depth limit) shows how
    /// many it has. Ends with a count of nodes and bytes.
    static func tree(_ entries: [TreeEntry], sizes: Bool) -> String {
        var out = ""
        // For each depth above the current node: whether that ancestor was the last of its siblings.
        var lastAtDepth: [Bool] = []
        var bytes: Int64 = 0
        for (index, entry) in entries.enumerated() {
            bytes += Int64(entry.dataLength)
            if lastAtDepth.count > entry.depth { lastAtDepth.removeLast(lastAtDepth.count - entry.depth) }
            var line = ""
            if entry.depth == 0 {
                line = entry.path
            } else {
                for ancestorLast in lastAtDepth.dropFirst() { line += ancestorLast ? "    " : "│   " }
                line += (entry.isLastSibling ? "└── " : "├── ") + PathResolution.name(entry.path)
            }
            lastAtDepth.append(entry.isLastSibling)
            let entered = index + 1 < entries.count && entries[index + 1].depth > entry.depth
            var notes: [String] = []
            if sizes { notes.append("\(entry.dataLength) B") }
            if sizes || (!entered && entry.numChildren > 0) {
                notes.append("\(entry.numChildren) \(entry.numChildren == 1 ? "child" : "children")")
            }
            if entry.ephemeral { notes.append("ephemeral") }
            out += line + (notes.isEmpty ? "" : "  [" + notes.joined(separator: ", ") + "]") + "\n"
        }
        return out + "\(entries.count) \(entries.count == 1 ? "node" : "nodes"), \(bytes) bytes\n"
    }

    /// One server: its answer as is. Several: a table (keys down, servers across) for the words that
    /// answer in key/value lines, otherwise one section per server.
    static func fourLetterWord(_ word: String, _ answers: [ServerAnswer]) -> String {
        if answers.count == 1, let answer = answers.first {
            guard let text = answer.text else { return "\(answer.server): \(answer.error ?? "no answer")\n" }
            return text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"
        }
        if let separator = keyValueSeparator(word) {
            var keys: [String] = []
            let columns = answers.map { answer -> [String: String] in
                var values: [String: String] = [:]
                guard let text = answer.text else { values["error"] = answer.error ?? "no answer"; if !keys.contains("error") { keys.append("error") }; return values }
                for line in text.split(whereSeparator: \.isNewline) {
                    let key: String, value: String
                    if let separator, let index = line.firstIndex(of: separator) {
                        key = String(line[..<index].trimmingBlanks()); value = String(line[line.index(after: index)...].trimmingBlanks())
                    } else {
                        key = word; value = String(line.trimmingBlanks())
                    }
                    if values[key] == nil && !keys.contains(key) { keys.append(key) }
                    values[key] = value
                }
                return values
            }
            let rows = [[""] + answers.map(\.server)] + keys.map { key in [key] + columns.map { $0[key] ?? "" } }
            return table(rows)
        }
        return answers.map { answer in
            "== \(answer.server) ==\n" + (answer.text.map { $0.hasSuffix("\n") || $0.isEmpty ? $0 : $0 + "\n" }
                                          ?? "\(answer.error ?? "no answer")\n")
        }.joined()
    }

    /// nil: not key/value. .some(nil): a single value (ruok's imok). .some(c): lines split at c.
    static func keyValueSeparator(_ word: String) -> Character?? {
        switch word {
        case "mntr": return .some("\t")
        case "conf", "envi": return .some("=")
        case "srvr", "dirs": return .some(":")
        case "ruok", "isro", "crst", "srst": return .some(nil)
        default: return nil
        }
    }

    static func ensemble(_ members: [MemberStatus]) -> String {
        let header = ["SERVER", "MODE", "ZXID", "EPOCH", "LATENCY min/avg/max", "CONNS", "OUTSTANDING", "ZNODES", "SYNCED"]
        let rows = members.map { m -> [String] in
            guard m.error == nil else { return [m.server, "down: " + (m.error ?? ""), "", "", "", "", "", "", ""] }
            return [m.server, m.mode ?? "?", m.zxid.map { "0x" + hex($0) } ?? "", m.epoch.map(String.init) ?? "",
                    m.latency ?? "", m.connections.map(String.init) ?? "", m.outstanding.map(String.init) ?? "",
                    m.znodes.map(String.init) ?? "", m.syncedFollowers.map(String.init) ?? ""]
        }
        return table([header] + rows)
    }

    /// Left-aligned columns two spaces apart, trailing blanks trimmed.
    static func table(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            var line = ""
            for (index, cell) in row.enumerated() { line += index == row.count - 1 ? cell : cell.padding(widths[index] + 2) }
            while line.hasSuffix(" ") { line.removeLast() }
            return line + "\n"
        }.joined()
    }
}
