import Foundation
import Testing
import ZKClient
import ZKProtocol
@testable import ZKShell

@Suite struct ExecutorTests {
    let fake = FakeClient()
    var executor: Executor { Executor(client: fake) }

    func run(_ line: String) async throws(ShellError) -> CommandResult {
        let command: Command
        do { command = try Parser.parse(line: line)! } catch { throw .usage(error) }
        return try await executor.execute(command)
    }

    func failure(_ line: String) async -> ShellError? {
        do { _ = try await run(line); return nil } catch { return error }
    }

    @Test func createGetSetDelete() async throws {
        let created = try await run("create /a hello")
        guard case .created(let path, let stat) = created else { Issue.record("\(created)"); return }
        #expect(path == "/a" && stat.dataLength == 5)
        let got = try await run("get -s /a")
        guard case .data(_, let data, _, let showStat, _) = got else { Issue.record("\(got)"); return }
        #expect(data == Array("hello".utf8) && showStat)
        let set = try await run("set -v 0 /a world")
        guard case .nodeStat(_, let after, false) = set else { Issue.record("\(set)"); return }
        #expect(after.version == 1 && fake.data("/a") == "world")
        #expect(try await run("delete -v 1 /a") == .deleted(path: "/a", count: 1))
        #expect(!fake.has("/a"))
    }

    @Test func sequentialCreateReportsTheNewName() async throws {
        await fake.seed("/q")
        #expect(try await run("create -s /q/n-") == .created(path: "/q/n-0000000000", stat: try #require(await fake.exists("/q/n-0000000000", watch: false))))
    }

    @Test func lsSortsAndUsesGetChildren2() async throws {
        await fake.seed("/p"); await fake.seed("/p/c"); await fake.seed("/p/a"); await fake.seed("/p/b")
        let result = try await run("ls /p")
        guard case .children(_, let children, let stat, false) = result else { Issue.record("\(result)"); return }
        #expect(children == ["a", "b", "c"] && stat.numChildren == 3)
        #expect(fake.callLog() == ["getChildren2 /p"])
    }

    @Test func lsRecursiveIsDepthFirstSorted() async throws {
        for p in ["/r", "/r/b", "/r/a", "/r/a/y", "/r/a/x", "/r/b/z"] { await fake.seed(p) }
        #expect(try await run("ls -R /r") == .subtreePaths(path: "/r", paths: ["/r", "/r/a", "/r/a/x", "/r/a/y", "/r/b", "/r/b/z"]))
        #expect(try await run("ls -R /") == .subtreePaths(path: "/", paths: ["/", "/r", "/r/a", "/r/a/x", "/r/a/y", "/r/b", "/r/b/z"]))
    }

    @Test func deleteAllRemovesDeepestFirst() async throws {
        for p in ["/d", "/d/a", "/d/a/b", "/d/c", "/keep"] { await fake.seed(p) }
        #expect(try await run("deleteall /d") == .deleted(path: "/d", count: 4, recursive: true))
        #expect(!fake.has("/d") && !fake.has("/d/a/b") && fake.has("/keep"))
        #expect(await failure("deleteall /d") == .zookeeper(ZooKeeperError(code: .noNode, path: "/d")))
    }

    @Test func statOfMissingNodeIsNoNode() async throws {
        #expect(await failure("stat /x") == .zookeeper(ZooKeeperError(code: .noNode, path: "/x")))
        await fake.seed("/x", "abc")
        guard case .nodeStat("/x", let stat, true) = try await run("stat /x") else { Issue.record(); return }
        #expect(stat.dataLength == 3)
    }

