/// Every command the shell knows, in the order `help` lists them (by group, then by name).
public enum CommandTable {
    static let stat = FlagSpec("s", "also print the node's stat")
    static let watch = FlagSpec("w", "leave a one-shot watch on the node")
    static let version = FlagSpec("v", value: "version", "only if the node's version is this one (-1: any)")
    static let dataFile = FlagSpec("f", value: "file", "read the data from a file instead of the argument")
    static let dryRun = FlagSpec("dry-run", long: true, "list what would change, and change nothing")
    static let yes = FlagSpec("y", "do not ask for confirmation at the prompt")
    static let redacted = FlagSpec("A", value: "acl", "the ACL for nodes whose digest ACL the server showed redacted")
    static let path = ArgumentSpec("path", .path)
    static let optionalPath = ArgumentSpec("path", .path, optional: true)
    static let quotaFlags = [
        FlagSpec("n", value: "count", "soft limit on the number of nodes (a warning in the server log)"),
        FlagSpec("b", value: "bytes", "soft limit on the bytes of data"),
        FlagSpec("N", value: "count", "hard limit on the number of nodes (writes beyond it fail)"),
        FlagSpec("B", value: "bytes", "hard limit on the bytes of data"),
    ]

    /// The four-letter words a server answers, in the order `4lw` lists them.
    public static let fourLetterWords = ["ruok", "srvr", "stat", "mntr", "conf", "cons", "envi", "wchs", "wchc",
                                         "wchp", "dump", "isro", "dirs", "crst", "srst", "gtmk", "stmk"]

