import Testing
import ZKProtocol
@testable import ZKShell

@Suite struct ParserTests {
    func parse(_ line: String) throws -> Command? { try Parser.parse(line: line) }

    func usageError(_ line: String) -> UsageError? {
        do { _ = try Parser.parse(line: line); return nil } catch { return error }
    }

    @Test func everyCommand() throws {
        let bytes = { (s: String) in Array(s.utf8) }
        let cases: [(String, Command)] = [
            ("ls /", .ls(path: "/", stat: false, recursive: false)),
            ("ls -s -R /a", .ls(path: "/a", stat: true, recursive: true)),
            ("ls -sR /a", .ls(path: "/a", stat: true, recursive: true)),
            ("get /a", .get(path: "/a", stat: false)),
            ("get -s /a", .get(path: "/a", stat: true)),
            ("set /a hi", .set(path: "/a", data: bytes("hi"), version: -1, stat: false)),
            ("set -s -v 3 /a 'x y'", .set(path: "/a", data: bytes("x y"), version: 3, stat: true)),
            ("set -v3 /a x", .set(path: "/a", data: bytes("x"), version: 3, stat: false)),
            ("set -- /a -1", .set(path: "/a", data: bytes("-1"), version: -1, stat: false)),
            ("set /a -x", .set(path: "/a", data: bytes("-x"), version: -1, stat: false)),
            ("create /a", .create(path: "/a", data: [], acl: ACL.openACLUnsafe, mode: .persistent, ttl: nil)),
            ("create /a d", .create(path: "/a", data: bytes("d"), acl: ACL.openACLUnsafe, mode: .persistent, ttl: nil)),
            ("create -e /a", .create(path: "/a", data: [], acl: ACL.openACLUnsafe, mode: .ephemeral, ttl: nil)),
            ("create -s /a/", .create(path: "/a/", data: [], acl: ACL.openACLUnsafe, mode: .persistentSequential, ttl: nil)),
            ("create -s -e /a-", .create(path: "/a-", data: [], acl: ACL.openACLUnsafe, mode: .ephemeralSequential, ttl: nil)),
            ("create -c /a", .create(path: "/a", data: [], acl: ACL.openACLUnsafe, mode: .container, ttl: nil)),
            ("create -t 500 /a", .create(path: "/a", data: [], acl: ACL.openACLUnsafe, mode: .persistentWithTTL, ttl: 500)),
            ("create -s -t 500 /a", .create(path: "/a", data: [], acl: ACL.openACLUnsafe, mode: .persistentSequentialWithTTL, ttl: 500)),
            ("create /a d world:anyone:r", .create(path: "/a", data: bytes("d"), acl: ACL.readACLUnsafe, mode: .persistent, ttl: nil)),
            ("delete /a", .delete(path: "/a", version: -1)),
            ("delete -v 2 /a", .delete(path: "/a", version: 2)),
            ("deleteall /a", .deleteAll(path: "/a")),
            ("stat /a", .stat(path: "/a")),
            ("getAcl /a", .getAcl(path: "/a", stat: false)),
            ("getacl -s /a", .getAcl(path: "/a", stat: true)),
            ("setAcl /a auth::cdrwa", .setAcl(path: "/a", acl: ACL.creatorAllACL, version: -1, stat: false, recursive: false)),
            ("setAcl -s -R -v 1 /a world:anyone:r", .setAcl(path: "/a", acl: ACL.readACLUnsafe, version: 1, stat: true, recursive: true)),
            ("addauth digest u:p", .addAuth(scheme: "digest", auth: bytes("u:p"))),
            ("sync /a", .sync(path: "/a")),
            ("whoami", .whoAmI),
            ("getEphemerals", .getEphemerals(path: nil)),
            ("getEphemerals /a", .getEphemerals(path: "/a")),
            ("getAllChildrenNumber /", .getAllChildrenNumber(path: "/")),
            ("version", .version),
            ("help", .help(command: nil)),
            ("help getacl", .help(command: "getAcl")),
            ("quit", .quit),
            ("exit", .quit),
        ]
        for (line, expected) in cases {
            #expect(try parse(line) == expected, "\(line)")
        }
    }

