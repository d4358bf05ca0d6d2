/// The drawn and tabular forms: tree, four-letter words across members, the ensemble view.
extension TextRenderer {
    /// Box-drawing branches like tree(1); a node whose children were not entered (depth limit) shows how
    /// many it has. Ends with a count of nodes and bytes.
    static func tree(_ entries: [TreeEntry], sizes: Bool, style: TextStyle = .plain) -> String {
        var drawer = TreeDrawer(style: style)
        let bytes = entries.reduce(Int64(0)) { $0 + Int64($1.dataLength) }
        return entries.map { drawer.line($0, sizes: sizes) }.joined()
            + TreeDrawer.summary(nodes: entries.count, bytes: bytes, human: sizes)
    }

    /// One server: its answer as is. Several: a table (keys down, servers across) for the words that
    /// answer in key/value lines, otherwise one section per server.
    static func fourLetterWord(_ word: String, _ answers: [ServerAnswer], style: TextStyle = .plain) -> String {
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
            return table(rows, width: style.width)
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

    static func ensemble(_ members: [MemberStatus], style: TextStyle = .plain) -> String {
        let header = ["SERVER", "MODE", "ZXID", "EPOCH", "LATENCY", "CONN", "OUT", "NODES", "SYNC"]
        // A member that is down has nothing in its other cells: its short reason runs on into them instead
        // of widening the MODE column (which would push the table past its width and cut every cell).
        let rows = members.map { m -> [String] in
            guard m.error == nil else { return [m.server, "down", "", "", "", "", "", "", ""] }
            return [m.server, m.mode ?? "?", m.zxid.map { "0x" + hex($0) } ?? "", m.epoch.map(String.init) ?? "",
                    m.latency ?? "", m.connections.map(String.init) ?? "", m.outstanding.map(String.init) ?? "",
                    m.znodes.map(String.init) ?? "", m.syncedFollowers.map(String.init) ?? ""]
        }
        let text = table([header] + rows, width: style.width) { row, column, cell in
            guard column == 1, row > 0, !cell.hasPrefix("down") else { return cell }
            return cell.hasPrefix("leader") || cell.hasPrefix("standalone") ? style.paint(cell, .green) : cell
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let modeColumn = lines.first?.range(of: "MODE")?.lowerBound, let first = lines.first else { return text }
        let indent = first.distance(from: first.startIndex, to: modeColumn)
        for (index, member) in members.enumerated() where member.error != nil && index + 1 < lines.count {
            lines[index + 1] = String(lines[index + 1].prefix(indent)) + style.paint("down: " + (member.shortError ?? ""), .red)
        }
        return lines.joined(separator: "\n")
    }

    /// `top`: the ensemble view with lag, request rate, p99s and watches; a member that is down is one short cell.
    static func top(_ frame: TopFrame, style: TextStyle = .plain) -> String {
        let header = ["SERVER", "MODE", "ZXID", "EPOCH", "LAG", "REQ/S", "P99MS", "CONN", "OUT", "WATCH", "NODES", "FSYNC99"]
        func number(_ value: Double?) -> String {
            guard let value else { return "" }
            return value >= 100 ? String(Int(value.rounded())) : String(Double(Int((value * 10).rounded())) / 10)
        }
        let rows = frame.rows.map { row -> [String] in
            let m = row.member
            guard m.error == nil else { return [m.server, "down: " + (m.shortError ?? "")] }
            let lag = row.lagsEpochs ? "epoch" : row.lag.map(String.init) ?? ""
            return [m.server, m.mode ?? "?", m.zxid.map { "0x" + hex($0) } ?? "", m.epoch.map(String.init) ?? "", lag,
                    number(row.requestsPerSecond), number(m.latencyP99), m.connections.map(String.init) ?? "",
                    m.outstanding.map(String.init) ?? "", m.watches.map(String.init) ?? "", m.znodes.map(String.init) ?? "",
                    number(m.fsyncP99)]
        }
        // A down member's reason spans the row: laid out apart from the columns it would widen.
        var up = [header] + rows.filter { $0.count > 2 }
        // A cut zxid or rate is worthless, so a narrow terminal loses whole columns from the right instead.
        if let width = style.width {
            func natural(_ table: [[String]]) -> Int {
                let widths = (0..<table[0].count).map { column in table.map { $0[column].count }.max() ?? 0 }
                return widths.reduce(0, +) + 2 * (widths.count - 1)
            }
            while up[0].count > 5, natural(up) > width { up = up.map { Array($0.dropLast()) } }
        }
        var laidOut = table(up, width: nil) { row, column, cell in
            guard column == 1, row > 0 else { return cell }
            return cell.hasPrefix("leader") || cell.hasPrefix("standalone") ? style.paint(cell, .green) : cell
        }.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let serverWidth = (up.map { $0[0].count }.max() ?? 6) + 2
        var lines = [laidOut.removeFirst()]
        for row in rows {
            if row.count > 2 { lines.append(laidOut.removeFirst()) } else {
                let room = style.width.map { max(8, $0 - serverWidth) } ?? row[1].count
                let reason = row[1].count > room ? String(row[1].prefix(room - 1)) + "…" : row[1]
                lines.append(row[0] + String(repeating: " ", count: max(2, serverWidth - row[0].count)) + style.paint(reason, .red))
            }
        }
        // Short enough for 80 columns; `help top` and the man page say which key sorts by what.
        let keys = TopView.Order.allCases.map { String($0.rawValue) }.joined(separator: " ")
        let title = "every \(frame.intervalMs / 1000 > 0 ? "\(frame.intervalMs / 1000) s" : "\(frame.intervalMs) ms"), "
            + "sorted by \(frame.order.title) (keys \(keys) sort, q quits)"
        return title + "\n" + lines.joined(separator: "\n")
    }

    /// Left-aligned columns two spaces apart, trailing blanks trimmed. Wider than `width`, the widest
    /// columns are cut (their cells end in "…") until the table fits. `paint` colours a cell once laid out.
    static func table(_ rows: [[String]], width: Int? = 80,
                      paint: (_ row: Int, _ column: Int, _ cell: String) -> String = { _, _, cell in cell }) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        if let width {
            let minimum = 6
            while widths.reduce(0, +) + 2 * max(0, columns - 1) > width,
                  // The first column names the row (a server, a key): it is never cut.
                  let widest = widths.indices.dropFirst().max(by: { widths[$0] < widths[$1] }), widths[widest] > minimum {
                widths[widest] -= 1
            }
        }
        return rows.enumerated().map { rowIndex, row in
            var line = ""
            for (index, cell) in row.enumerated() {
                let cut = cell.count > widths[index] ? String(cell.prefix(max(0, widths[index] - 1))) + "…" : cell
                let shown = paint(rowIndex, index, cut)
                line += index == row.count - 1 ? shown : shown + String(repeating: " ", count: widths[index] + 2 - cut.count)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line + "\n"
        }.joined()
    }
}

/// Draws `tree` one node at a time, in pre-order, so a walk can print as it goes.
struct TreeDrawer {
    var style: TextStyle = .plain
    /// For each depth above the current node: whether that ancestor was the last of its siblings.
    var lastAtDepth: [Bool] = []

    mutating func line(_ entry: TreeEntry, sizes: Bool) -> String {
        if lastAtDepth.count > entry.depth { lastAtDepth.removeLast(lastAtDepth.count - entry.depth) }
        var line = ""
        let name = entry.depth == 0 ? entry.path : PathResolution.name(entry.path)
        if entry.depth > 0 {
            for ancestorLast in lastAtDepth.dropFirst() { line += ancestorLast ? "    " : "│   " }
            line += entry.isLastSibling ? "└── " : "├── "
        }
        line += entry.numChildren > 0 ? style.paint(name, .boldBlue) : entry.ephemeral ? style.paint(name, .magenta) : name
        lastAtDepth.append(entry.isLastSibling)
        var notes: [String] = []
        if sizes { notes.append(HumanSize.format(Int64(entry.dataLength), iec: true)) }
        if sizes || (!entry.entered && entry.numChildren > 0) {
            notes.append("\(entry.numChildren) \(entry.numChildren == 1 ? "child" : "children")")
        }
        if sizes && entry.subtreeNodes > 1 {
            notes.append("subtree \(HumanSize.format(entry.subtreeBytes, iec: true)) in \(entry.subtreeNodes) nodes")
        }
        if entry.ephemeral { notes.append("ephemeral") }
        return line + (notes.isEmpty ? "" : "  [" + notes.joined(separator: ", ") + "]") + "\n"
    }

    static func summary(nodes: Int, bytes: Int64, human: Bool) -> String {
        "\(nodes) \(nodes == 1 ? "node" : "nodes"), " + (human ? HumanSize.format(bytes, iec: true) : "\(bytes) bytes") + "\n"
    }
}
