/// Shell-style name patterns for `find -n`: `*` any run, `?` one character, `[abc]`/`[a-z]`/`[!x]` a set.
struct Glob: Sendable {
    let pattern: [Character]

    init(_ pattern: String) { self.pattern = Array(pattern) }

    func matches(_ name: String) -> Bool { Self.match(pattern[...], Array(name)[...]) }

    static func match(_ p: ArraySlice<Character>, _ s: ArraySlice<Character>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        switch first {
        case "*":
            let rest = p.dropFirst()
            var tail = s
            while true {
                if match(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        case "?":
            return !s.isEmpty && match(p.dropFirst(), s.dropFirst())
        case "[":
            guard let c = s.first, let close = p.dropFirst(2).firstIndex(of: "]") else {
                return s.first == "[" && match(p.dropFirst(), s.dropFirst())
            }
            var set = p[(p.startIndex + 1)..<close]
            let negated = set.first == "!" || set.first == "^"
            if negated { set = set.dropFirst() }
            var found = false
            var index = set.startIndex
            while index < set.endIndex {
                if index + 2 < set.endIndex, set[index + 1] == "-" {
                    if set[index] <= c && c <= set[index + 2] { found = true }
                    index += 3
                } else {
                    if set[index] == c { found = true }
                    index += 1
                }
            }
            return found != negated && match(p[(close + 1)...], s.dropFirst())
        default:
            return s.first == first && match(p.dropFirst(), s.dropFirst())
        }
    }
}
