import ZKClient
import ZKProtocol

/// What a command produced, independent of how it is shown. Cases carry everything the JSON form needs;
/// `showStat` records whether the text form prints the stat too (`-s`).
public enum CommandResult: Sendable, Hashable {
    /// ls: children sorted.
    case children(path: String, children: [String], stat: Stat, showStat: Bool)
    /// ls -R: the path and every descendant, depth first, siblings sorted.
    case tree(path: String, paths: [String])
    case data(path: String, data: [UInt8], stat: Stat, showStat: Bool)
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
}

public enum ShellVersion {
    /// The ZooKeeper release whose shell we follow, then ours.
    public static let string = "3.8.0 (swift-zookeeper zkcli 0.1.0)"
}
