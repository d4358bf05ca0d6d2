import Foundation
import ZKClient
import ZKProtocol

/// zkCli.sh's output formats. Every non-empty rendering ends with a newline; commands that print nothing
/// in zkCli.sh (set, delete, addauth without -s) render as "".
public enum TextRenderer {
    public static func render(_ result: CommandResult, style: TextStyle = .plain) -> String {
        switch result {
        case .children(_, let children, let stat, let showStat):
            return javaList(children) + "\n" + (showStat ? self.stat(stat) : "")
        case .subtreePaths(_, let paths), .found(_, let paths):
            return lines(paths)
        case .data(_, let data, let stat, let showStat, let format):
            let shown: String
            switch format {
            case .text: shown = self.data(data) + "\n"
            case .hex: shown = hexDump(data)
            case .base64: shown = Data(data).base64EncodedString() + "\n"
            }
            return shown + (showStat ? self.stat(stat) : "")
        case .dataSaved(_, _, let stat, let showStat), .nodeStat(_, let stat, let showStat):
            return showStat ? self.stat(stat) : ""
        case .created(let path, _):
            return "Created \(path)\n"
        case .deleted(_, let count, let recursive):
            return recursive ? "deleted \(Executor.count(count))\n" : ""
        case .copied(let from, let to, let count, let moved, let atomic):
            return "\(moved ? "moved" : "copied") \(Executor.count(count)) from \(from) to \(to) "
                + "(\(atomic ? "one atomic multi" : "in steps, not atomic"))\n"
        case .imported(let path, let created, let updated, _):
            return "imported into \(path): created \(created), updated \(updated)\n"
        case .plan(let plan):
            return plan.entries.map { ($0.action.map { $0 + " " } ?? "") + $0.path + "\n" }.joined() + plan.summary + "\n"
        case .declined:
            return "cancelled: nothing changed\n"
        case .streamed(_, let summary, _):
            return summary
        case .edited(let path, let stat, let changed):
            guard changed, let stat else { return "no change: \(path) was left as it was\n" }
            return "saved \(path) (version \(stat.version))\n"
        case .differences(let left, let right, let differences):
            return self.differences(left, right, differences)
        case .diskUsage(let usage, let human):
            return usage.map { "\(human ? HumanSize.format($0.bytes, iec: false) : String($0.bytes))\t\($0.nodes)\t\($0.path)\n" }.joined()
        case .authAdded, .done, .unwatched, .quit:
            return ""
        case .acl(_, let acl, let stat, let showStat):
            return acl.map { "'\($0.id.scheme),'\($0.id.id)\n: \($0.perms.letters)\n" }.joined()
                + (showStat ? self.stat(stat) : "")
        case .synced:
            return "Sync is OK\n"
        case .identities(let infos):
            return "Auth scheme: User\n" + infos.map { "\($0.authScheme): \($0.user)\n" }.joined()
        case .ephemerals(_, let paths):
            return javaList(paths) + "\n"
        case .childCount(_, let count):
            return "\(count)\n"
        case .version(let version):
            return "ZooKeeper CLI version: \(version)\n"
        case .help(let specs, let single):
            return help(specs, single: single)
        case .configuration(let configLines, let stat, let showStat, let reconfigured):
            return (reconfigured ? "Committed new configuration:\n" : "") + lines(configLines) + (showStat ? self.stat(stat) : "")
        case .quota(let path, let limits, let usage):
            let header = "absolute path is \(Executor.limitsPath(path))\n"
            guard let limits else { return header + "quota for \(path) does not exist.\n" }
            return header
                + "Output quota for \(path) \(QuotaText.describe(limits))\n"
                + (usage.map { "Output stat for \(path) \(QuotaText.describe($0))\n" } ?? "")
        case .history(let entries):
            return entries.map { "\($0.number) - \($0.line)\n" }.joined()
        case .printWatches(let on, let queried):
            return queried ? "printwatches is \(on ? "on" : "off")\n" : ""
        case .currentNode(let path):
            return path + "\n"
        case .tree(_, let entries, let sizes):
            return tree(entries, sizes: sizes, style: style)
        case .matches(_, let matches, let pathsOnly):
            return matches.map { grepLines($0, pathsOnly: pathsOnly) }.joined()
        case .exported(_, let document, let file, _):
            return file == nil ? document.serialized(pretty: true) + "\n" : ""
        case .watching(let path, let recursive):
            return "watching \(path)\(recursive ? " and below" : ""); unwatch \(path) stops\n"
        case .event(let event):
            return self.event(event)
        case .fourLetterWord(let word, let answers):
            return fourLetterWord(word, answers, style: style)
        case .ensemble(let members):
            return ensemble(members, style: style)
        case .top(let frame):
            return top(frame, style: style)
        }
    }

    static func grepLines(_ match: GrepMatch, pathsOnly: Bool) -> String {
        pathsOnly ? match.path + "\n" : match.lines.map { "\(match.path): \($0)\n" }.joined()
    }

    /// One line a difference; data and ACLs follow as "-" (first side) and "+" (second side) lines.
    static func differences(_ left: String, _ right: String, _ differences: [Difference]) -> String {
        func side(_ root: String, _ relative: String) -> String {
            relative.isEmpty ? root : root.hasSuffix("/") ? root + relative.dropFirst() : root + relative
        }
        var out = ""
        for difference in differences {
            let a = side(left, difference.relativePath), b = side(right, difference.relativePath)
            switch difference.kind {
            case .onlyLeft: out += "only in \(left): \(a)\n"
            case .onlyRight: out += "only in \(right): \(b)\n"
            case .data: out += "data differs: \(a) \(b)\n"
            case .acl: out += "acl differs: \(a) \(b)\n"
            }
            out += difference.left.map { "- \($0)\n" }.joined() + difference.right.map { "+ \($0)\n" }.joined()
        }
        return out
    }

