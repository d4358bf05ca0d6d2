/// What a flag looks like: `-s`, or `-v version` when it takes a value.
public struct FlagSpec: Sendable, Hashable {
    public var letter: Character
    /// The value's placeholder name; nil for a boolean flag.
    public var valueName: String?
    public var help: String

    public init(_ letter: Character, value: String? = nil, _ help: String) {
        self.letter = letter; self.valueName = value; self.help = help
    }

    public var usage: String { valueName.map { "[-\(letter) \($0)]" } ?? "[-\(letter)]" }
}

/// What a positional argument holds; completion will offer znode paths for `.path` and command names for `.command`.
public enum ArgumentKind: Sendable, Hashable {
    case path, data, acl, scheme, auth, command
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
    /// False for commands answered without a server (help, version, quit): they never open a session.
    public var needsSession: Bool

    public init(_ name: String, aliases: [String] = [], flags: [FlagSpec] = [], arguments: [ArgumentSpec] = [],
                summary: String, needsSession: Bool = true) {
        self.name = name; self.aliases = aliases; self.flags = flags; self.arguments = arguments
        self.summary = summary; self.needsSession = needsSession
    }

    /// "get [-s] path", as zkCli.sh prints it.
    public var usage: String {
        ([name] + flags.map(\.usage) + arguments.map(\.usage)).joined(separator: " ")
    }

    public func flag(_ letter: Character) -> FlagSpec? { flags.first { $0.letter == letter } }
}
