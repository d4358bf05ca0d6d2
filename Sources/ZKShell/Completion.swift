/// Tab completion from the command model: command names first, then the command's flags, then znode
/// paths (from the live tree, through `children`) where the command takes a path.
public enum Completion {
    /// Candidates for `word`, which starts at `wordStart` in `line`; each replaces the whole word.
    public static func candidates(line: String, word: String, wordStart: Int, children: (String) -> [String]) -> [String] {
        let before = String(line.prefix(wordStart))
        let previous = before.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let commandName = previous.first else {
            return commandNames.filter { $0.hasPrefix(word) }
        }
        guard let spec = CommandTable.spec(named: commandName) else { return [] }
        if word.hasPrefix("-") {
            return spec.flags.map { "-\($0.letter)" }.filter { $0.hasPrefix(word) }
        }
        if spec.arguments.contains(where: { $0.kind == .command }) {
            return commandNames.filter { $0.hasPrefix(word) }
        }
        guard spec.arguments.contains(where: { $0.kind == .path }), word.isEmpty || word.hasPrefix("/") else { return [] }
        return paths(completing: word.isEmpty ? "/" : word, children: children)
    }

    /// "/a/b" → children of "/a" starting with "b", as full paths; "/a/" → all children of "/a".
    public static func paths(completing word: String, children: (String) -> [String]) -> [String] {
        guard let slash = word.lastIndex(of: "/") else { return [] }
        let directory = String(word[..<slash])
        let partial = String(word[word.index(after: slash)...])
        let parent = directory.isEmpty ? "/" : directory
        return children(parent).filter { $0.hasPrefix(partial) }.sorted().map { directory + "/" + $0 }
    }

    static var commandNames: [String] {
        CommandTable.all.flatMap { [$0.name] + $0.aliases }.sorted()
    }
}