    static let zkCliCommands: [CommandSpec] = [
        CommandSpec("addauth", arguments: [ArgumentSpec("scheme", .scheme), ArgumentSpec("auth", .auth)],
                    summary: "add an authentication identity to the session (e.g. addauth digest user:password)"),
        CommandSpec("addWatch", flags: [FlagSpec("m", value: "mode", "PERSISTENT or PERSISTENT_RECURSIVE (the default)")],
                    arguments: [path], summary: "leave a persistent watch; events print until removewatches"),
        CommandSpec("close", summary: "close the session; the next command opens a new one"),
        CommandSpec("config", flags: [FlagSpec("c", "only the membership and version"), watch, stat],
                    summary: "print the ensemble configuration (/zookeeper/config)"),
        CommandSpec("connect", arguments: [ArgumentSpec("servers", .text, optional: true)],
                    summary: "close the session and connect to host:port[,...][/chroot] (default: the same servers)",
                    needsSession: false),
        CommandSpec("create",
                    flags: [FlagSpec("s", "sequential: append a 10-digit counter to the name"),
                            FlagSpec("e", "ephemeral: the node ends with the session"),
                            FlagSpec("c", "container: the server removes it once its last child is gone"),
                            FlagSpec("t", value: "ttl", "persistent node removed after ttl ms without children or changes"),
                            dataFile],
                    arguments: [path, ArgumentSpec("data", .data, optional: true), ArgumentSpec("acl", .acl, optional: true)],
                    summary: "create a node; acl is scheme:id:perms[,...] (default world:anyone:cdrwa)"),
        CommandSpec("delete", flags: [version], arguments: [path], summary: "delete a node without children"),
        CommandSpec("deleteall", flags: [FlagSpec("b", value: "batchsize", "deletes per multi request (default 1000)"),
                                         yes, dryRun],
                    arguments: [path],
                    summary: "delete a node and everything below it (/: everything but /zookeeper)"),
        CommandSpec("delquota", flags: quotaFlags.map { FlagSpec($0.name, "remove only this limit") }, arguments: [path],
                    summary: "remove a node's quota, or one of its limits"),
        CommandSpec("get", flags: [stat, watch, FlagSpec("x", "show the data as a hex dump"),
                                   FlagSpec("b", "show the data as base64"),
                                   FlagSpec("o", value: "file", "write the raw data to a file")],
                    arguments: [path], summary: "print a node's data (UTF-8, or escaped as \\xNN when binary)"),
        CommandSpec("getAcl", flags: [stat], arguments: [path], summary: "print a node's ACL"),
        CommandSpec("getAllChildrenNumber", arguments: [path], summary: "count all nodes below a path"),
        CommandSpec("getEphemerals", arguments: [optionalPath],
                    summary: "list this session's ephemeral nodes (under path, default /)"),
        CommandSpec("help", arguments: [ArgumentSpec("command", .command, optional: true)],
                    summary: "list the commands, or describe one", needsSession: false),
        CommandSpec("history", summary: "list the commands typed so far, numbered for redo", needsSession: false),
        CommandSpec("listquota", arguments: [path], summary: "print a node's quota limits and usage"),
        CommandSpec("ls", flags: [stat, watch, FlagSpec("R", "list the whole subtree, one path a line")],
                    arguments: [optionalPath], summary: "list a node's children, sorted"),
        CommandSpec("printwatches", arguments: [ArgumentSpec("on|off", .text, optional: true)],
                    summary: "show or hide watch events (shown by default)", needsSession: false),
        CommandSpec("quit", aliases: ["exit"], summary: "leave the shell", needsSession: false),
        CommandSpec("reconfig",
                    flags: [stat, FlagSpec("v", value: "version", "only if the configuration has this version (hex)"),
                            FlagSpec("file", value: "path", "the new membership, from a file of server.N= lines"),
                            FlagSpec("members", value: "spec", "the new membership: id=host:port:port[:role];[host:]port,..."),
                            FlagSpec("add", value: "spec", "servers to add: id=host:port:port[:role];[host:]port,..."),
                            FlagSpec("remove", value: "ids", "server ids to remove, comma separated")],
                    summary: "change the ensemble membership (dynamic reconfiguration)"),
        CommandSpec("redo", arguments: [ArgumentSpec("cmdno", .text)], summary: "run a command from history again",
                    needsSession: false),
        CommandSpec("removewatches",
                    flags: [FlagSpec("c", "child watches"), FlagSpec("d", "data watches"),
                            FlagSpec("a", "any watches (the default)"),
                            FlagSpec("l", "remove locally even when the server cannot be reached")],
                    arguments: [path], summary: "remove the watches this session left on a node"),
        CommandSpec("set", flags: [stat, version, dataFile], arguments: [path, ArgumentSpec("data", .data, optional: true)],
                    summary: "replace a node's data"),
        CommandSpec("setAcl", flags: [stat, version, FlagSpec("R", "apply to every node of the subtree"), yes, dryRun],
                    arguments: [path, ArgumentSpec("acl", .acl)],
                    summary: "replace a node's ACL; acl is scheme:id:perms[,...]"),
        CommandSpec("setquota", flags: quotaFlags, arguments: [path],
                    summary: "set a quota on a node's subtree (one of -n -b -N -B)"),
        CommandSpec("stat", flags: [watch], arguments: [path], summary: "print a node's stat"),
        CommandSpec("sync", arguments: [path], summary: "wait until the server has caught up with the leader"),
        CommandSpec("version", summary: "print the shell's version", needsSession: false),
        CommandSpec("whoami", summary: "list the session's authenticated identities"),
    ]

