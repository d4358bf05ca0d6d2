/// A JAAS login configuration file as Java's ConfigFile reads it (the file named by
/// `java.security.auth.login.config`):
///
///     Server {
///         org.apache.zookeeper.server.auth.DigestLoginModule required
///         user_super="super_secret"
///         user_jaasuser="jaas_password";
///     };
///
/// Sections hold login modules, each with a control flag and `key=value` options (quoted or bare);
/// `//` and `/* */` comments are skipped. ZooKeeper reads the `Server` section for client SASL and
/// `QuorumServer`/`QuorumLearner` for quorum SASL.
public struct JAASConfig: Sendable, Equatable {
    public struct LoginModule: Sendable, Equatable {
        public var className: String
        /// required, requisite, sufficient or optional.
        public var flag: String
        public var options: [String: String]
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Section name to its modules, in file order. A name given twice gets the modules of both, as Java's.
    public var sections: [String: [LoginModule]] = [:]

    public init(sections: [String: [LoginModule]] = [:]) { self.sections = sections }

    /// DigestLoginModule's users: each `user_NAME="password"` option of the section (SaslServerCallbackHandler).
    public func digestUsers(section: String) -> [String: String] {
        var users: [String: String] = [:]
        for module in sections[section] ?? [] {
            for (key, value) in module.options where key.hasPrefix("user_") { users[String(key.dropFirst(5))] = value }
        }
        return users
    }

    /// The first `key` option in the section: a client's `username` and `password`.
    public func option(_ key: String, section: String) -> String? {
        sections[section]?.lazy.compactMap { $0.options[key] }.first
    }

    public static func parse(_ text: String) throws(ParseError) -> JAASConfig {
        var tokenizer = Tokenizer(text)
        let tokens = try tokenizer.tokens()
        var config = JAASConfig()
        var i = 0
        func next() -> Token? { defer { i += 1 }; return i < tokens.count ? tokens[i] : nil }
        func expect(_ symbol: Character, after what: String, line: Int) throws(ParseError) {
            guard let t = next(), case .symbol(symbol) = t.kind else {
                throw ParseError(line: i - 1 < tokens.count ? tokens[i - 1].line : line, message: "expected '\(symbol)' after \(what)")
            }
        }
        while let nameToken = next() {
            guard case .word(let name) = nameToken.kind else { throw ParseError(line: nameToken.line, message: "expected a section name") }
            try expect("{", after: "section name \(name)", line: nameToken.line)
            var modules: [LoginModule] = []
            while true {
                guard let t = next() else { throw ParseError(line: nameToken.line, message: "section \(name) is not closed with '};'") }
                if case .symbol("}") = t.kind { break }
                guard case .word(let className) = t.kind else { throw ParseError(line: t.line, message: "expected a login module class name in \(name)") }
                guard let flagToken = next(), case .word(let flag) = flagToken.kind,
                      ["required", "requisite", "sufficient", "optional"].contains(flag.lowercased()) else {
                    throw ParseError(line: t.line, message: "login module \(className) needs a flag: required, requisite, sufficient or optional")
                }
                var options: [String: String] = [:]
                while true {
                    guard let o = next() else { throw ParseError(line: flagToken.line, message: "login module \(className) is not ended with ';'") }
                    if case .symbol(";") = o.kind { break }
                    guard case .word(let key) = o.kind else { throw ParseError(line: o.line, message: "expected an option name in \(className)") }
                    try expect("=", after: "option \(key)", line: o.line)
                    guard let v = next() else { throw ParseError(line: o.line, message: "option \(key) has no value") }
                    switch v.kind {
                    case .word(let value), .quoted(let value): options[key] = value
                    case .symbol: throw ParseError(line: v.line, message: "option \(key) has no value")
                    }
                }
                modules.append(LoginModule(className: className, flag: flag.lowercased(), options: options))
            }
            try expect(";", after: "the '}' closing section \(name)", line: nameToken.line)
            config.sections[name, default: []].append(contentsOf: modules)
        }
        return config
    }

    struct Token {
        enum Kind: Equatable { case word(String), quoted(String), symbol(Character) }
        var kind: Kind
        var line: Int
    }

    struct Tokenizer {
        let chars: [Character]
        var at = 0
        var line = 1
        init(_ text: String) { chars = Array(text) }

        mutating func tokens() throws(ParseError) -> [Token] {
            var out: [Token] = []
            while at < chars.count {
                let c = chars[at]
                if c == "\n" { line += 1; at += 1; continue }
                if c.isWhitespace { at += 1; continue }
                if c == "/" && peek(1) == "/" { skipLine(); continue }
                if c == "/" && peek(1) == "*" { try skipBlockComment(); continue }
                if "{};=".contains(c) { out.append(Token(kind: .symbol(c), line: line)); at += 1; continue }
                if c == "\"" { out.append(try quoted()); continue }
                let start = at
                while at < chars.count, !chars[at].isWhitespace, !"{};=\"".contains(chars[at]) { at += 1 }
                out.append(Token(kind: .word(String(chars[start..<at])), line: line))
            }
            return out
        }

        func peek(_ n: Int) -> Character? { at + n < chars.count ? chars[at + n] : nil }

        mutating func skipLine() { while at < chars.count, chars[at] != "\n" { at += 1 } }

        mutating func skipBlockComment() throws(ParseError) {
            let startLine = line
            at += 2
            while at < chars.count {
                if chars[at] == "*" && peek(1) == "/" { at += 2; return }
                if chars[at] == "\n" { line += 1 }
                at += 1
            }
            throw ParseError(line: startLine, message: "comment is not closed with */")
        }

        mutating func quoted() throws(ParseError) -> Token {
            let startLine = line
            at += 1
            var value = ""
            while at < chars.count {
                let c = chars[at]
                if c == "\"" { at += 1; return Token(kind: .quoted(value), line: startLine) }
                if c == "\\", at + 1 < chars.count { value.append(chars[at + 1]); at += 2; continue }
                if c == "\n" { line += 1 }
                value.append(c)
                at += 1
            }
            throw ParseError(line: startLine, message: "quoted value is not closed")
        }
    }
}