    @Test func tableAndParserAgree() throws {
        // Every command in the table parses from its minimal form (required arguments only).
        for spec in CommandTable.all {
            let words = [spec.name] + spec.arguments.filter { !$0.optional }.map { arg -> String in
                switch arg.kind {
                case .path: return "/x"
                case .acl: return "world:anyone:cdrwa"
                default: return "v"
                }
            }
            let command = try Parser.parse(words)
            #expect(command.name == spec.name)
            #expect(command.needsSession == spec.needsSession)
        }
    }

    @Test func blankAndCommentLines() throws {
        #expect(try parse("") == nil)
        #expect(try parse("   ") == nil)
        #expect(try parse("# ls /") == nil)
        #expect(try parse("  # note") == nil)
    }

    @Test(arguments: [
        ("get -x /a", "get: unknown option -x"),
        ("ls -w /", "ls: unknown option -w"),
        ("delete -s /a", "delete: unknown option -s"),
        ("get -s -s /a", "get: option -s given twice"),
        ("set -v", "set: option -v needs a version"),
        ("get", "get: missing path"),
        ("set /a", "set: missing data"),
        ("get /a /b", "get: unexpected argument /b"),
        ("whoami me", "whoami: unexpected argument me"),
        ("addauth digest", "addauth: missing auth"),
    ])
    func badFlagsAndArity(_ line: String, _ message: String) {
        let error = usageError(line)
        #expect(error?.message == message)
        #expect(error?.usage != nil)
    }

    @Test(arguments: [
        "nosuch /a", "help nosuch",
        "get a", "get /a/", "get //a", "get /a/../b", "get /a/.", "ls /a\u{1}b",
        "delete -v x /a", "delete -v -2 /a", "set -v 1.5 /a x",
        "create -t 0 /a", "create -t x /a", "create -c -s /a", "create -c -e /a", "create -t 10 -e /a",
        "create -t 10 -c /a", "create /a/ x",
        "create /a d world:anyone", "create /a d world:anyone:q", "create /a d :x:r", "setAcl /a world:anyone:",
        "get '/a",
    ])
    func rejected(_ line: String) {
        #expect(usageError(line) != nil, "\(line)")
    }

    @Test func aclSyntax() throws {
        let acl = try ACLSyntax.parse("digest:bob:Zm9v=:cdr,ip:fe80::1:a,world:anyone:cdrwa")
        #expect(acl == [
            ACL(perms: [.create, .delete, .read], id: Id(scheme: "digest", id: "bob:Zm9v=")),
            ACL(perms: .admin, id: Id(scheme: "ip", id: "fe80::1")),
            ACL(perms: .all, id: .anyone),
        ])
        #expect(ACLSyntax.format(acl) == "digest:bob:Zm9v=:cdr,ip:fe80::1:a,world:anyone:cdrwa")
    }

    @Test func usageLinesComeFromTheTable() {
        #expect(CommandTable.spec(named: "create")?.usage == "create [-s] [-e] [-c] [-t ttl] path [data] [acl]")
        #expect(CommandTable.spec(named: "set")?.usage == "set [-s] [-v version] path data")
        #expect(CommandTable.spec(named: "ls")?.usage == "ls [-s] [-R] path")
        #expect(CommandTable.spec(named: "exit")?.name == "quit")
        #expect(usageError("get -x /a")?.usage == "get [-s] path")
    }

    @Test func invocation() throws {
        let plain = try Invocation(arguments: [], environment: [:])
        #expect(plain.server == "127.0.0.1:2181" && plain.command.isEmpty && plain.format == .text)
        #expect(try Invocation(arguments: [], environment: ["ZOOKEEPER_HOSTS": "a:1,b:2"]).server == "a:1,b:2")
        let full = try Invocation(arguments: ["-server", "h:1/app", "-timeout", "500", "--json", "-v", "get", "-s", "/a"],
                                  environment: ["ZOOKEEPER_HOSTS": "x:9"])
        #expect(full.server == "h:1/app" && full.timeoutMs == 500 && full.format == .json && full.verbose)
        #expect(full.command == ["get", "-s", "/a"])
        #expect(try Invocation(arguments: ["--server", "h:2", "--", "-weird"]).command == ["-weird"])
        #expect(throws: UsageError.self) { try Invocation(arguments: ["-bogus"]) }
        #expect(throws: UsageError.self) { try Invocation(arguments: ["-server"]) }
        #expect(throws: UsageError.self) { try Invocation(arguments: ["-timeout", "soon"]) }
    }
}