    static let treeCommands: [CommandSpec] = [
        CommandSpec("cd", arguments: [optionalPath], summary: "change the current node (default /); relative paths start there",
                    group: .tree),
        CommandSpec("pwd", summary: "print the current node", needsSession: false, group: .tree),
        CommandSpec("tree", flags: [FlagSpec("d", value: "depth", "descend at most this many levels"),
                                    FlagSpec("s", "show data sizes and child counts")],
                    arguments: [optionalPath], summary: "draw a subtree, with a count of nodes and bytes", group: .tree),
        CommandSpec("find", flags: [FlagSpec("n", value: "glob", "only nodes whose name matches (* ? [...])"),
                                    FlagSpec("e", "only ephemeral nodes"),
                                    FlagSpec("d", value: "depth", "descend at most this many levels")],
                    arguments: [optionalPath], summary: "list the paths of a subtree that match", group: .tree),
        CommandSpec("grep", flags: [FlagSpec("i", "ignore case"), FlagSpec("l", "print only the paths")],
                    arguments: [ArgumentSpec("pattern", .text), optionalPath],
                    summary: "search the data of a subtree with a regular expression", group: .tree),
        CommandSpec("watch", flags: [FlagSpec("R", "the whole subtree"),
                                     FlagSpec("c", value: "count", "stop after this many events"),
                                     FlagSpec("d", "show the node's data with each event")],
                    arguments: [path],
                    summary: "stream a node's events (in the background at the prompt; until Ctrl-C in scripts)",
                    group: .tree),
        CommandSpec("unwatch", arguments: [optionalPath], summary: "stop streaming (one path, or all)", group: .tree),
        CommandSpec("cp", flags: [redacted, dryRun], arguments: [ArgumentSpec("source", .path), ArgumentSpec("destination", .path)],
                    summary: "copy a subtree with its data and ACLs", group: .tree),
        CommandSpec("mv", flags: [redacted, yes, dryRun],
                    arguments: [ArgumentSpec("source", .path), ArgumentSpec("destination", .path)],
                    summary: "move a subtree (one atomic multi when it fits)", group: .tree),
        CommandSpec("export", flags: [FlagSpec("o", value: "file", "write to a file instead of stdout"), redacted],
                    arguments: [optionalPath], summary: "print a subtree as JSON (data, ACLs, modes)", group: .tree),
        CommandSpec("import", flags: [FlagSpec("u", "update nodes that exist"),
                                      FlagSpec("a", "all or nothing: one multi (up to 1000 nodes and 512 KiB)"),
                                      FlagSpec("f", value: "file", "read from a file instead of stdin"), redacted, dryRun],
                    arguments: [path],
                    summary: "create an exported subtree: its root lands at path (taking its data and ACL), its children below",
                    group: .tree),
        CommandSpec("edit", arguments: [path],
                    summary: "edit a node's data in $EDITOR; saved only if nobody changed it meanwhile", group: .tree),
        CommandSpec("diff", arguments: [ArgumentSpec("path1", .path), ArgumentSpec("path2", .path)],
                    summary: "compare two subtrees' data, ACLs and children; a side may be zk://host:port/path",
                    group: .tree),
        CommandSpec("du", flags: [FlagSpec("h", "sizes in K, M, G"), FlagSpec("s", "only the total of path")],
                    arguments: [optionalPath], summary: "data bytes and node counts of each subtree, children first",
                    group: .tree),
    ]

    static let adminCommands: [CommandSpec] = [
        CommandSpec("4lw", flags: [FlagSpec("a", "ask every member of the ensemble"),
                                   FlagSpec("m", value: "mask", "stmk's trace mask (decimal or 0x hex)")],
                    arguments: [ArgumentSpec("word", .text), ArgumentSpec("host:port", .text, optional: true)],
                    summary: "send a four-letter word (\(fourLetterWords.joined(separator: " ")))",
                    needsSession: false, group: .admin),
        CommandSpec("ensemble", summary: "each member's mode, zxid, epoch, latency, connections and load",
                    needsSession: false, group: .admin),
        CommandSpec("top", flags: [FlagSpec("i", value: "seconds", "between refreshes (default 2)"),
                                   FlagSpec("n", value: "count", "stop after this many refreshes")],
                    summary: "every member live: mode, zxid, lag, requests/s, p99s, connections, watches (keys s m l r p c sort, q quits)",
                    needsSession: false, group: .admin),
        CommandSpec("stmk", flags: [FlagSpec("a", "ask every member of the ensemble")],
                    arguments: [ArgumentSpec("mask", .text), ArgumentSpec("host:port", .text, optional: true)],
                    summary: "four-letter word stmk: set the trace mask (same as 4lw -m mask stmk)",
                    needsSession: false, group: .admin),
    ] + fourLetterWords.filter { $0 != "stat" && $0 != "stmk" }.map { word in
        CommandSpec(word, flags: [FlagSpec("a", "ask every member of the ensemble")],
                    arguments: [ArgumentSpec("host:port", .text, optional: true)],
                    summary: "four-letter word \(word) (same as 4lw \(word))", needsSession: false, group: .admin)
    }

    public static let all: [CommandSpec] = zkCliCommands + treeCommands + adminCommands

    /// By name or alias; exact case first, then case-insensitively (zkCli users type `getacl` too).
    public static func spec(named name: String) -> CommandSpec? {
        if let spec = all.first(where: { $0.name == name || $0.aliases.contains(name) }) { return spec }
        let lower = name.lowercased()
        return all.first { $0.name.lowercased() == lower || $0.aliases.contains { $0.lowercased() == lower } }
    }
}
