import ZKClient
import ZKProtocol

/// Words -> `Command`, driven by `CommandTable`. Flags come first, POSIX style, and `--` ends them
/// explicitly (so data may start with `-`). Like zkCli.sh, a flag may also follow the arguments
/// (`removewatches /a -d`), but only when it is one of the command's flags; anything else after the
/// arguments is an argument (`set /a -1`). Boolean flags may be bundled (`-se`); a value flag takes the next
/// word or the rest of its own (`-v3`). Relative paths are resolved against `cwd`.
public enum Parser {
    /// A line as typed; nil when it is blank or a `#` comment.
    public static func parse(line: String, cwd: String = "/") throws(UsageError) -> Command? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        let words = try Tokenizer.tokenize(line)
        if words.isEmpty { return nil }
        return try parse(words, cwd: cwd)
    }

    /// Words already split (a one-shot command from argv).
    public static func parse(_ words: [String], cwd: String = "/") throws(UsageError) -> Command {
        guard let name = words.first else { throw UsageError("no command given") }
        guard let spec = CommandTable.spec(named: name) else {
            throw UsageError("Command not found: \(name) (try help)")
        }
        // `CMD --help` anywhere before a `--` asks for the command's help instead of running it.
        if words.dropFirst().prefix(while: { $0 != "--" }).contains("--help") { return .help(command: spec.name) }
        let args = try ParsedArguments(spec: spec, words: Array(words.dropFirst()), cwd: cwd)
        if spec.group == .admin { return try buildAdmin(spec, args) }
        if spec.group == .tree { return try buildTreeCommand(spec, args) }
        return try build(spec, args)
    }

    static func build(_ spec: CommandSpec, _ a: ParsedArguments) throws(UsageError) -> Command {
        switch spec.name {
        case "addauth":
            return .addAuth(scheme: a.positionals[0], auth: Array(a.positionals[1].utf8))
        case "addWatch":
            let mode: AddWatchMode
            switch a.value("m")?.uppercased() {
            case nil, "PERSISTENT_RECURSIVE": mode = .persistentRecursive
            case "PERSISTENT": mode = .persistent
            case let other?: throw a.error("mode must be PERSISTENT or PERSISTENT_RECURSIVE, not \(other)")
            }
            return .addWatch(path: try a.path(0), mode: mode)
        case "close":
            return .close
        case "config":
            return .config(membershipOnly: a.has("c"), watch: a.has("w"), stat: a.has("s"))
        case "connect":
            return .connect(servers: a.positionals.first)
        case "create":
            return try buildCreate(a)
        case "delete":
            return .delete(path: try a.path(0), version: try a.version())
        case "deleteall":
            return .deleteAll(path: try a.path(0), batchSize: try a.number("b", range: 1...100_000) ?? 1000, change: a.change)
        case "delquota":
            let limits = QuotaLimit.allCases.filter { a.has(Character($0.rawValue)) }
            if limits.count > 1 { throw a.error("give at most one of -n -b -N -B") }
            return .delQuota(path: try a.path(0), limit: limits.first)
        case "get":
            if a.has("x") && a.has("b") { throw a.error("-x and -b cannot be combined") }
            return .get(path: try a.path(0), stat: a.has("s"), watch: a.has("w"),
                        format: a.has("x") ? .hex : a.has("b") ? .base64 : .text, outputFile: a.value("o"))
        case "getAcl":
            return .getAcl(path: try a.path(0), stat: a.has("s"))
        case "getAllChildrenNumber":
            return .getAllChildrenNumber(path: try a.path(0))
        case "getEphemerals":
            return .getEphemerals(path: a.positionals.isEmpty ? nil : try a.path(0))
        case "help":
            if let name = a.positionals.first {
                guard let spec = CommandTable.spec(named: name) else { throw UsageError("Command not found: \(name)") }
                return .help(command: spec.name)
            }
            return .help(command: nil)
        case "history":
            return .history
        case "listquota":
            return .listQuota(path: try a.path(0))
        case "ls":
            return .ls(path: try a.pathOrCurrent(0), stat: a.has("s"), watch: a.has("w"), recursive: a.has("R"))
        case "printwatches":
            switch a.positionals.first?.lowercased() {
            case nil: return .printWatches(nil)
            case "on": return .printWatches(true)
            case "off": return .printWatches(false)
            case let other?: throw a.error("expected on or off, not \(other)")
            }
        case "quit":
            return .quit
        case "reconfig":
            return try buildReconfig(a)
        case "redo":
            guard let number = Int(a.positionals[0]), number >= 0 else {
                throw a.error("cmdno must be a history number: \(a.positionals[0])")
            }
            return .redo(number)
        case "removewatches":
            let types = [("c", WatcherType.children), ("d", .data), ("a", .any)].filter { a.has(Character($0.0)) }
            if types.count > 1 { throw a.error("give at most one of -c -d -a") }
            return .removeWatches(path: try a.path(0), type: types.first?.1 ?? .any, local: a.has("l"))
        case "set":
            return .set(path: try a.path(0), data: try a.data(1), version: try a.version(), stat: a.has("s"))
        case "setAcl":
            if a.has("dry-run") && !a.has("R") { throw a.error("--dry-run goes with -R") }
            return .setAcl(path: try a.path(0), acl: try a.acl(1), version: try a.version(), stat: a.has("s"),
                           recursive: a.has("R"), change: a.change)
        case "setquota":
            let given = QuotaLimit.allCases.filter { a.has(Character($0.rawValue)) }
            guard given.count == 1, let limit = given.first else { throw a.error("give exactly one of -n -b -N -B") }
            guard let value = Int64(a.value(Character(limit.rawValue)) ?? ""), value >= -1 else {
                throw a.error("the limit must be a number (-1: none)")
            }
            return .setQuota(path: try a.path(0), limit: limit, value: value)
        case "stat":
            return .stat(path: try a.path(0), watch: a.has("w"))
        case "sync":
            return .sync(path: try a.path(0))
        case "version":
            return .version
        case "whoami":
            return .whoAmI
        default:
            preconditionFailure("CommandTable has \(spec.name) but the parser does not")
        }
    }

    static func buildTreeCommand(_ spec: CommandSpec, _ a: ParsedArguments) throws(UsageError) -> Command {
        switch spec.name {
        case "cd":
            return .cd(path: a.positionals.isEmpty ? "/" : try a.path(0))
        case "pwd":
            return .pwd
        case "tree":
            return .tree(path: try a.pathOrCurrent(0), depth: try a.number("d", range: 0...10_000), sizes: a.has("s"))
        case "find":
            return .find(path: try a.pathOrCurrent(0), name: a.value("n"), ephemeralOnly: a.has("e"),
                         depth: try a.number("d", range: 0...10_000))
        case "grep":
            let pattern = a.positionals[0]
            do { _ = try Regex(pattern) } catch { throw a.error("invalid regular expression \(pattern): \(error)") }
            return .grep(path: try a.pathOrCurrent(1), pattern: pattern, ignoreCase: a.has("i"), pathsOnly: a.has("l"))
        case "watch":
            return .watch(path: try a.path(0), recursive: a.has("R"), count: try a.number("c", range: 1...Int.max),
                          withData: a.has("d"))
        case "unwatch":
            return .unwatch(path: a.positionals.isEmpty ? nil : try a.path(0))
        case "cp", "mv":
            let from = try a.path(0), to = try a.path(1)
            if from == "/" { throw a.error("cannot \(spec.name) the root") }
            if to == from || to.hasPrefix(from == "/" ? "/" : from + "/") {
                throw a.error("\(to) is inside \(from)")
            }
            let replacement = try a.optionalACL("A")
            return spec.name == "cp" ? .copy(from: from, to: to, change: a.change, redactedACL: replacement)
                : .move(from: from, to: to, change: a.change, redactedACL: replacement)
        case "export":
            return .export(path: try a.pathOrCurrent(0), file: a.value("o"), redactedACL: try a.optionalACL("A"))
        case "import":
            if a.has("a") && a.has("dry-run") { throw a.error("-a and --dry-run cannot be combined") }
            return .import(path: try a.path(0), file: a.value("f"), update: a.has("u"), atomic: a.has("a"), change: a.change,
                           redactedACL: try a.optionalACL("A"))
        case "edit":
            return .edit(path: try a.path(0))
        case "diff":
            return .diff(left: try a.location(0), right: try a.location(1))
        case "du":
            return .du(path: try a.pathOrCurrent(0), human: a.has("h"), summaryOnly: a.has("s"))
        default:
            preconditionFailure("CommandTable has \(spec.name) but the parser does not")
        }
    }

    static func buildAdmin(_ spec: CommandSpec, _ a: ParsedArguments) throws(UsageError) -> Command {
        switch spec.name {
        case "ensemble":
            return .ensemble
        case "top":
            let seconds = try a.number("i", range: 1...3600) ?? 2
            return .top(intervalMs: seconds * 1000, count: try a.number("n", range: 1...Int.max))
        case "4lw":
            let word = a.positionals[0].lowercased()
            guard CommandTable.fourLetterWords.contains(word) else {
                throw a.error("unknown four-letter word \(word); one of \(CommandTable.fourLetterWords.joined(separator: " "))")
            }
            var mask = try a.value("m").map { text throws(UsageError) in try Self.traceMask(text, a) }
            var serverIndex = 1
            // `4lw stmk MASK`: a word without a colon after stmk is its mask, not a server.
            if word == "stmk", mask == nil, a.positionals.count > 1, !a.positionals[1].contains(":") {
                mask = try Self.traceMask(a.positionals[1], a)
                serverIndex = 2
            }
            if word == "stmk" && mask == nil { throw a.error("stmk needs a mask: 4lw stmk MASK, or -m MASK") }
            if word != "stmk" && mask != nil { throw a.error("-m goes with stmk only") }
            return .fourLetterWord(word, argument: mask, server: try a.server(serverIndex), all: a.has("a"))
        case "stmk":
            return .fourLetterWord("stmk", argument: try Self.traceMask(a.positionals[0], a), server: try a.server(1),
                                   all: a.has("a"))
        default:
            return .fourLetterWord(spec.name, argument: nil, server: try a.server(0), all: a.has("a"))
        }
    }

    /// stmk's mask: decimal, or hexadecimal with 0x.
    static func traceMask(_ text: String, _ a: ParsedArguments) throws(UsageError) -> Int64 {
        let lower = text.lowercased()
        let value = lower.hasPrefix("0x") ? UInt64(lower.dropFirst(2), radix: 16).map { Int64(bitPattern: $0) } : Int64(lower)
        guard let value else { throw a.error("the mask must be a number (decimal or 0x hex): \(text)") }
        return value
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
        // With -f the data comes from the file, so the word after the path is the ACL.
        if let file = a.value("f") {
            if a.positionals.count > 2 { throw a.error("give the data or -f file, not both") }
            let acl = a.positionals.count > 1 ? try a.acl(1) : ACL.openACLUnsafe
            return .create(path: path, data: .file(file), acl: acl, mode: mode, ttl: ttl)
        }
        let acl = a.positionals.count > 2 ? try a.acl(2) : ACL.openACLUnsafe
        return .create(path: path, data: try a.data(1), acl: acl, mode: mode, ttl: ttl)
    }

    static func buildReconfig(_ a: ParsedArguments) throws(UsageError) -> Command {
        var version: Int64 = -1
        if let text = a.value("v") {
            let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
            guard let parsed = Int64(digits, radix: 16) else { throw a.error("version must be hexadecimal: \(text)") }
            version = parsed
        }
        let change: ReconfigChange
        switch (a.value("file"), a.value("members"), a.value("add"), a.value("remove")) {
        case (let file?, nil, nil, nil): change = .membersFile(file)
        case (nil, let members?, nil, nil): change = .members(members)
        case (nil, nil, let add, let remove) where add != nil || remove != nil:
            change = .incremental(joining: add, leaving: remove)
        default:
            throw a.error("give -file or -members alone, or -add and/or -remove")
        }
        return .reconfig(change, fromVersion: version, stat: a.has("s"))
    }
}