    @Test func aclCommands() async throws {
        await fake.seed("/s"); await fake.seed("/s/t")
        guard case .nodeStat(_, let stat, true) = try await run("setAcl -s -R /s world:anyone:r,ip:127.0.0.1:cdrwa") else {
            Issue.record(); return
        }
        #expect(stat.aversion == 1)
        let expected = [ACL(perms: .read, id: .anyone), ACL(perms: .all, id: Id(scheme: "ip", id: "127.0.0.1"))]
        #expect(fake.acl("/s") == expected && fake.acl("/s/t") == expected)
        guard case .acl(_, let acl, _, false) = try await run("getAcl /s") else { Issue.record(); return }
        #expect(acl == expected)
        #expect(await failure("setAcl -v 7 /s world:anyone:cdrwa") == .zookeeper(ZooKeeperError(code: .badVersion, path: "/s")))
    }

    @Test func sessionCommands() async throws {
        #expect(try await run("addauth digest alice:secret") == .authAdded(scheme: "digest"))
        guard case .identities(let ids) = try await run("whoami") else { Issue.record(); return }
        #expect(ids.map(\.authScheme) == ["ip", "digest"] && ids.last?.user == "alice")
        #expect(try await run("sync /") == .synced(path: "/"))
        _ = try await run("create -e /e2")
        _ = try await run("create -e /e1")
        #expect(try await run("getEphemerals") == .ephemerals(path: "/", paths: ["/e1", "/e2"]))
        #expect(try await run("getAllChildrenNumber /") == .childCount(path: "/", count: 2))
    }

    @Test func localCommandsDoNotTouchTheClient() async throws {
        #expect(try await run("version") == .version(ShellVersion.string))
        guard case .help(let specs, false) = try await run("help") else { Issue.record(); return }
        #expect(specs.count == CommandTable.all.count)
        #expect(try await run("quit") == .quit)
        #expect(fake.callLog().isEmpty)
    }

    @Test func errorsMapToExitCodes() async {
        #expect(await failure("get /missing")?.exitCode == .zookeeperError)
        await fake.seed("/a")
        #expect(await failure("create /a")?.exitCode == .zookeeperError)
        fake.failNext = ZooKeeperError(code: .connectionLoss)
        #expect(await failure("get /a")?.exitCode == .connection)
        fake.failNext = ZooKeeperError(code: .sessionExpired, path: "/a")
        #expect(await failure("get /a")?.exitCode == .connection)
        #expect(ShellError.usage(UsageError("x")).exitCode == .usage)
    }
}

@Suite struct ShellSessionTests {
    final class Counter: @unchecked Sendable {
        var connects = 0
    }

    @Test func connectsLazilyOnceAndRenders() async {
        let fake = FakeClient()
        let counter = Counter()
        let session = ShellSession(servers: "fake:2181", format: .text) { _ in counter.connects += 1; return fake }
        #expect(await session.run(line: "version").stdout.hasPrefix("ZooKeeper CLI version: "))
        #expect(await session.run(line: "help ls").exitCode == .success)
        #expect(counter.connects == 0)
        #expect(await session.run(line: "create /a x") == LineOutcome(stdout: "Created /a\n"))
        #expect(await session.run(words: ["get", "/a"]) == LineOutcome(stdout: "x\n"))
        #expect(await session.run(line: "get /x") == LineOutcome(stderr: "NoNode: /x\n", exitCode: .zookeeperError))
        #expect(await session.run(line: "get -z /a").exitCode == .usage)
        #expect(await session.run(line: "# nothing") == LineOutcome(skipped: true))
        #expect(await session.run(line: "exit") == LineOutcome(quit: true))
        #expect(counter.connects == 1)
        await session.close()
        #expect(fake.state == .closed)
    }

    @Test func reconnectsAfterTheSessionEnded() async {
        let counter = Counter()
        let clients = [FakeClient(), FakeClient()]
        let session = ShellSession(servers: "fake:2181", format: .text) { _ in counter.connects += 1; return clients[counter.connects - 1] }
        _ = await session.run(line: "ls /")
        await clients[0].close()
        #expect(await session.run(line: "ls /").exitCode == .success)
        #expect(counter.connects == 2)
    }

