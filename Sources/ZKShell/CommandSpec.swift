/// What a flag looks like: `-s`, or `-v version` when it takes a value. Names are one letter (bundled as
/// `-sw`) except zkCli.sh's word flags of reconfig (`-members`), which stand alone.
public struct FlagSpec: Sendable, Hashable {
    public var name: String
    /// The value's placeholder name; nil for a boolean flag.
    public var valueName: String?
    public var help: String
    /// Spelt with two dashes (`--dry-run`), GNU style.
    public var long: Bool

    public init(_ name: String, value: String? = nil, long: Bool = false, _ help: String) {
        self.name = name; self.valueName = value; self.help = help; self.long = long
    }

    public var spelling: String { (long ? "--" : "-") + name }
    public var usage: String { valueName.map { "[\(spelling) \($0)]" } ?? "[\(spelling)]" }
}

/// What a positional argument holds; completion will offer znode paths for `.path` and command names for `.command`.
public enum ArgumentKind: Sendable, Hashable {
    case path, data, acl, scheme, auth, command
    /// Free text: a pattern, a number, a server address, a word from a fixed list.
    case text
}

public struct ArgumentSpec: Sendable, Hashable {
    public var name: String
    public var kind: ArgumentKind
    public var optional: Bool

    public init(_ name: String, _ kind: ArgumentKind, optional: Bool = false) {
        self.name = name; self.kind = kind; self.optional = optional
    }

    public var usage: String { optional ? "[\(name)]" : name }
}

/// One command of the shell: the single description from which the parser, `help` and (later) completions
/// and man pages are made.
public struct CommandSpec: Sendable, Hashable {
    public var name: String
    public var aliases: [String]
    public var flags: [FlagSpec]
    public var arguments: [ArgumentSpec]
    public var summary: String
    /// False for commands answered without a server (help, version, quit, cd's bookkeeping…): they never
    /// open a session.
    public var needsSession: Bool
    /// Where `help` lists it.
    public var group: CommandGroup

    public init(_ name: String, aliases: [String] = [], flags: [FlagSpec] = [], arguments: [ArgumentSpec] = [],
                summary: String, needsSession: Bool = true, group: CommandGroup = .zkCli) {
        self.name = name; self.aliases = aliases; self.flags = flags; self.arguments = arguments
        self.summary = summary; self.needsSession = needsSession; self.group = group
    }

    /// "get [-s] path", as zkCli.sh prints it.
    public var usage: String {
        ([name] + flags.map(\.usage) + arguments.map(\.usage)).joined(separator: " ")
    }

    /// A single-dash flag (`-s`, reconfig's `-members`).
    public func flag(_ name: String) -> FlagSpec? { flags.first { $0.name == name && !$0.long } }
    /// A two-dash flag, named without its dashes.
    public func longFlag(_ name: String) -> FlagSpec? { flags.first { $0.name == name && $0.long } }
}

public enum CommandGroup: String, Sendable, Hashable, CaseIterable {
    /// The commands of zkCli.sh 3.8, with its flags.
    case zkCli = "zkCli.sh commands"
    /// Navigation and subtree work that zkCli.sh lacks.
    case tree = "navigation and subtrees"
    /// Four-letter words and the ensemble view.
    case admin = "administration"
}