/// A command's words sorted into flags and positionals, checked against its spec.
struct ParsedArguments {
    let spec: CommandSpec
    let cwd: String
    var flags: [String: String] = [:]
    var positionals: [String] = []

    init(spec: CommandSpec, words: [String], cwd: String) throws(UsageError) {
        self.spec = spec
        self.cwd = cwd
        var index = 0
        var flagsEnded = false
        while index < words.count {
            let word = words[index]
            if !flagsEnded && word == "--" { flagsEnded = true; index += 1; continue }
            let looksLikeFlag = !flagsEnded && word.count > 1 && word.hasPrefix("-")
            if looksLikeFlag && word.hasPrefix("--") && (positionals.isEmpty || spec.longFlag(String(word.dropFirst(2))) != nil) {
                guard let flag = spec.longFlag(String(word.dropFirst(2))) else {
                    throw UsageError("\(spec.name): unknown option \(word)", usage: spec.usage)
                }
                try set(flag, "")
                index += 1
                continue
            }
            if looksLikeFlag && (positionals.isEmpty || Self.isFlagWord(word, of: spec)) {
                index = try takeFlags(word, at: index, in: words)
            } else {
                if !positionals.isEmpty || !looksLikeFlag { positionals.append(word) }
                index += 1
            }
        }
        let required = spec.arguments.filter { !$0.optional }.count
        if positionals.count < required {
            let missing = spec.arguments[positionals.count].name
            throw UsageError("\(spec.name): missing \(missing)", usage: spec.usage)
        }
        if positionals.count > spec.arguments.count {
            throw UsageError("\(spec.name): unexpected argument \(positionals[spec.arguments.count])", usage: spec.usage)
        }
    }

