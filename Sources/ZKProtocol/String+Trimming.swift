extension StringProtocol {
    /// Without leading and trailing blanks (space, tab, CR, LF), as Java's String.trim() treats them
    /// for the inputs Apache trims: zoo.cfg values, connect strings, getEphemerals prefixes.
    public func trimmingBlanks() -> SubSequence {
        func isBlank(_ c: Character) -> Bool { c == " " || c == "\t" || c.isNewline }  // "\r\n" is one Character
        guard let start = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return self[endIndex...]
        }
        return self[start...last]
    }
}