    @Test func connectionFailureIsExitThree() async {
        let session = ShellSession(servers: "fake:2181", format: .text) { _ in throw ZooKeeperError(code: .connectionLoss) }
        let outcome = await session.run(line: "ls /")
        #expect(outcome.exitCode == .connection)
        #expect(outcome.stderr == "cannot connect: ConnectionLoss\n")
        #expect(await session.run(line: "version").exitCode == .success)
    }

    @Test func jsonFormat() async {
        let fake = FakeClient()
        let session = ShellSession(servers: "fake:2181", format: .json) { _ in fake }
        #expect(await session.run(line: "getAllChildrenNumber /").stdout == "{\"path\":\"/\",\"count\":0}\n")
        #expect(await session.run(line: "get /x").stderr
                == "{\"error\":\"NoNode\",\"code\":-101,\"message\":\"Node does not exist\",\"path\":\"/x\"}\n")
    }

    @Test func scriptStatusKeepsTheLastFailure() {
        var script = ScriptStatus(stopOnConnectionFailure: true)
        var keep: Bool
        keep = script.record(LineOutcome()); #expect(keep)
        keep = script.record(LineOutcome(exitCode: .usage)); #expect(keep)
        keep = script.record(LineOutcome(exitCode: .zookeeperError)); #expect(keep)
        keep = script.record(LineOutcome()); #expect(keep)
        keep = script.record(LineOutcome(skipped: true)); #expect(keep)
        #expect(script.status == .zookeeperError)
        keep = script.record(LineOutcome(exitCode: .connection)); #expect(!keep)
        #expect(script.status == .connection)
        var repl = ScriptStatus(stopOnConnectionFailure: false)
        keep = repl.record(LineOutcome(exitCode: .connection)); #expect(keep)
        keep = repl.record(LineOutcome(quit: true)); #expect(!keep)
        #expect(repl.status == .connection)
    }
}

@Suite struct SubtreeCommandTests {
    let fake = FakeClient()

    func session(_ format: OutputFormat = .text) -> ShellSession {
        let fake = self.fake
        return ShellSession(servers: "fake:2181", format: format) { _ in fake }
    }

    /// What a line prints on stdout: the lines a walk streamed while it ran, then the result.
    func printed(_ line: String, _ format: OutputFormat = .text) async -> String {
        let fake = self.fake, streamed = LinesBox()
        let shell = ShellSession(servers: "fake:2181", format: format, sink: { text, stream in
            if stream == .stdout { streamed.append(text) }
        }) { _ in fake }
        let outcome = await shell.run(line: line)
        return streamed.all.joined() + outcome.stdout
    }

    func seedTree() async {
        for (path, data) in [("/t", "root"), ("/t/a", "alpha"), ("/t/a/x", "needle here"), ("/t/b", ""), ("/t/lock-1", "")] {
            await fake.seed(path, data)
        }
    }

    @Test func cdPwdAndRelativePaths() async {
        await seedTree()
        let shell = session()
        #expect(await shell.run(line: "cd /t/a") == LineOutcome())
        #expect(await shell.run(line: "pwd").stdout == "/t/a\n")
        #expect(await shell.run(line: "get x").stdout == "needle here\n")
        #expect(await shell.run(line: "ls ..").stdout == "[a, b, lock-1]\n")
        #expect(await shell.run(line: "cd nosuch") == LineOutcome(stderr: "NoNode: /t/a/nosuch\n", exitCode: .zookeeperError))
        #expect(await shell.run(line: "pwd").stdout == "/t/a\n")
        #expect(await shell.run(line: "cd ..") == LineOutcome())
        #expect(await shell.promptState().cwd == "/t")
    }

