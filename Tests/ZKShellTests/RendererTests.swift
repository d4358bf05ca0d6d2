import Testing
import ZKClient
import ZKProtocol
@testable import ZKShell

@Suite struct RendererTests {
    static let stat = Stat(czxid: 0x1a, mzxid: 0x2b, ctime: 1_795_352_466_000, mtime: 1_795_352_467_123, version: 2,
                           cversion: 3, aversion: 1, ephemeralOwner: 0x1000_0000_abcd, dataLength: 5, numChildren: 2,
                           pzxid: 0x3c)

    @Test func statText() {
        #expect(TextRenderer.stat(Self.stat) == """
            cZxid = 0x1a
            ctime = Sun Nov 22 13:01:06 UTC 2026
            mZxid = 0x2b
            mtime = Sun Nov 22 13:01:07 UTC 2026
            pZxid = 0x3c
            cversion = 3
            dataVersion = 2
            aclVersion = 1
            ephemeralOwner = 0x10000000abcd
            dataLength = 5
            numChildren = 2

            """)
    }

    @Test func aDownMemberIsOneShortCell() {
        var up = MemberStatus(server: "127.0.0.1:2181")
        up.mode = "leader"
        up.zxid = 0x1_0000_0002
        var down = MemberStatus(server: "127.0.0.1:2182")
        down.error = "connect(descriptor:addr:size:): Connection refused (errno: 111) while connecting to 127.0.0.1:2182"
        var odd = MemberStatus(server: "127.0.0.1:2183")
        odd.error = String(repeating: "x", count: 80)
        let lines = TextRenderer.ensemble([up, down, odd]).split(separator: "\n").map(String.init)
        #expect(lines[2] == "127.0.0.1:2182  down: connection refused")
        #expect(lines[3] == "127.0.0.1:2183  down: " + String(repeating: "x", count: 23) + "…")
        #expect(lines[2].firstRange(of: "down")?.lowerBound.utf16Offset(in: lines[2]) == lines[0].firstRange(of: "MODE")?.lowerBound.utf16Offset(in: lines[0]))
    }

    @Test func javaHexIsTwosComplement() {
        #expect(TextRenderer.hex(0) == "0")
        #expect(TextRenderer.hex(-1) == "ffffffffffffffff")
        #expect(TextRenderer.hex(0x7fff_ffff_ffff_ffff) == "7fffffffffffffff")
    }

    @Test(arguments: [
        (Int64(0), "Thu Jan 01 00:00:00 UTC 1970"),
        (1_700_000_000_000, "Tue Nov 14 22:13:20 UTC 2023"),
        (951_782_400_000, "Tue Feb 29 00:00:00 UTC 2000"),
        (-1, "Wed Dec 31 23:59:59 UTC 1969"),
        (1_795_352_466_999, "Sun Nov 22 13:01:06 UTC 2026"),
        (4_102_444_800_000, "Fri Jan 01 00:00:00 UTC 2100"),
    ])
    func javaDate(_ millis: Int64, _ expected: String) {
        #expect(JavaDate.string(epochMillis: millis) == expected)
    }

    @Test func lsFormats() {
        #expect(TextRenderer.render(.children(path: "/", children: ["a", "b", "zookeeper"], stat: Self.stat, showStat: false))
                == "[a, b, zookeeper]\n")
        #expect(TextRenderer.render(.children(path: "/e", children: [], stat: Self.stat, showStat: false)) == "[]\n")
        #expect(TextRenderer.render(.children(path: "/", children: ["a"], stat: Self.stat, showStat: true))
                == "[a]\n" + TextRenderer.stat(Self.stat))
        #expect(TextRenderer.render(.subtreePaths(path: "/a", paths: ["/a", "/a/b", "/a/b/c"])) == "/a\n/a/b\n/a/b/c\n")
    }

    @Test func otherTextFormats() {
        #expect(TextRenderer.render(.created(path: "/a0000000001", stat: Stat())) == "Created /a0000000001\n")
        #expect(TextRenderer.render(.data(path: "/a", data: Array("héllo".utf8), stat: Stat(), showStat: false, format: .text)) == "héllo\n")
        #expect(TextRenderer.render(.data(path: "/a", data: [], stat: Stat(), showStat: false, format: .text)) == "\n")
        #expect(TextRenderer.render(.nodeStat(path: "/a", stat: Stat(), showStat: false)) == "")
        #expect(TextRenderer.render(.deleted(path: "/a", count: 1)) == "")
        #expect(TextRenderer.render(.acl(path: "/a", acl: [ACL(perms: .all, id: .anyone), ACL(perms: .read, id: Id(scheme: "ip", id: "10.0.0.1"))],
                                         stat: Stat(), showStat: false)) == "'world,'anyone\n: cdrwa\n'ip,'10.0.0.1\n: r\n")
        #expect(TextRenderer.render(.identities([ClientInfo(authScheme: "ip", user: "127.0.0.1")])) == "Auth scheme: User\nip: 127.0.0.1\n")
        #expect(TextRenderer.render(.ephemerals(path: "/", paths: ["/a", "/b"])) == "[/a, /b]\n")
        #expect(TextRenderer.render(.childCount(path: "/", count: 7)) == "7\n")
        #expect(TextRenderer.render(.synced(path: "/")) == "Sync is OK\n")
        #expect(TextRenderer.render(.quit) == "")
    }

    @Test func binaryDataIsEscaped() {
        #expect(TextRenderer.data([0x00, 0x41, 0xff, 0x5c, 0x0a]) == "\\x00A\\xff\\\\\\x0a")
        #expect(TextRenderer.data(Array("line1\nline2\ttab".utf8)) == "line1\nline2\ttab")
        #expect(TextRenderer.data([0xc3, 0x28]) == "\\xc3(")  // invalid UTF-8
    }

    @Test func errorsText() {
        #expect(TextRenderer.render(ShellError.zookeeper(ZooKeeperError(code: .noNode, path: "/x"))) == "NoNode: /x\n")
        #expect(TextRenderer.render(ShellError.usage(UsageError("get: missing path", usage: "get [-s] path")))
                == "get: missing path\nusage: get [-s] path\n")
    }

    @Test func helpListsEveryCommand() {
        let text = TextRenderer.render(.help(CommandTable.all, single: false))
        // Usages wrap, so compare them with the blanks of the layout squeezed out.
        let squeezed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for spec in CommandTable.all { #expect(squeezed.contains(spec.usage), "\(spec.name)") }
        for line in text.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
        let one = TextRenderer.render(.help([CommandTable.spec(named: "set")!], single: true))
        #expect(one.hasPrefix("usage: set [-s] [-v version] [-f file] path [data]\n"))
        #expect(one.contains("-v version"))
    }

    @Test func hexAndBase64() {
        #expect(TextRenderer.render(.data(path: "/a", data: Array(0..<18), stat: Stat(), showStat: false, format: .hex)) == """
            00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|
            00000010  10 11                                             |..|

            """)
        #expect(TextRenderer.render(.data(path: "/a", data: [0xff, 0], stat: Stat(), showStat: false, format: .base64)) == "/wA=\n")
    }

    @Test func fourLetterWordTables() {
        let answers = [ServerAnswer(server: "a:1", text: "zk_version\t3.8\nzk_znode_count\t5\n"),
                       ServerAnswer(server: "b:2", error: "connection refused")]
        let table = TextRenderer.render(.fourLetterWord(word: "mntr", answers: answers))
        #expect(table == "                a:1  b:2\n"
                 + "zk_version      3.8\n"
                 + "zk_znode_count  5\n"
                 + "error                connection refused\n")
        let sections = TextRenderer.render(.fourLetterWord(word: "cons", answers: answers))
        #expect(sections == "== a:1 ==\nzk_version\t3.8\nzk_znode_count\t5\n== b:2 ==\nconnection refused\n")
    }

    @Test func jsonStatKeys() {
        #expect(JSONRenderer.stat(Self.stat).serialized() == """
            {"czxid":26,"mzxid":43,"ctime":1795352466000,"mtime":1795352467123,"version":2,"cversion":3,"aversion":1,\
            "ephemeralOwner":17592186088397,"dataLength":5,"numChildren":2,"pzxid":60}
            """)
    }

    @Test func jsonDocuments() {
        let s = JSONRenderer.stat(Stat()).serialized()
        #expect(JSONRenderer.render(.children(path: "/", children: ["a", "b"], stat: Stat(), showStat: false))
                == "{\"path\":\"/\",\"children\":[\"a\",\"b\"],\"stat\":\(s)}\n")
        #expect(JSONRenderer.render(.data(path: "/a", data: Array("say \"hi\"\n".utf8), stat: Stat(), showStat: false, format: .text))
                == "{\"path\":\"/a\",\"data\":\"say \\\"hi\\\"\\n\",\"encoding\":\"utf-8\",\"stat\":\(s)}\n")
        #expect(JSONRenderer.render(.data(path: "/a", data: [0, 1, 2, 0xff], stat: Stat(), showStat: false, format: .text))
                == "{\"path\":\"/a\",\"data\":\"AAEC/w==\",\"encoding\":\"base64\",\"stat\":\(s)}\n")
        #expect(JSONRenderer.render(.created(path: "/a", stat: Stat())) == "{\"path\":\"/a\",\"stat\":\(s)}\n")
        #expect(JSONRenderer.render(.deleted(path: "/a", count: 3)) == "{\"path\":\"/a\",\"deleted\":3}\n")
        #expect(JSONRenderer.render(.acl(path: "/a", acl: ACL.openACLUnsafe, stat: Stat(), showStat: false))
                == "{\"path\":\"/a\",\"acl\":[{\"scheme\":\"world\",\"id\":\"anyone\",\"perms\":\"cdrwa\"}],\"stat\":\(s)}\n")
        #expect(JSONRenderer.render(.identities([ClientInfo(authScheme: "ip", user: "::1")]))
                == "{\"identities\":[{\"scheme\":\"ip\",\"user\":\"::1\"}]}\n")
        #expect(JSONRenderer.render(.childCount(path: "/", count: 4)) == "{\"path\":\"/\",\"count\":4}\n")
        #expect(JSONRenderer.render(.subtreePaths(path: "/", paths: ["/"])) == "{\"path\":\"/\",\"paths\":[\"/\"]}\n")
        #expect(JSONRenderer.render(.quit) == "")
    }

    @Test func jsonErrors() {
        #expect(JSONRenderer.render(ShellError.zookeeper(ZooKeeperError(code: .noNode, path: "/x")))
                == "{\"error\":\"NoNode\",\"code\":-101,\"message\":\"Node does not exist\",\"path\":\"/x\"}\n")
        #expect(JSONRenderer.render(ShellError.usage(UsageError("m", usage: "u"))) == "{\"error\":\"Usage\",\"message\":\"m\",\"usage\":\"u\"}\n")
        #expect(JSONRenderer.render(ShellError.connection("down")) == "{\"error\":\"Connection\",\"message\":\"down\"}\n")
    }

    @Test func jsonEscapesControlCharacters() {
        #expect(JSONValue.string("a\u{1}b\u{7f}é").serialized() == "\"a\\u0001b\\u007fé\"")
    }
}
