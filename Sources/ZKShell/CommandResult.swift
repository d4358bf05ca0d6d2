import ZKClient
import ZKProtocol

/// What a command produced, independent of how it is shown. Cases carry everything the JSON form needs;
/// `showStat` records whether the text form prints the stat too (`-s`).
public enum CommandResult: Sendable, Hashable {
    /// ls: children sorted.
    case children(path: String, children: [String], stat: Stat, showStat: Bool)
    /// ls -R: the path and every descendant, depth first, siblings sorted.
    case subtreePaths(path: String, paths: [String])
    case data(path: String, data: [UInt8], stat: Stat, showStat: Bool, format: DataFormat)
    /// get -o: the data went to a file.
    case dataSaved(path: String, file: String, stat: Stat, showStat: Bool)
    /// set, setAcl and stat: the node's stat after the command.
    case nodeStat(path: String, stat: Stat, showStat: Bool)
    case created(path: String, stat: Stat)
    /// delete and deleteall (`recursive`): how many nodes went away.
    case deleted(path: String, count: Int, recursive: Bool = false)
    case acl(path: String, acl: [ACL], stat: Stat, showStat: Bool)
    case authAdded(scheme: String)
    case synced(path: String)
    case identities([ClientInfo])
    case ephemerals(path: String, paths: [String])
    case childCount(path: String, count: Int32)
    case version(String)
    /// help: one command, or all of them.
    case help([CommandSpec], single: Bool)
    case quit
    /// addWatch, removewatches, setquota, delquota, close, connect: zkCli.sh prints nothing.
    case done(command: String, path: String?)
    /// config and reconfig: the configuration's lines.
    case configuration(lines: [String], stat: Stat, showStat: Bool, reconfigured: Bool)
    case quota(path: String, limits: QuotaStats?, usage: QuotaStats?)
    case history([HistoryEntry])
    /// `queried`: asked without on/off, so the state is printed (zkCli.sh is silent when it is set).
    case printWatches(Bool, queried: Bool)
    /// cd and pwd.
    case currentNode(String)
    case tree(path: String, entries: [TreeEntry], sizes: Bool)
    case found(path: String, paths: [String])
    case matches(path: String, matches: [GrepMatch], pathsOnly: Bool)
    /// cp and mv.
    case copied(from: String, to: String, count: Int, moved: Bool, atomic: Bool)
    case exported(path: String, document: JSONValue, file: String?, count: Int)
    case imported(path: String, created: Int, updated: Int, atomic: Bool = false)
    /// --dry-run: what the command would change.
    case plan(DryRun)
    /// The user said no at the confirmation; nothing changed.
    case declined(command: String)
    /// A walk whose results were printed as it went (text mode); `summary` is what is left to print and
    /// `count` how many results there were (grep exits 1 on none).
    case streamed(command: String, summary: String, count: Int)
    case edited(path: String, stat: Stat?, changed: Bool)
    case differences(left: String, right: String, [Difference])
    case diskUsage([DiskUsage], human: Bool)
    /// watch at the prompt: streaming in the background from now on.
    case watching(path: String, recursive: Bool)
    /// One event of `watch` (or of a one-shot `-w` watch when printwatches is on).
    case event(WatchEventLine)
    case unwatched([String])
    case fourLetterWord(word: String, answers: [ServerAnswer])
    case ensemble([MemberStatus])
    /// One refresh of `top`.
    case top(TopFrame)
}

/// What a --dry-run found: each node with what would happen to it, in the order it would happen.
public struct DryRun: Sendable, Hashable {
    public var command: String
    public var path: String
    /// (action, path); the action is nil where the command does one thing to every node.
    public var entries: [PlannedChange]
    /// "would delete 12 nodes".
    public var summary: String

    public init(command: String, path: String, entries: [PlannedChange], summary: String) {
        self.command = command; self.path = path; self.entries = entries; self.summary = summary
    }
}

public struct PlannedChange: Sendable, Hashable {
    public var action: String?
    public var path: String

    public init(action: String? = nil, path: String) { self.action = action; self.path = path }
}

/// One difference `diff` found; paths are relative to each side's root ("" for the roots themselves).
public struct Difference: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case onlyLeft, onlyRight, data, acl }
    public var kind: Kind
    public var relativePath: String
    /// data and acl: the two sides, as text.
    public var left: [String] = []
    public var right: [String] = []

    public init(kind: Kind, relativePath: String, left: [String] = [], right: [String] = []) {
        self.kind = kind; self.relativePath = relativePath; self.left = left; self.right = right
    }
}

/// One line of `du`: a node's subtree totals.
public struct DiskUsage: Sendable, Hashable {
    public var path: String
    public var bytes: Int64
    public var nodes: Int
}

public struct HistoryEntry: Sendable, Hashable {
    public var number: Int
    public var line: String
}

/// A node of `tree`, in depth-first pre-order.
public struct TreeEntry: Sendable, Hashable {
    public var path: String
    public var depth: Int
    public var dataLength: Int32
    public var numChildren: Int32
    public var ephemeral: Bool
    /// The last of its siblings, so the drawing closes the branch.
    public var isLastSibling: Bool
    /// Whether its children are listed (not cut by the depth limit).
    public var entered: Bool = true
    /// tree -s: the data bytes and nodes of the subtree it heads (itself included), as far as it was walked.
    public var subtreeBytes: Int64 = 0
    public var subtreeNodes: Int = 0
}

