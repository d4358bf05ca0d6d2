import Testing
import ZKClient
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
            ("ls /", .ls(path: "/", stat: false, watch: false, recursive: false)),
            ("ls -s -R /a", .ls(path: "/a", stat: true, watch: false, recursive: true)),
            ("ls -sR /a", .ls(path: "/a", stat: true, watch: false, recursive: true)),
            ("get /a", .get(path: "/a", stat: false, watch: false, format: .text, outputFile: nil)),
            ("get -s /a", .get(path: "/a", stat: true, watch: false, format: .text, outputFile: nil)),
            ("set /a hi", .set(path: "/a", data: .bytes(bytes("hi")), version: -1, stat: false)),
            ("set -s -v 3 /a 'x y'", .set(path: "/a", data: .bytes(bytes("x y")), version: 3, stat: true)),
            ("set -v3 /a x", .set(path: "/a", data: .bytes(bytes("x")), version: 3, stat: false)),
            ("set -- /a -1", .set(path: "/a", data: .bytes(bytes("-1")), version: -1, stat: false)),
            ("set /a -x", .set(path: "/a", data: .bytes(bytes("-x")), version: -1, stat: false)),
            ("create /a", .create(path: "/a", data: .bytes([]), acl: ACL.openACLUnsafe, mode: .persistent, ttl: nil)),
            ("create /a d", .create(path: "/a", data: .bytes(bytes("d")), acl: ACL.openACLUnsafe, mode: .persistent, ttl: nil)),
            ("create -e /a", .create(path: "/a", data: .bytes([]), acl: ACL.openACLUnsafe, mode: .ephemeral, ttl: nil)),
            ("create -s /a/", .create(path: "/a/", data: .bytes([]), acl: ACL.openACLUnsafe, mode: .persistentSequential, ttl: nil)),
            ("create -s -e /a-", .create(path: "/a-", data: .bytes([]), acl: ACL.openACLUnsafe, mode: .ephemeralSequential, ttl: nil)),
            ("create -c /a", .create(path: "/a", data: .bytes([]), acl: ACL.openACLUnsafe, mode: .container, ttl: nil)),
            ("create -t 500 /a", .create(path: "/a", data: .bytes([]), acl: ACL.openACLUnsafe, mode: .persistentWithTTL, ttl: 500)),
            ("create -s -t 500 /a", .create(path: "/a", data: .bytes([]), acl: ACL.openACLUnsafe, mode: .persistentSequentialWithTTL, ttl: 500)),
            ("create /a d world:anyone:r", .create(path: "/a", data: .bytes(bytes("d")), acl: ACL.readACLUnsafe, mode: .persistent, ttl: nil)),
            ("delete /a", .delete(path: "/a", version: -1)),
            ("delete -v 2 /a", .delete(path: "/a", version: 2)),
            ("deleteall /a", .deleteAll(path: "/a", batchSize: 1000)),
            ("stat /a", .stat(path: "/a", watch: false)),
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
            // zkCli.sh's flags may follow the path; anything else there is data.
            ("get /a -s", .get(path: "/a", stat: true, watch: false, format: .text, outputFile: nil)),
            ("get -w -x /a", .get(path: "/a", stat: false, watch: true, format: .hex, outputFile: nil)),
            ("get -b -o /tmp/f /a", .get(path: "/a", stat: false, watch: false, format: .base64, outputFile: "/tmp/f")),
            ("set -f /tmp/f /a", .set(path: "/a", data: .file("/tmp/f"), version: -1, stat: false)),
            ("create -f /tmp/f /a world:anyone:r", .create(path: "/a", data: .file("/tmp/f"), acl: ACL.readACLUnsafe, mode: .persistent, ttl: nil)),
            ("deleteall -b 50 /a", .deleteAll(path: "/a", batchSize: 50)),
            ("ls -w /a", .ls(path: "/a", stat: false, watch: true, recursive: false)),
            ("stat -w /a", .stat(path: "/a", watch: true)),
            ("addWatch /a", .addWatch(path: "/a", mode: .persistentRecursive)),
            ("addWatch -m PERSISTENT /a", .addWatch(path: "/a", mode: .persistent)),
            ("removewatches /a", .removeWatches(path: "/a", type: .any, local: false)),
            ("removewatches /a -d -l", .removeWatches(path: "/a", type: .data, local: true)),
            ("removewatches -c /a", .removeWatches(path: "/a", type: .children, local: false)),
            ("config -c", .config(membershipOnly: true, watch: false, stat: false)),
            ("reconfig -remove 3", .reconfig(.incremental(joining: nil, leaving: "3"), fromVersion: -1, stat: false)),
            ("reconfig -add 4=h:1:2;3 -v 1f", .reconfig(.incremental(joining: "4=h:1:2;3", leaving: nil), fromVersion: 0x1f, stat: false)),
            ("reconfig -members 1=h:1:2;3 -s", .reconfig(.members("1=h:1:2;3"), fromVersion: -1, stat: true)),
            ("reconfig -file /tmp/c", .reconfig(.membersFile("/tmp/c"), fromVersion: -1, stat: false)),
            ("setquota -n 10 /a", .setQuota(path: "/a", limit: .countSoft, value: 10)),
            ("setquota -B 100 /a", .setQuota(path: "/a", limit: .bytesHard, value: 100)),
            ("listquota /a", .listQuota(path: "/a")),
            ("delquota /a", .delQuota(path: "/a", limit: nil)),
            ("delquota -b /a", .delQuota(path: "/a", limit: .bytesSoft)),
            ("printwatches off", .printWatches(false)),
            ("printwatches", .printWatches(nil)),
            ("connect h:1", .connect(servers: "h:1")),
            ("close", .close),
            ("history", .history),
            ("redo 3", .redo(3)),
            ("cd", .cd(path: "/")),
            ("pwd", .pwd),
            ("tree -d 2 -s /a", .tree(path: "/a", depth: 2, sizes: true)),
            ("find -n 'lock-*' -e /a", .find(path: "/a", name: "lock-*", ephemeralOnly: true, depth: nil)),
            ("grep -i -l ^x /a", .grep(path: "/a", pattern: "^x", ignoreCase: true, pathsOnly: true)),
            ("watch -R -c 3 /a", .watch(path: "/a", recursive: true, count: 3)),
            ("unwatch", .unwatch(path: nil)),
            ("cp /a /b", .copy(from: "/a", to: "/b")),
            ("mv /a /b/c", .move(from: "/a", to: "/b/c")),
            ("export -o f.json /a", .export(path: "/a", file: "f.json")),
            ("import -u -f f.json /b", .import(path: "/b", file: "f.json", update: true)),
            ("4lw mntr", .fourLetterWord("mntr", server: nil, all: false)),
            ("4lw -a stat", .fourLetterWord("stat", server: nil, all: true)),
            ("srvr h:2181", .fourLetterWord("srvr", server: "h:2181", all: false)),
            ("ensemble", .ensemble),
        ]
        for (line, expected) in cases {
            #expect(try parse(line) == expected, "\(line)")
        }
    }

    @Test func tableAndParserAgree() throws {
        // Every command in the table parses from its minimal form (required arguments only).
        let special: [String: [String]] = [
            "4lw": ["4lw", "ruok"], "redo": ["redo", "0"], "setquota": ["setquota", "-n", "1", "/x"],
            "reconfig": ["reconfig", "-remove", "1"], "cp": ["cp", "/x", "/y"], "mv": ["mv", "/x", "/y"],
            "stmk": ["stmk", "0x1ff"],
        ]
        for spec in CommandTable.all {
            let words = special[spec.name] ?? [spec.name] + spec.arguments.filter { !$0.optional }.map { arg -> String in
                switch arg.kind {
                case .path: return "/x"
                case .acl: return "world:anyone:cdrwa"
                default: return "v"
                }
            }
            let command = try Parser.parse(words)
            // The four-letter words parse to `4lw word`.
            #expect(command.name == spec.name || (spec.group == .admin && command.name == "4lw"), "\(spec.name)")
            #expect(command.needsSession == spec.needsSession || spec.group == .admin)
        }
    }

    @Test func relativePathsResolveAgainstTheCurrentNode() throws {
        #expect(try Parser.parse(line: "get b", cwd: "/a") == .get(path: "/a/b", stat: false, watch: false, format: .text, outputFile: nil))
        #expect(try Parser.parse(line: "ls ..", cwd: "/a/b") == .ls(path: "/a", stat: false, watch: false, recursive: false))
        #expect(try Parser.parse(line: "ls", cwd: "/a") == .ls(path: "/a", stat: false, watch: false, recursive: false))
        #expect(try Parser.parse(line: "cd ../../..", cwd: "/a/b") == .cd(path: "/"))
        #expect(try Parser.parse(line: "get ./c/../d", cwd: "/a") == .get(path: "/a/d", stat: false, watch: false, format: .text, outputFile: nil))
        #expect(try Parser.parse(line: "create -s seq-", cwd: "/q") == .create(path: "/q/seq-", data: .bytes([]), acl: ACL.openACLUnsafe, mode: .persistentSequential, ttl: nil))
        #expect(PathResolution.resolve("/a/../b", cwd: "/") == "/b")
        #expect(PathResolution.resolve("x", cwd: "/") == "/x")
    }

    @Test func globs() {
        #expect(Glob("lock-*").matches("lock-0001"))
        #expect(!Glob("lock-*").matches("lease-1"))
        #expect(Glob("n?").matches("n1") && !Glob("n?").matches("n12"))
        #expect(Glob("[a-c]x").matches("bx") && !Glob("[!a-c]x").matches("bx"))
        #expect(Glob("*").matches(""))
    }

    @Test func blankAndCommentLines() throws {
        #expect(try parse("") == nil)
        #expect(try parse("   ") == nil)
        #expect(try parse("# ls /") == nil)
        #expect(try parse("  # note") == nil)
    }

    @Test(arguments: [
        ("get -q /a", "get: unknown option -q"),
        ("ls -z /", "ls: unknown option -z"),
        ("delete -s /a", "delete: unknown option -s"),
        ("get -s -s /a", "get: option -s given twice"),
        ("set -v", "set: option -v needs a version"),
        ("get", "get: missing path"),
        ("setquota /a", "setquota: give exactly one of -n -b -N -B"),
        ("set -f x /a data", "set: give the data or -f file, not both"),
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
        "get /a/", "get //a", "ls /a\u{1}b", "get -x -b /a", "grep '(' /a", "mv /a /a/b", "cp / /x",
        "removewatches -c -d /a", "4lw nope", "srvr nohostport", "redo x", "printwatches maybe", "reconfig",
        "reconfig -file f -members m", "addWatch -m SOMETIMES /a", "tree -d x /",
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
        #expect(CommandTable.spec(named: "create")?.usage == "create [-s] [-e] [-c] [-t ttl] [-f file] path [data] [acl]")
        #expect(CommandTable.spec(named: "set")?.usage == "set [-s] [-v version] [-f file] path [data]")
        #expect(CommandTable.spec(named: "ls")?.usage == "ls [-s] [-w] [-R] [path]")
        #expect(CommandTable.spec(named: "exit")?.name == "quit")
        #expect(usageError("get -q /a")?.usage == "get [-s] [-w] [-x] [-b] [-o file] path")
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
        let auth = try Invocation(arguments: ["--auth", "digest:u:p", "-f", "s.zk"])
        #expect(auth.auth == [AuthCredential(scheme: "digest", credential: "u:p")] && auth.scriptFile == "s.zk")
        #expect(throws: UsageError.self) { try Invocation(arguments: ["--auth", "nocolon"]) }
    }

    @Test func invocationThroughArgumentParser() throws {
        for help in ["-h", "-help", "--help"] {
            #expect(try Invocation(arguments: ["-server", "h:1", help]).showHelp)
        }
        // After the command's first word, a -h is the command's.
        #expect(try Invocation(arguments: ["ls", "-h"]).showHelp == false)
        #expect(try Invocation(arguments: ["-f", "-"]).scriptFile == "-")
        #expect(try Invocation(arguments: ["-waitforconnection", "-r", "ls", "-R", "/"]).command == ["ls", "-R", "/"])
        #expect(try Invocation(arguments: ["--version"]).showVersion && Invocation(arguments: ["-version"]).showVersion)
        let both = try Invocation(arguments: ["-auth", "digest:a:b", "--auth", "digest:c:d", "-e", "--wide", "-json"])
        #expect(both.auth.count == 2 && both.stopOnError && both.wide && both.format == .json)
        do {
            _ = try Invocation(arguments: ["-bogus", "ls"])
            Issue.record("an unknown option must be refused")
        } catch {
            #expect(error.message == "unknown option -bogus", "\(error.message)")
        }
    }

    @Test func securityOptions() throws {
        let sasl = try Invocation(arguments: ["--sasl", "bob:pa:ss", "whoami"])
        #expect(sasl.sasl == SASLCredentials(username: "bob", password: "pa:ss") && sasl.tls == nil)
        #expect(throws: UsageError.self) { try Invocation(arguments: ["--sasl", "nopassword"]) }
        let pem = try Invocation(arguments: ["--cert", "c.pem", "--key", "k.pem", "--ca", "ca.pem", "ls", "/"])
        #expect(pem.tls == ClientTLS(identity: .pem(certificate: "c.pem", key: "k.pem"), trust: .pem("ca.pem")))
        #expect(try Invocation(arguments: ["--tls", "--no-hostname-verification"]).tls == ClientTLS(verifyHostname: false))
        #expect(throws: UsageError.self) { try Invocation(arguments: ["--cert", "c.pem"]) }
        // zkCli.sh's -client-configuration: Apache's property names; the command line's --ca wins.
        var configured = try Invocation(arguments: ["-client-configuration", "client.properties", "--ca", "mine.pem"])
        #expect(configured.clientConfigurationFile == "client.properties")
        try configured.applyClientConfiguration("""
            zookeeper.client.secure=true
            zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty
            zookeeper.ssl.keyStore.location=/etc/zk/client.p12
            zookeeper.ssl.keyStore.password=secret
            zookeeper.ssl.trustStore.location=/etc/zk/trust.jks
            zookeeper.ssl.hostnameVerification=false
            """, path: "client.properties")
        #expect(configured.tls == ClientTLS(identity: .keyStore(KeyStoreFile(location: "/etc/zk/client.p12", password: "secret")),
                                            trust: .pem("mine.pem"), verifyHostname: false))
        var insecure = try Invocation(arguments: [])
        try insecure.applyClientConfiguration("zookeeper.ssl.keyStore.location=/k.p12\n", path: "p")
        #expect(insecure.tls == nil)
        #expect(throws: UsageError.self) { try insecure.applyClientConfiguration("just words\n", path: "p") }
    }

    @Test func configFileThenEnvironmentThenOptions() throws {
        let file = "# defaults\nserver = f:1\ntimeout=3000\nauth=digest:a:b\n"
        let fromFile = try Invocation(arguments: [], configFile: file)
        #expect(fromFile.server == "f:1" && fromFile.timeoutMs == 3000 && fromFile.auth.count == 1)
        #expect(try Invocation(arguments: [], environment: ["ZOOKEEPER_HOSTS": "e:1"], configFile: file).server == "e:1")
        #expect(try Invocation(arguments: ["-server", "o:1"], environment: ["ZOOKEEPER_HOSTS": "e:1"], configFile: file).server == "o:1")
        do {
            _ = try Invocation(arguments: [], configFile: "server=x:1\ncolour=red\n")
            Issue.record("an unknown key must be refused")
        } catch {
            #expect(error.message == "config file:2: unknown key colour (server, timeout, auth)")
        }
    }
}
