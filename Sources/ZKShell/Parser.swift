import ZKProtocol

/// Words -> `Command`, driven by `CommandTable`. Flags come before the positional arguments, POSIX style:
/// the first word that is not a flag ends them, and `--` ends them explicitly (so data may start with `-`).
/// Boolean flags may be bundled (`-se`); a value flag takes the next word or the rest of its own (`-v3`).
public enum Parser {
    /// A line as typed; nil when it is blank or a `#` comment.
    public static func parse(line: String) throws(UsageError) -> Command? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        let words = try Tokenizer.tokenize(line)
        if words.isEmpty { return nil }
        return try parse(words)
    }

    /// Words already split (a one-shot command from argv).
    public static func parse(_ words: [String]) throws(UsageError) -> Command {
        guard let name = words.first else { throw UsageError("no command given") }
        guard let spec = CommandTable.spec(named: name) else {
            throw UsageError("Command not found: \(name) (try help)")
        }
        let args = try ParsedArguments(spec: spec, words: Array(words.dropFirst()))
        return try build(spec, args)
    }

    static func build(_ spec: CommandSpec, _ a: ParsedArguments) throws(UsageError) -> Command {
        switch spec.name {
        case "ls":
            return .ls(path: try a.path(0), stat: a.has("s"), recursive: a.has("R"))
        case "get":
            return .get(path: try a.path(0), stat: a.has("s"))
        case "set":
            return .set(path: try a.path(0), data: Array(a.positionals[1].utf8), version: try a.version(),
                        stat: a.has("s"))
        case "create":
            return try buildCreate(a)
        case "delete":
            return .delete(path: try a.path(0), version: try a.version())
        case "deleteall":
            return .deleteAll(path: try a.path(0))
        case "stat":
            return .stat(path: try a.path(0))
        case "getAcl":
            return .getAcl(path: try a.path(0), stat: a.has("s"))
        case "setAcl":
            return .setAcl(path: try a.path(0), acl: try a.acl(1), version: try a.version(), stat: a.has("s"),
                           recursive: a.has("R"))
        case "addauth":
            return .addAuth(scheme: a.positionals[0], auth: Array(a.positionals[1].utf8))
        case "sync":
            return .sync(path: try a.path(0))
        case "whoami":
            return .whoAmI
        case "getEphemerals":
            return .getEphemerals(path: a.positionals.isEmpty ? nil : try a.path(0))
        case "getAllChildrenNumber":
            return .getAllChildrenNumber(path: try a.path(0))
        case "version":
            return .version
        case "help":
            if let name = a.positionals.first {
                guard let spec = CommandTable.spec(named: name) else { throw UsageError("Command not found: \(name)") }
                return .help(command: spec.name)
            }
            return .help(command: nil)
        case "quit":
            return .quit
        default:
            preconditionFailure("CommandTable has \(spec.name) but the parser does not")
        }
    }

    static func buildCreate(_ a: ParsedArguments) throws(UsageError) -> Command {
        let sequential = a.has("s"), ephemeral = a.has("e"), container = a.has("c")
        var ttl: Int64?
        if let text = a.value("t") {
            guard let value = Int64(text), value > 0, value <= (1 << 40) - 1 else {
                throw a.error("ttl must be a number of milliseconds from 1 to 2^40-1: \(text)")
            }
            ttl = value
        }
        if container && (sequential || ephemeral) {
            throw a.error("-c cannot be combined with -s or -e: containers cannot be ephemeral or sequential")
        }
        if ttl != nil && ephemeral { throw a.error("TTLs cannot be used with ephemeral znodes") }
        if ttl != nil && container { throw a.error("TTLs cannot be used with container znodes") }
        let mode: CreateMode
        switch (sequential, ephemeral, container, ttl != nil) {
        case (_, _, true, _): mode = .container
        case (true, _, _, true): mode = .persistentSequentialWithTTL
        case (false, _, _, true): mode = .persistentWithTTL
        case (true, true, _, _): mode = .ephemeralSequential
        case (true, false, _, _): mode = .persistentSequential
        case (false, true, _, _): mode = .ephemeral
        default: mode = .persistent
        }
        let path = try a.path(0, sequential: sequential)
        let data = a.positionals.count > 1 ? Array(a.positionals[1].utf8) : []
        let acl = a.positionals.count > 2 ? try a.acl(2) : ACL.openACLUnsafe
        return .create(path: path, data: data, acl: acl, mode: mode, ttl: ttl)
    }
}

/// A command's words sorted into flags and positionals, checked against its spec.
struct ParsedArguments {
    let spec: CommandSpec
    var flags: [Character: String] = [:]
    var positionals: [String] = []

    init(spec: CommandSpec, words: [String]) throws(UsageError) {
        self.spec = spec
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--" { index += 1; break }
            guard word.count > 1, word.hasPrefix("-") else { break }
            var letters = Substring(word.dropFirst())
            while let letter = letters.popFirst() {
                guard let flag = spec.flag(letter) else {
                    throw UsageError("\(spec.name): unknown option -\(letter)", usage: spec.usage)
                }
                if flags[letter] != nil {
                    throw UsageError("\(spec.name): option -\(letter) given twice", usage: spec.usage)
                }
                guard let valueName = flag.valueName else { flags[letter] = ""; continue }
                if !letters.isEmpty {
                    flags[letter] = String(letters); letters = ""
                } else {
                    index += 1
                    guard index < words.count else {
                        throw UsageError("\(spec.name): option -\(letter) needs a \(valueName)", usage: spec.usage)
                    }
                    flags[letter] = words[index]
                }
            }
            index += 1
        }
        positionals = Array(words[index...])
        let required = spec.arguments.filter { !$0.optional }.count
        if positionals.count < required {
            let missing = spec.arguments[positionals.count].name
            throw UsageError("\(spec.name): missing \(missing)", usage: spec.usage)
        }
        if positionals.count > spec.arguments.count {
            throw UsageError("\(spec.name): unexpected argument \(positionals[spec.arguments.count])", usage: spec.usage)
        }
    }

    func has(_ letter: Character) -> Bool { flags[letter] != nil }
    func value(_ letter: Character) -> String? { flags[letter] }
    func error(_ message: String) -> UsageError { UsageError("\(spec.name): \(message)", usage: spec.usage) }

    func path(_ index: Int, sequential: Bool = false) throws(UsageError) -> String {
        let path = positionals[index]
        if let problem = PathValidation.problem(path, sequential: sequential) {
            throw error("invalid path \"\(path)\": \(problem)")
        }
        return path
    }

    func version() throws(UsageError) -> Int32 {
        guard let text = value("v") else { return -1 }
        guard let version = Int32(text), version >= -1 else { throw error("version must be an integer >= -1: \(text)") }
        return version
    }

    func acl(_ index: Int) throws(UsageError) -> [ACL] {
        do { return try ACLSyntax.parse(positionals[index]) } catch { throw self.error(error.message) }
    }
}