public struct GrepMatch: Sendable, Hashable {
    public var path: String
    /// The matching lines of the node's data (one entry per line; binary data is matched as escaped text).
    public var lines: [String]
}

/// A quota's limits or usage as StatsTrack holds them: `count` and `bytes` always, other keys
/// (countHardLimit, byteHardLimit) only when the text had them; -1 means unset.
public struct QuotaStats: Sendable, Hashable {
    public var values: [String: Int64]

    public init(values: [String: Int64] = [:]) { self.values = values }

    public init(count: Int64 = -1, bytes: Int64 = -1, countHardLimit: Int64? = nil, bytesHardLimit: Int64? = nil) {
        values = ["count": count, "bytes": bytes]
        if let countHardLimit { values["countHardLimit"] = countHardLimit }
        if let bytesHardLimit { values["byteHardLimit"] = bytesHardLimit }
    }

    public var count: Int64 { values["count"] ?? -1 }
    public var bytes: Int64 { values["bytes"] ?? -1 }
    public var countHardLimit: Int64 { values["countHardLimit"] ?? -1 }
    public var bytesHardLimit: Int64 { values["byteHardLimit"] ?? -1 }
}

public struct WatchEventLine: Sendable, Hashable {
    public var type: EventType
    public var state: KeeperState
    public var path: String
    /// True for events of zkcli's own `watch`, shown one per line; false for zkCli.sh's WATCHER:: blocks.
    public var streamed: Bool
    /// watch: the zxid of the change as far as the client can tell (the node's mzxid, czxid or the reply's).
    public var zxid: Int64?
    /// watch -d: the node's data after the event (nil when it is gone).
    public var data: [UInt8]?

    public init(type: EventType, state: KeeperState, path: String, streamed: Bool, zxid: Int64? = nil, data: [UInt8]? = nil) {
        self.type = type; self.state = state; self.path = path; self.streamed = streamed; self.zxid = zxid; self.data = data
    }
}

/// One server's answer to a four-letter word.
public struct ServerAnswer: Sendable, Hashable {
    public var server: String
    public var text: String?
    public var error: String?

    public init(server: String, text: String? = nil, error: String? = nil) {
        self.server = server; self.text = text; self.error = error
    }
}

/// One row of `ensemble`.
public struct MemberStatus: Sendable, Hashable {
    public var server: String
    /// leader, follower, observer, standalone, read-only; nil when it did not answer.
    public var mode: String?
    public var zxid: Int64?
    public var latency: String?
    public var connections: Int?
    public var outstanding: Int?
    public var znodes: Int?
    /// Leader only: followers in sync / all learners.
    public var syncedFollowers: Int?
    /// srvr's Received: packets since start (or srst), for requests per second between two looks.
    public var packetsReceived: Int64?
    /// mntr only (a server whose whitelist leaves mntr out has none of these).
    public var watches: Int?
    /// The slower of read and update latency p99, and fsync p99, in ms.
    public var latencyP99: Double?
    public var fsyncP99: Double?
    public var error: String?

    public init(server: String) { self.server = server }

    public var epoch: Int64? { zxid.map { $0 >> 32 } }

    /// The error as one short phrase for a table cell ("connection refused"); `error` keeps the whole text.
    public var shortError: String? {
        guard let error else { return nil }
        let lower = error.lowercased()
        for (needle, phrase) in [("refused", "connection refused"), ("timed out", "timed out"), ("timeout", "timed out"),
                                 ("unreachable", "unreachable"), ("reset by peer", "connection reset"),
                                 ("not currently serving", "not serving"), ("whitelist", "srvr not allowed"),
                                 ("name or service", "unknown host"), ("no such host", "unknown host")]
        where lower.contains(needle) {
            return phrase
        }
        let line = error.split(whereSeparator: \.isNewline).first.map(String.init) ?? error
        return line.count > 24 ? String(line.prefix(23)) + "…" : line
    }
}

public enum ShellVersion {
    /// The ZooKeeper release whose shell we follow, then ours.
    public static let string = "3.8.0 (swift-zookeeper zkcli 0.3.0)"
    /// `zkcli --version`.
    public static let program = "zkcli 0.3.0 (swift-zookeeper; the zkCli.sh of ZooKeeper 3.8.0)"
}

extension CommandResult {
    /// grep and diff answer as their Unix namesakes do: 1 for no match, or for a difference.
    var exitCode: ExitCode {
        switch self {
        case .matches(_, let matches, _) where matches.isEmpty: return .zookeeperError
        case .streamed("grep", _, 0): return .zookeeperError
        case .differences(_, _, let differences) where !differences.isEmpty: return .zookeeperError
        default: return .success
        }
    }

    /// Members that did not answer a four-letter word or the ensemble view, "server: reason".
    var unansweredServers: [String] {
        switch self {
        case .fourLetterWord(_, let answers):
            return answers.filter { $0.text == nil }.map { "\($0.server): \($0.error ?? "no answer")" }
        case .ensemble(let members):
            return members.filter { $0.error != nil }.map { "\($0.server): \($0.error ?? "no answer")" }
        default:
            return []
        }
    }
}
