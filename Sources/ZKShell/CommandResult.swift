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
    /// delete and deleteall: how many nodes went away.
    case deleted(path: String, count: Int)
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
    case imported(path: String, created: Int, updated: Int)
    /// watch at the prompt: streaming in the background from now on.
    case watching(path: String, recursive: Bool)
    /// One event of `watch` (or of a one-shot `-w` watch when printwatches is on).
    case event(WatchEventLine)
    case unwatched([String])
    case fourLetterWord(word: String, answers: [ServerAnswer])
    case ensemble([MemberStatus])
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

    public init(type: EventType, state: KeeperState, path: String, streamed: Bool) {
        self.type = type; self.state = state; self.path = path; self.streamed = streamed
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
    public var error: String?

    public init(server: String) { self.server = server }

    public var epoch: Int64? { zxid.map { $0 >> 32 } }
}

public enum ShellVersion {
    /// The ZooKeeper release whose shell we follow, then ours.
    public static let string = "3.8.0 (swift-zookeeper zkcli 0.2.0)"
}
