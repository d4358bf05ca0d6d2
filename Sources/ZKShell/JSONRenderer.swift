import Foundation
import ZKClient
import ZKProtocol

/// `--json`: one JSON object per command on one line of stdout; errors as one JSON object on stderr.
/// Keys are fixed per command and listed in docs (see `help`); stat fields use the jute names of Stat.
public enum JSONRenderer {
    /// "" for quit, which produces no document.
    public static func render(_ result: CommandResult) -> String {
        guard let value = value(result) else { return "" }
        return value.serialized() + "\n"
    }

    public static func render(_ error: ShellError, at location: ScriptLocation? = nil) -> String {
        guard let location, case .object(var members) = value(error) else { return value(error).serialized() + "\n" }
        members.append(("file", .string(location.file)))
        members.append(("line", .int(Int64(location.line))))
        return JSONValue.object(members).serialized() + "\n"
    }

    public static func value(_ result: CommandResult) -> JSONValue? {
        switch result {
        case .children(let path, let children, let stat, _):
            return .object([("path", .string(path)), ("children", strings(children)), ("stat", self.stat(stat))])
        case .subtreePaths(let path, let paths):
            return .object([("path", .string(path)), ("paths", strings(paths))])
        case .data(let path, let data, let stat, _, _):
            let text = DataText.utf8Text(data)
            return .object([("path", .string(path)),
                            ("data", .string(text ?? Data(data).base64EncodedString())),
                            ("encoding", .string(text == nil ? "base64" : "utf-8")),
                            ("stat", self.stat(stat))])
        case .dataSaved(let path, let file, let stat, _):
            return .object([("path", .string(path)), ("file", .string(file)), ("stat", self.stat(stat))])
        case .nodeStat(let path, let stat, _):
            return .object([("path", .string(path)), ("stat", self.stat(stat))])
        case .created(let path, let stat):
            return .object([("path", .string(path)), ("stat", self.stat(stat))])
        case .deleted(let path, let count, _):
            return .object([("path", .string(path)), ("deleted", .int(Int64(count)))])
        case .acl(let path, let acl, let stat, _):
            return .object([("path", .string(path)), ("acl", self.acl(acl)), ("stat", self.stat(stat))])
        case .authAdded(let scheme):
            return .object([("scheme", .string(scheme)), ("added", .bool(true))])
        case .synced(let path):
            return .object([("path", .string(path)), ("synced", .bool(true))])
        case .identities(let infos):
            let entries = infos.map { info -> JSONValue in
                .object([("scheme", .string(info.authScheme)), ("user", .string(info.user))])
            }
            return .object([("identities", .array(entries))])
        case .ephemerals(let path, let paths):
            return .object([("path", .string(path)), ("ephemerals", strings(paths))])
        case .childCount(let path, let count):
            return .object([("path", .string(path)), ("count", .int(Int64(count)))])
        case .version(let version):
            return .object([("version", .string(version))])
        case .help(let specs, _):
            let entries = specs.map { spec -> JSONValue in
                .object([("name", .string(spec.name)), ("usage", .string(spec.usage)), ("summary", .string(spec.summary)),
                         ("group", .string(spec.group.rawValue))])
            }
            return .object([("commands", .array(entries))])
        case .quit:
            return nil
        case .done(let command, let path):
            // A streaming watch's documents were its events, top's its frames.
            if command == "watch" || command == "top" { return nil }
            return .object([("command", .string(command)), ("path", path.map(JSONValue.string) ?? .null), ("ok", .bool(true))])
        case .configuration(let lines, let stat, _, let reconfigured):
            return .object([("config", strings(lines)), ("reconfigured", .bool(reconfigured)), ("stat", self.stat(stat))])
        case .quota(let path, let limits, let usage):
            return .object([("path", .string(path)), ("limits", limits.map(quota) ?? .null), ("usage", usage.map(quota) ?? .null)])
        case .history(let entries):
            return .object([("history", .array(entries.map { .object([("number", .int(Int64($0.number))), ("line", .string($0.line))]) }))])
        case .printWatches(let on, _):
            return .object([("printwatches", .bool(on))])
        case .currentNode(let path):
            return .object([("cwd", .string(path))])
        case .tree(let path, let entries, _):
            let nodes = entries.map { entry -> JSONValue in
                .object([("path", .string(entry.path)), ("depth", .int(Int64(entry.depth))),
                         ("dataLength", .int(Int64(entry.dataLength))), ("numChildren", .int(Int64(entry.numChildren))),
                         ("ephemeral", .bool(entry.ephemeral))])
            }
            let bytes = entries.reduce(Int64(0)) { $0 + Int64($1.dataLength) }
            return .object([("path", .string(path)), ("nodes", .array(nodes)), ("count", .int(Int64(entries.count))),
                            ("bytes", .int(bytes))])
        case .found(let path, let paths):
            return .object([("path", .string(path)), ("paths", strings(paths))])
        case .matches(let path, let matches, _):
            return .object([("path", .string(path)),
                            ("matches", .array(matches.map { .object([("path", .string($0.path)), ("lines", strings($0.lines))]) }))])
        case .copied(let from, let to, let count, let moved, let atomic):
            return .object([("from", .string(from)), ("to", .string(to)), ("count", .int(Int64(count))),
                            ("moved", .bool(moved)), ("atomic", .bool(atomic))])
        case .exported(let path, let document, let file, let count):
            guard let file else { return document }
            return .object([("path", .string(path)), ("file", .string(file)), ("count", .int(Int64(count)))])
        case .imported(let path, let created, let updated, let atomic):
            return .object([("path", .string(path)), ("created", .int(Int64(created))), ("updated", .int(Int64(updated))),
                            ("atomic", .bool(atomic))])
        case .plan(let plan):
            var members: [(String, JSONValue)] = [("command", .string(plan.command)), ("path", .string(plan.path)),
                                                  ("dryRun", .bool(true)), ("paths", strings(plan.entries.map(\.path))),
                                                  ("count", .int(Int64(plan.entries.count)))]
            if plan.entries.contains(where: { $0.action != nil }) {
                members.append(("actions", strings(plan.entries.map { $0.action ?? "" })))
            }
            return .object(members)
        case .declined(let command):
            return .object([("command", .string(command)), ("declined", .bool(true))])
        case .streamed(let command, _, let count):
            return .object([("command", .string(command)), ("count", .int(Int64(count)))])
        case .edited(let path, let stat, let changed):
            return .object([("path", .string(path)), ("changed", .bool(changed)), ("stat", stat.map(self.stat) ?? .null)])
        case .differences(let left, let right, let differences):
            return .object([("left", .string(left)), ("right", .string(right)), ("same", .bool(differences.isEmpty)),
                            ("differences", .array(differences.map { d in
                                .object([("kind", .string(d.kind.rawValue)), ("path", .string(d.relativePath)),
                                         ("left", strings(d.left)), ("right", strings(d.right))])
                            }))])
        case .diskUsage(let usage, _):
            return .object([("usage", .array(usage.map {
                .object([("path", .string($0.path)), ("bytes", .int($0.bytes)), ("nodes", .int(Int64($0.nodes)))])
            }))])
        case .watching(let path, let recursive):
            return .object([("watching", .string(path)), ("recursive", .bool(recursive))])
        case .event(let event):
            var members: [(String, JSONValue)] = [("event", .string(event.type.name)), ("state", .string(event.state.name)),
                                                  ("path", event.path.isEmpty ? .null : .string(event.path))]
            if event.streamed { members.append(("zxid", event.zxid.map(JSONValue.int) ?? .null)) }
            if let data = event.data {
                let text = DataText.utf8Text(data)
                members.append(("data", .string(text ?? Data(data).base64EncodedString())))
                members.append(("encoding", .string(text == nil ? "base64" : "utf-8")))
            }
            return .object(members)
        case .unwatched(let paths):
            return .object([("unwatched", strings(paths))])
        case .fourLetterWord(let word, let answers):
            return .object([("word", .string(word)), ("answers", .array(answers.map { answer in
                .object([("server", .string(answer.server)), ("answer", answer.text.map(JSONValue.string) ?? .null),
                         ("error", answer.error.map(JSONValue.string) ?? .null)])
            }))])
        case .ensemble(let members):
            return .object([("members", .array(members.map(member)))])
        case .top(let frame):
            return .object([("intervalMs", .int(Int64(frame.intervalMs))), ("sortedBy", .string(frame.order.title)),
                            ("members", .array(frame.rows.map { row in
                guard case .object(var fields) = member(row.member) else { return member(row.member) }
                func double(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
                fields.insert(contentsOf: [("lag", row.lag.map(JSONValue.int) ?? .null), ("behindByEpochs", .bool(row.lagsEpochs)),
                                           ("requestsPerSecond", double(row.requestsPerSecond)),
                                           ("latencyP99Ms", double(row.member.latencyP99)),
                                           ("watches", row.member.watches.map { JSONValue.int(Int64($0)) } ?? .null),
                                           ("fsyncP99Ms", double(row.member.fsyncP99))], at: fields.count - 1)
                return .object(fields)
            }))])
        }
    }

    static func acl(_ acl: [ACL]) -> JSONValue {
        .array(acl.map { .object([("scheme", .string($0.id.scheme)), ("id", .string($0.id.id)), ("perms", .string($0.perms.letters))]) })
    }

    static func quota(_ q: QuotaStats) -> JSONValue {
        .object([("count", .int(q.count)), ("bytes", .int(q.bytes)), ("countHardLimit", .int(q.countHardLimit)),
                 ("bytesHardLimit", .int(q.bytesHardLimit))])
    }

    static func member(_ m: MemberStatus) -> JSONValue {
        func optional(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        return .object([("server", .string(m.server)), ("mode", m.mode.map(JSONValue.string) ?? .null),
                        ("zxid", m.zxid.map(JSONValue.int) ?? .null), ("epoch", m.epoch.map(JSONValue.int) ?? .null),
                        ("latency", m.latency.map(JSONValue.string) ?? .null), ("connections", optional(m.connections)),
                        ("outstanding", optional(m.outstanding)), ("znodes", optional(m.znodes)),
                        ("syncedFollowers", optional(m.syncedFollowers)), ("error", m.error.map(JSONValue.string) ?? .null)])
    }

    /// {"error": kind or ZooKeeper code name, "code": exit-relevant number, "message", "path"?, "usage"?}
    public static func value(_ error: ShellError) -> JSONValue {
        switch error {
        case .usage(let usage):
            var members: [(String, JSONValue)] = [("error", .string("Usage")), ("message", .string(usage.message))]
            if let line = usage.usage { members.append(("usage", .string(line))) }
            return .object(members)
        case .zookeeper(let zk):
            var members: [(String, JSONValue)] = [("error", .string(zk.code.name)), ("code", .int(Int64(zk.code.rawValue))),
                                                  ("message", .string(zk.code.message))]
            if let path = zk.path { members.append(("path", .string(path))) }
            return .object(members)
        case .connection(let message):
            return .object([("error", .string("Connection")), ("message", .string(message))])
        case .refused(let message):
            return .object([("error", .string("Refused")), ("message", .string(message))])
        case .incomplete(let inner, let report):
            guard case .object(var members) = value(inner) else { return value(inner) }
            members.append(("report", .string(report)))
            return .object(members)
        }
    }

    /// Stat in jute field order, by jute name.
    public static func stat(_ s: Stat) -> JSONValue {
        .object([
            ("czxid", .int(s.czxid)), ("mzxid", .int(s.mzxid)), ("ctime", .int(s.ctime)), ("mtime", .int(s.mtime)),
            ("version", .int(Int64(s.version))), ("cversion", .int(Int64(s.cversion))),
            ("aversion", .int(Int64(s.aversion))), ("ephemeralOwner", .int(s.ephemeralOwner)),
            ("dataLength", .int(Int64(s.dataLength))), ("numChildren", .int(Int64(s.numChildren))),
            ("pzxid", .int(s.pzxid)),
        ])
    }

    static func strings(_ items: [String]) -> JSONValue { .array(items.map(JSONValue.string)) }
}