    static func lines(_ items: [String]) -> String { items.map { $0 + "\n" }.joined() }

    /// zkCli.sh's watcher block, or one line per event for `watch`.
    static func event(_ event: WatchEventLine) -> String {
        if event.streamed {
            guard let data = event.data else { return "\(event.type.name) \(event.path)\n" }
            return "\(event.type.name) \(event.path) \(self.data(data))\n"
        }
        let path = event.path.isEmpty ? "null" : event.path
        return "\nWATCHER::\n\nWatchedEvent state:\(event.state.name) type:\(event.type.name) path:\(path)\n"
    }

    /// 16 bytes a line: offset, hex, and the printable characters (hexdump -C).
    static func hexDump(_ bytes: [UInt8]) -> String {
        var out = ""
        for start in stride(from: 0, to: bytes.count, by: 16) {
            let row = bytes[start..<min(start + 16, bytes.count)]
            let offset = String(start, radix: 16)
            out += String(repeating: "0", count: max(0, 8 - offset.count)) + offset + "  "
            for index in 0..<16 {
                if index == 8 { out += " " }
                if start + index < bytes.count {
                    let byte = bytes[start + index]
                    out += (byte < 16 ? "0" : "") + String(byte, radix: 16) + " "
                } else {
                    out += "   "
                }
            }
            out += " |" + String(row.map { (0x20..<0x7F).contains($0) ? Character(Unicode.Scalar($0)) : "." }) + "|\n"
        }
        return out
    }

    /// What goes to stderr; a script line's location leads its first line.
    public static func render(_ error: ShellError, at location: ScriptLocation? = nil, style: TextStyle = .plain) -> String {
        let prefix = location.map { "\($0): " } ?? ""
        switch error {
        case .usage(let usage):
            return style.paintError(prefix + usage.message) + "\n" + (usage.usage.map { "usage: \($0)\n" } ?? "")
        case .incomplete(let inner, let report):
            return render(inner, at: location, style: style) + report + "\n"
        case .zookeeper, .connection, .refused:
            return style.paintError(prefix + error.description) + "\n"
        }
    }

    /// StatPrinter.java: zxids and the owner in Java's Long.toHexString, times as Date.toString.
    public static func stat(_ s: Stat) -> String {
        """
        cZxid = 0x\(hex(s.czxid))
        ctime = \(JavaDate.string(epochMillis: s.ctime))
        mZxid = 0x\(hex(s.mzxid))
        mtime = \(JavaDate.string(epochMillis: s.mtime))
        pZxid = 0x\(hex(s.pzxid))
        cversion = \(s.cversion)
        dataVersion = \(s.version)
        aclVersion = \(s.aversion)
        ephemeralOwner = 0x\(hex(s.ephemeralOwner))
        dataLength = \(s.dataLength)
        numChildren = \(s.numChildren)

        """
    }

    /// java.util.List.toString: "[a, b, c]".
    public static func javaList(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    /// Long.toHexString: two's complement, lowercase, no padding.
    public static func hex(_ value: Int64) -> String { String(UInt64(bitPattern: value), radix: 16) }

    /// The data as UTF-8 when it is text; otherwise printable ASCII as is, `\\` for a backslash and `\xNN` for
    /// every other byte, so binary never reaches the terminal raw.
    public static func data(_ bytes: [UInt8]) -> String {
        if let text = DataText.utf8Text(bytes) { return text }
        var out = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return out
    }

    /// Within 80 columns: each command's usage, then its summary indented below it.
    static func help(_ specs: [CommandSpec], single: Bool) -> String {
        if single, let spec = specs.first {
            var out = wrap("usage: \(spec.usage)", width: 80, indent: 7) + wrap(spec.summary, width: 80, indent: 2, first: 2)
            if !spec.aliases.isEmpty { out += "  aliases: \(spec.aliases.joined(separator: ", "))\n" }
            for flag in spec.flags {
                let name = flag.valueName.map { "\(flag.spelling) \($0)" } ?? flag.spelling
                out += wrap(name.padding(14) + " " + flag.help, width: 80, indent: 17, first: 2)
            }
            return out
        }
        var out = ""
        for group in CommandGroup.allCases {
            let members = specs.filter { $0.group == group }
            guard !members.isEmpty else { continue }
            out += (out.isEmpty ? "" : "\n") + "\(group.rawValue):\n"
            for spec in members {
                out += wrap(spec.usage, width: 80, indent: 6, first: 2) + wrap(spec.summary, width: 80, indent: 6, first: 6)
            }
        }
        return out
    }

    /// Words filled into lines of at most `width` characters: the first indented by `first`, the rest by
    /// `indent`. A word longer than a line stands alone.
    static func wrap(_ text: String, width: Int, indent: Int, first: Int = 0) -> String {
        var out = "", line = String(repeating: " ", count: first), empty = true
        for word in text.split(separator: " ") {
            if !empty && line.count + 1 + word.count > width {
                out += line + "\n"
                line = String(repeating: " ", count: indent)
                empty = true
            }
            line += (empty ? "" : " ") + word
            empty = false
        }
        return out + line + "\n"
    }
}

/// Deciding whether znode data is text.
enum DataText {
    /// The string when the bytes are valid UTF-8 without control characters other than tab, newline and
    /// carriage return; nil when they should be treated as binary.
    static func utf8Text(_ bytes: [UInt8]) -> String? {
        var decoded = String.UnicodeScalarView()
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let v = scalar.value
                if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0x7F { return nil }
                decoded.append(scalar)
            case .emptyInput:
                return String(decoded)
            case .error:
                return nil
            }
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