    /// Whether a word after the arguments is made only of this command's flags.
    static func isFlagWord(_ word: String, of spec: CommandSpec) -> Bool {
        let body = String(word.dropFirst())
        if spec.flag(body) != nil { return true }
        return body.allSatisfy { spec.flag(String($0)) != nil }
    }

    /// Consumes one flag word (and a value word when the flag takes one); returns the next index.
    mutating func takeFlags(_ word: String, at index: Int, in words: [String]) throws(UsageError) -> Int {
        var next = index + 1
        let body = String(word.dropFirst())
        if body.count > 1, let flag = spec.flag(body) {
            // A word flag (reconfig's -members) stands alone.
            guard flag.valueName != nil else { try set(flag, ""); return next }
            guard next < words.count else {
                throw UsageError("\(spec.name): option \(flag.spelling) needs a \(flag.valueName ?? "value")", usage: spec.usage)
            }
            try set(flag, words[next])
            return next + 1
        }
        var letters = Substring(body)
        while let letter = letters.popFirst() {
            guard let flag = spec.flag(String(letter)) else {
                throw UsageError("\(spec.name): unknown option -\(letter)", usage: spec.usage)
            }
            guard let valueName = flag.valueName else { try set(flag, ""); continue }
            if !letters.isEmpty {
                try set(flag, String(letters)); letters = ""
            } else {
                guard next < words.count else {
                    throw UsageError("\(spec.name): option -\(letter) needs a \(valueName)", usage: spec.usage)
                }
                try set(flag, words[next])
                next += 1
            }
        }
        return next
    }

