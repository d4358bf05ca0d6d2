import Testing
@testable import ZKShell

@Suite struct TokenizerTests {
    @Test(arguments: [
        ("ls /", ["ls", "/"]),
        ("  get\t-s   /a  ", ["get", "-s", "/a"]),
        ("set /a 'two words'", ["set", "/a", "two words"]),
        ("set /a \"two words\"", ["set", "/a", "two words"]),
        ("set /a \"say \\\"hi\\\"\"", ["set", "/a", "say \"hi\""]),
        ("set /a \"a\\nb\\tc\\\\d\"", ["set", "/a", "a\nb\tc\\d"]),
        ("set /a 'no \\n escapes'", ["set", "/a", "no \\n escapes"]),
        ("set /a \"keep \\q\"", ["set", "/a", "keep \\q"]),
        ("set /a two\\ words", ["set", "/a", "two words"]),
        ("set /a ab\"c d\"e", ["set", "/a", "abc de"]),
        ("set /a \"\"", ["set", "/a", ""]),
        ("set /a ''", ["set", "/a", ""]),
        ("set /a 'it\"s'", ["set", "/a", "it\"s"]),
        ("create /é ünïcödé", ["create", "/é", "ünïcödé"]),
        ("", []),
        ("   ", []),
    ])
    func splits(_ line: String, _ expected: [String]) throws {
        #expect(try Tokenizer.tokenize(line) == expected)
    }

    @Test(arguments: ["set /a 'open", "set /a \"open", "set /a \"esc\\\"", "trailing \\"])
    func rejectsUnterminated(_ line: String) {
        #expect(throws: UsageError.self) { try Tokenizer.tokenize(line) }
    }
}
