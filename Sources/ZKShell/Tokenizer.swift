/// Splits a command line into words, shell-style: blanks separate words; `'…'` is literal; `"…"` allows the
/// escapes `\"`, `\\`, `\n`, `\t`, `\r`, `\0` (any other `\x` stays as typed); outside quotes `\` makes the next
/// character literal. Adjacent parts join (`a"b c"` is one word `ab c`), and `""` is an empty word.
public enum Tokenizer {
    public static func tokenize(_ line: String) throws(UsageError) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        /// A word exists once any part of it was seen, even an empty quoted one.
        var inWord = false
        var iterator = line.unicodeScalars.makeIterator()

        func finishWord() {
            if inWord { words.append(String(current)) }
            current = String.UnicodeScalarView()
            inWord = false
        }

        while let c = iterator.next() {
            switch c {
            case " ", "\t", "\n", "\r":
                finishWord()
            case "'":
                inWord = true
                var closed = false
                while let q = iterator.next() {
                    if q == "'" { closed = true; break }
                    current.append(q)
                }
                guard closed else { throw UsageError("unterminated single quote") }
            case "\"":
                inWord = true
                var closed = false
                while let q = iterator.next() {
                    if q == "\"" { closed = true; break }
                    if q == "\\" {
                        guard let e = iterator.next() else { break }
                        switch e {
                        case "\"", "\\": current.append(e)
                        case "n": current.append("\n")
                        case "t": current.append("\t")
                        case "r": current.append("\r")
                        case "0": current.append("\0")
                        default: current.append("\\"); current.append(e)
                        }
                    } else {
                        current.append(q)
                    }
                }
                guard closed else { throw UsageError("unterminated double quote") }
            case "\\":
                guard let e = iterator.next() else { throw UsageError("dangling escape at end of line") }
                inWord = true
                current.append(e)
            default:
                inWord = true
                current.append(c)
            }
        }
        finishWord()
        return words
    }
}