    mutating func set(_ flag: FlagSpec, _ value: String) throws(UsageError) {
        if flags[flag.name] != nil {
            throw UsageError("\(spec.name): option \(flag.spelling) given twice", usage: spec.usage)
        }
        flags[flag.name] = value
    }

    func has(_ letter: Character) -> Bool { flags[String(letter)] != nil }
    func has(_ name: String) -> Bool { flags[name] != nil }
    var change: ChangeOptions { ChangeOptions(dryRun: has("dry-run"), yes: has("y")) }

    func optionalACL(_ name: Character) throws(UsageError) -> [ACL]? {
        guard let text = value(name) else { return nil }
        do { return try ACLSyntax.parse(text) } catch { throw self.error(error.message) }
    }

    /// A path, or zk://host:port[,host:port...]/path on another ensemble.
    func location(_ index: Int) throws(UsageError) -> TreeLocation {
        let text = positionals[index]
        guard text.hasPrefix("zk://") else { return TreeLocation(path: try path(index)) }
        let rest = text.dropFirst(5)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let servers = String(rest[..<slash])
        let path = slash == rest.endIndex ? "/" : String(rest[slash...])
        guard !servers.isEmpty, (try? ConnectString(parsing: servers)) != nil else {
            throw error("expected zk://host:port[,host:port...]/path, not \(text)")
        }
        if let problem = PathValidation.problem(path) { throw error("invalid path \"\(path)\": \(problem)") }
        return TreeLocation(servers: servers, path: path)
    }
    func value(_ name: Character) -> String? { flags[String(name)] }
    func value(_ name: String) -> String? { flags[name] }
    func error(_ message: String) -> UsageError { UsageError("\(spec.name): \(message)", usage: spec.usage) }

    func path(_ index: Int, sequential: Bool = false) throws(UsageError) -> String {
        let path = PathResolution.resolve(positionals[index], cwd: cwd)
        if let problem = PathValidation.problem(path, sequential: sequential) {
            throw error("invalid path \"\(positionals[index])\": \(problem)")
        }
        return path
    }

    /// An optional path argument that defaults to the current node.
    func pathOrCurrent(_ index: Int) throws(UsageError) -> String {
        index < positionals.count ? try path(index) : cwd
    }

    func version() throws(UsageError) -> Int32 {
        guard let text = value("v") else { return -1 }
        guard let version = Int32(text), version >= -1 else { throw error("version must be an integer >= -1: \(text)") }
        return version
    }

    func number(_ letter: Character, range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = value(letter) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw error("-\(letter) must be a number from \(range.lowerBound) to \(range.upperBound): \(text)")
        }
        return number
    }

    /// The data argument, or `-f file`; both at once is a mistake, neither is empty data.
    func data(_ index: Int) throws(UsageError) -> DataSource {
        let inline = index < positionals.count ? positionals[index] : nil
        switch (inline, value("f")) {
        case (_?, _?): throw error("give the data or -f file, not both")
        case (nil, let file?): return .file(file)
        case (let text?, nil): return .bytes(Array(text.utf8))
        case (nil, nil): return .bytes([])
        }
    }

    func acl(_ index: Int) throws(UsageError) -> [ACL] {
        do { return try ACLSyntax.parse(positionals[index]) } catch { throw self.error(error.message) }
    }

    /// An optional host:port argument.
    func server(_ index: Int) throws(UsageError) -> String? {
        guard index < positionals.count else { return nil }
        let text = positionals[index]
        guard let colon = text.lastIndex(of: ":"), Int(text[text.index(after: colon)...]) != nil else {
            throw error("expected host:port, not \(text)")
        }
        return text
    }
}