    @Test func treeDrawsBranchesAndCounts() async {
        await seedTree()
        #expect(await printed("tree /t") == """
            /t
            ├── a
            │   └── x
            ├── b
            └── lock-1
            5 nodes, 20 bytes

            """)
        #expect(await printed("tree -d 1 /t").contains("├── a  [1 child]\n"))
    }

    @Test func findAndGrep() async {
        await seedTree()
        #expect(await printed("find -n 'lock-*' /t") == "/t/lock-1\n")
        #expect(await printed("find -d 1 /t") == "/t\n/t/a\n/t/b\n/t/lock-1\n")
        #expect(await printed("grep -i NEEDLE /t") == "/t/a/x: needle here\n")
        #expect(await printed("grep -l '^al' /t") == "/t/a\n")
    }

    @Test func copyMoveExportImport() async {
        await seedTree()
        let shell = session()
        #expect(await shell.run(line: "cp /t /c") == LineOutcome(stdout: "copied 5 nodes from /t to /c (one atomic multi)\n"))
        #expect(fake.data("/c/a/x") == "needle here")
        #expect(await shell.run(line: "mv /c /m") == LineOutcome(stdout: "moved 5 nodes from /c to /m (one atomic multi)\n"))
        #expect(!fake.has("/c") && fake.data("/m/a") == "alpha")
        let exported = await session(.json).run(line: "export /t").stdout
        #expect(exported.contains("\"format\":\"zkcli-export\""))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zkcli-export-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(await shell.run(line: "export -o \(file) /t") == LineOutcome())
        #expect(await shell.run(line: "import -f \(file) /copy") == LineOutcome(stdout: "imported into /copy: created 5, updated 0\n"))
        #expect(fake.data("/copy/a/x") == "needle here" && fake.data("/copy") == "root")
        #expect(await shell.run(line: "import -f \(file) /copy").exitCode == .zookeeperError)  // NodeExists
        await fake.seed("/copy/a/x", "changed")
        _ = try? await fake.setData("/copy/a/x", data: Array("changed".utf8), version: -1)
        #expect(await session(.json).run(line: "import -u -f \(file) /copy").stdout == "{\"path\":\"/copy\",\"created\":0,\"updated\":5,\"atomic\":false}\n")
        #expect(fake.data("/copy/a/x") == "needle here")
    }

    @Test func historyAndRedo() async {
        await seedTree()
        let shell = session()
        _ = await shell.run(line: "cd /t")
        _ = await shell.run(line: "get a")
        #expect(await shell.run(line: "history").stdout == "0 - cd /t\n1 - get a\n2 - history\n")
        for _ in 0..<12 { _ = await shell.run(line: "pwd") }
        // The current command and the ten before it, as zkCli.sh lists them.
        let listed = await shell.run(line: "history").stdout.split(separator: "\n")
        #expect(listed.count == 11 && listed.first == "5 - pwd" && listed.last == "15 - history")
        #expect(await shell.run(line: "printwatches off").stdout == "")
        #expect(await shell.run(line: "printwatches").stdout == "printwatches is off\n")
        #expect(await shell.run(line: "redo 1").stdout == "alpha\n")
        #expect(await shell.run(line: "redo 99").exitCode == .usage)
    }

    @Test func quotasAreZkCliNodes() async {
        await seedTree()
        await fake.seed("/zookeeper"); await fake.seed("/zookeeper/quota")
        let shell = session()
        #expect(await shell.run(line: "setquota -n 10 /t/a") == LineOutcome())
        // As zkCli.sh 3.8 writes them: all four limits on a new quota.
        #expect(fake.data("/zookeeper/quota/t/a/zookeeper_limits") == "count=10,bytes=-1=;byteHardLimit=-1;countHardLimit=-1")
        #expect(await shell.run(line: "setquota -B 99 /t/a") == LineOutcome())
        #expect(fake.data("/zookeeper/quota/t/a/zookeeper_limits") == "count=10,bytes=-1=;byteHardLimit=99;countHardLimit=-1")
        #expect(await shell.run(line: "setquota -n 1 /t").stderr.contains("has a child /t/a which has a quota"))
        #expect(await shell.run(line: "setquota -n 1 /t/a/x").stderr.contains("has a parent /t/a which has a quota"))
        #expect(await shell.run(line: "listquota /t/a").stdout == """
            absolute path is /zookeeper/quota/t/a/zookeeper_limits
            Output quota for /t/a count=10,bytes=-1=;byteHardLimit=99;countHardLimit=-1
            Output stat for /t/a count=0,bytes=0

            """)
        #expect(await shell.run(line: "delquota -n /t/a") == LineOutcome())
        #expect(fake.data("/zookeeper/quota/t/a/zookeeper_limits") == "count=-1,bytes=-1=;byteHardLimit=99;countHardLimit=-1")
        // A 3.4-era limits node keeps its two fields when listed.
        _ = try? await fake.setData("/zookeeper/quota/t/a/zookeeper_limits", data: Array("count=5,bytes=7".utf8), version: -1)
        #expect(await shell.run(line: "listquota /t/a").stdout.contains("Output quota for /t/a count=5,bytes=7\n"))
        #expect(await shell.run(line: "delquota /t/a") == LineOutcome())
        #expect(!fake.has("/zookeeper/quota/t/a"))
        #expect(await shell.run(line: "listquota /t/a").stdout
                == "absolute path is /zookeeper/quota/t/a/zookeeper_limits\nquota for /t/a does not exist.\n")
    }

    @Test func watchInAScriptStreamsUntilTheCount() async throws {
        await seedTree()
        let lines = LinesBox()
        let fake = self.fake
        let shell = ShellSession(servers: "fake:2181", format: .text, sink: { text, stream in
            lines.append(stream == .stdout ? text : "stderr: " + text)
        }) { _ in fake }
        let watcher = Task { await shell.run(line: "watch -R -c 2 /t") }
        while !fake.callLog().contains(where: { $0.hasPrefix("addWatch /t") }) { await Task.yield() }
        fake.deliver(.watch(type: .nodeDataChanged, state: .syncConnected, path: "/other"))
        fake.deliver(.watch(type: .nodeDataChanged, state: .syncConnected, path: "/t/a"))
        fake.deliver(.watch(type: .nodeCreated, state: .syncConnected, path: "/t/new"))
        #expect(await watcher.value == LineOutcome())
        // Events outside the stream are zkCli.sh's WATCHER blocks, on stderr in a script.
        #expect(lines.all.filter { !$0.hasPrefix("stderr: ") } == ["NodeDataChanged /t/a\n", "NodeCreated /t/new\n"])
        #expect(lines.all.contains { $0.hasPrefix("stderr: ") && $0.contains("path:/other") })
    }

    @Test func fourLetterWordsGoToTheNamedServerOrAll() async {
        let fake = self.fake
        fake.config = Array("server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\nserver.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182\nversion=100000000".utf8)
        let asked = LinesBox()
        let shell = ShellSession(servers: "127.0.0.1:2181", format: .text, adminSender: { word, server in
            asked.append("\(word)@\(server)")
            return word == "srvr" ? "Zxid: 0x100000002\nMode: follower\nNode count: 7\nConnections: 1\nOutstanding: 0\n" : "imok"
        }) { _ in fake }
        #expect(await shell.run(line: "ruok 10.0.0.1:2181").stdout == "imok\n")
        _ = await shell.run(line: "ls /")
        #expect(await shell.run(line: "4lw -a ruok").stdout == """
                  127.0.0.1:2181  127.0.0.1:2182
            ruok  imok            imok

            """)
        let ensemble = await shell.run(line: "ensemble").stdout
        #expect(ensemble.contains("127.0.0.1:2182  follower  0x100000002  1"))
        #expect(asked.all.contains("ruok@10.0.0.1:2181"))
        // Nobody answering is a connection failure: exit 3, the reason on stderr.
        let down = ShellSession(servers: "127.0.0.1:2181", format: .text, adminSender: { _, _ in
            throw FourLetterWordQuery.Failure.connection("refused")
        }) { _ in fake }
        let outcome = await down.run(line: "ruok 127.0.0.1:1")
        #expect(outcome.exitCode == .connection && outcome.stdout.isEmpty && outcome.stderr.contains("refused"))
        #expect(await down.run(line: "ensemble").exitCode == .connection)
    }
}

final class LinesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
