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

    public static func render(_ error: ShellError) -> String {
        value(error).serialized() + "\n"
    }

    public static func value(_ result: CommandResult) -> JSONValue? {
        switch result {
        case .children(let path, let children, let stat, _):
            return .object([("path", .string(path)), ("children", strings(children)), ("stat", self.stat(stat))])
        case .tree(let path, let paths):
            return .object([("path", .string(path)), ("paths", strings(paths))])
        case .data(let path, let data, let stat, _):
            let text = DataText.utf8Text(data)
            return .object([("path", .string(path)),
                            ("data", .string(text ?? Base64.encode(data))),
                            ("encoding", .string(text == nil ? "base64" : "utf-8")),
                            ("stat", self.stat(stat))])
        case .nodeStat(let path, let stat, _):
            return .object([("path", .string(path)), ("stat", self.stat(stat))])
        case .created(let path, let stat):
            return .object([("path", .string(path)), ("stat", self.stat(stat))])
        case .deleted(let path, let count):
            return .object([("path", .string(path)), ("deleted", .int(Int64(count)))])
        case .acl(let path, let acl, let stat, _):
            let entries = acl.map { entry -> JSONValue in
                .object([("scheme", .string(entry.id.scheme)), ("id", .string(entry.id.id)),
                         ("perms", .string(entry.perms.letters))])
            }
            return .object([("path", .string(path)), ("acl", .array(entries)), ("stat", self.stat(stat))])
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
                .object([("name", .string(spec.name)), ("usage", .string(spec.usage)), ("summary", .string(spec.summary))])
            }
            return .object([("commands", .array(entries))])
        case .quit:
            return nil
        }
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
