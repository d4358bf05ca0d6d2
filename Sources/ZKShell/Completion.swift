/// Tab completion from the command model: command names first, then the command's flags, then znode
/// paths (from the live tree, through `children`) where the command takes a path, relative to `cwd` when
/// the word is.
public enum Completion {
    /// Candidates for `word`, which starts at `wordStart` in `line`; each replaces the whole word.
    public static func candidates(line: String, word: String, wordStart: Int, cwd: String = "/",
                                  children: (String) -> [String]) -> [String] {
        let before = String(line.prefix(wordStart))
        let previous = before.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let commandName = previous.first else {
            return commandNames.filter { $0.hasPrefix(word) }
        }
        guard let spec = CommandTable.spec(named: commandName) else { return [] }
        if word.hasPrefix("-") {
            return spec.flags.map(\.spelling).filter { $0.hasPrefix(word) }
        }
        if spec.arguments.contains(where: { $0.kind == .command }) {
            return commandNames.filter { $0.hasPrefix(word) }
        }
        if spec.name == "printwatches" { return ["off", "on"].filter { $0.hasPrefix(word) } }
        if spec.name == "4lw" { return CommandTable.fourLetterWords.filter { $0.hasPrefix(word) } }
        guard spec.arguments.contains(where: { $0.kind == .path }) else { return [] }
        return paths(completing: word, cwd: cwd, children: children)
    }

    /// "/a/b" → children of "/a" starting with "b", as full paths; "/a/" → all children of "/a". A relative
    /// word completes against `cwd` and stays relative ("b" → "bc", "x/y" → "x/yz").
    public static func paths(completing word: String, cwd: String = "/", children: (String) -> [String]) -> [String] {
        let absolute = word.hasPrefix("/")
        let slash = word.lastIndex(of: "/")
        let typedDirectory = slash.map { String(word[..<$0]) } ?? ""
        let partial = slash.map { String(word[word.index(after: $0)...]) } ?? word
        let parent: String
        if absolute {
            parent = typedDirectory.isEmpty ? "/" : PathResolution.resolve(typedDirectory, cwd: "/")
        } else {
            parent = typedDirectory.isEmpty ? cwd : PathResolution.resolve(typedDirectory, cwd: cwd)
        }
        let prefix = slash == nil ? "" : typedDirectory + "/"
        return children(parent).filter { $0.hasPrefix(partial) }.sorted().map { prefix + $0 }
    }

    static var commandNames: [String] {
        CommandTable.all.flatMap { [$0.name] + $0.aliases }.sorted()
    }
}

extension Completion {
    /// What the line editor inserts: each candidate escaped so the line tokenizes back to it, and what
    /// follows a single match: "/" after a node with children (so Tab goes on into it), else a space.
    public struct Insertion: Sendable, Hashable {
        public var candidates: [String]
        /// nil with several candidates: the list is shown, and nothing is appended.
        public var append: String?
    }

    /// `rawWord` is the word as typed (backslash escapes included); `wordStart` counts Unicode scalars.
    public static func insertion(line: String, rawWord: String, wordStart: Int, cwd: String = "/",
                                 children: (String) -> [String], hasChildren: (String) -> Bool) -> Insertion {
        let before = String(String.UnicodeScalarView(line.unicodeScalars.prefix(wordStart)))
        let word = unescape(rawWord)
        var completedPath = false
        let candidates = Self.candidates(line: before + word, word: word, wordStart: before.count, cwd: cwd) { parent in
            completedPath = true
            return children(parent)
        }
        guard candidates.count == 1, let only = candidates.first else {
            return Insertion(candidates: candidates.map(escape), append: nil)
        }
        let append = completedPath && hasChildren(PathResolution.resolve(only, cwd: cwd)) ? "/" : " "
        return Insertion(candidates: [escape(only)], append: append)
    }

    /// Characters the tokenizer or the line editor would split or interpret, escaped with a backslash.
    static let special: Set<Character> = [" ", "\t", "\\", "'", "\"", "#"]

    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            if special.contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// The tokenizer's reading of a word being typed: backslashes make the next character literal, quotes
    /// are dropped (an unclosed one is normal mid-word).
    public static func unescape(_ word: String) -> String {
        var out = "", escaped = false, quote: Character?
        for character in word {
            if escaped { out.append(character); escaped = false; continue }
            switch character {
            case "\\" where quote != "'": escaped = true
            case "'", "\"":
                if quote == nil { quote = character } else if quote == character { quote = nil } else { out.append(character) }
            default: out.append(character)
            }
        }
        return out
    }
}
