/// Every command the shell knows, in the order `help` lists them.
public enum CommandTable {
    static let stat = FlagSpec("s", "also print the node's stat")
    static let version = FlagSpec("v", value: "version", "only if the node's version is this one (-1: any)")
    static let path = ArgumentSpec("path", .path)

    public static let all: [CommandSpec] = [
        CommandSpec("addauth", arguments: [ArgumentSpec("scheme", .scheme), ArgumentSpec("auth", .auth)],
                    summary: "add an authentication identity to the session (e.g. addauth digest user:password)"),
        CommandSpec("create",
                    flags: [FlagSpec("s", "sequential: append a 10-digit counter to the name"),
                            FlagSpec("e", "ephemeral: the node ends with the session"),
                            FlagSpec("c", "container: the server removes it once its last child is gone"),
                            FlagSpec("t", value: "ttl", "persistent node removed after ttl ms without children or changes")],
                    arguments: [path, ArgumentSpec("data", .data, optional: true), ArgumentSpec("acl", .acl, optional: true)],
                    summary: "create a node; acl is scheme:id:perms[,...] (default world:anyone:cdrwa)"),
        CommandSpec("delete", flags: [version], arguments: [path], summary: "delete a node without children"),
        CommandSpec("deleteall", arguments: [path], summary: "delete a node and everything below it"),
        CommandSpec("get", flags: [stat], arguments: [path],
                    summary: "print a node's data (UTF-8, or escaped as \\xNN when binary)"),
        CommandSpec("getAcl", flags: [stat], arguments: [path], summary: "print a node's ACL"),
        CommandSpec("getAllChildrenNumber", arguments: [path], summary: "count all nodes below a path"),
        CommandSpec("getEphemerals", arguments: [ArgumentSpec("path", .path, optional: true)],
                    summary: "list this session's ephemeral nodes (under path, default /)"),
        CommandSpec("help", arguments: [ArgumentSpec("command", .command, optional: true)],
                    summary: "list the commands, or describe one", needsSession: false),
        CommandSpec("ls", flags: [stat, FlagSpec("R", "list the whole subtree, one path a line")], arguments: [path],
                    summary: "list a node's children, sorted"),
        CommandSpec("quit", aliases: ["exit"], summary: "leave the shell", needsSession: false),
        CommandSpec("set", flags: [stat, version], arguments: [path, ArgumentSpec("data", .data)],
                    summary: "replace a node's data"),
        CommandSpec("setAcl", flags: [stat, version, FlagSpec("R", "apply to every node of the subtree")],
                    arguments: [path, ArgumentSpec("acl", .acl)],
                    summary: "replace a node's ACL; acl is scheme:id:perms[,...]"),
        CommandSpec("stat", arguments: [path], summary: "print a node's stat"),
        CommandSpec("sync", arguments: [path], summary: "wait until the server has caught up with the leader"),
        CommandSpec("version", summary: "print the shell's version", needsSession: false),
        CommandSpec("whoami", summary: "list the session's authenticated identities"),
    ]

    /// By name or alias; exact case first, then case-insensitively (zkCli users type `getacl` too).
    public static func spec(named name: String) -> CommandSpec? {
        if let spec = all.first(where: { $0.name == name || $0.aliases.contains(name) }) { return spec }
        let lower = name.lowercased()
        return all.first { $0.name.lowercased() == lower || $0.aliases.contains { $0.lowercased() == lower } }
    }
}
