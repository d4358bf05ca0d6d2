import Foundation
import Testing
import ZKTestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built zkcli against the built zkserver, as separate processes. Skipped unless both binaries exist
/// (`swift build --product zkserver --product zkcli`). Every wait is bounded and the server is always killed.
@Suite struct EndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let server = root.appendingPathComponent(".build/debug/zkserver").path
    static let cli = root.appendingPathComponent(".build/debug/zkcli").path
    static var binariesPresent: Bool {
        FileManager.default.isExecutableFile(atPath: server) && FileManager.default.isExecutableFile(atPath: cli)
    }

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    @Test(.enabled(if: binariesPresent, "needs .build/debug/zkserver and .build/debug/zkcli"),
          .timeLimit(.minutes(1)))
    func crudAgainstRealServer() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zkcli-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = try Loopback.freePort()
        let config = dir.appendingPathComponent("zoo.cfg")
        try """
            tickTime=2000
            dataDir=\(dir.appendingPathComponent("data").path)
            clientPort=\(port)
            clientPortAddress=127.0.0.1
            admin.enableServer=false

            """.write(to: config, atomically: true, encoding: .utf8)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.server)
        server.arguments = [config.path]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { Self.stop(server) }
        try await Loopback.waitForListening(port: port, deadline: .now + .seconds(15))

        let target = "127.0.0.1:\(port)"
        func cli(_ args: [String], stdin: String? = nil) async throws -> Run {
            try await Self.run(Self.cli, ["-server", target, "-timeout", "5000"] + args, stdin: stdin)
        }

        let create = try await cli(["create", "/e2e", "hello world"])
        #expect(create.status == 0 && create.stdout == "Created /e2e\n" && create.stderr == "", "\(create)")
        let get = try await cli(["get", "/e2e"])
        #expect(get.status == 0 && get.stdout == "hello world\n", "\(get)")
        let getStat = try await cli(["get", "-s", "/e2e"])
        #expect(getStat.stdout.contains("\ndataLength = 11\n") && getStat.stdout.contains("\nctime = "), "\(getStat)")
        let ls = try await cli(["ls", "/"])
        #expect(ls.status == 0 && ls.stdout == "[e2e, zookeeper]\n", "\(ls)")
        let json = try await cli(["--json", "get", "/e2e"])
        #expect(json.stdout.hasPrefix("{\"path\":\"/e2e\",\"data\":\"hello world\",\"encoding\":\"utf-8\",\"stat\":{\"czxid\":"), "\(json)")
        let delete = try await cli(["delete", "/e2e"])
        #expect(delete.status == 0 && delete.stdout == "" && delete.stderr == "", "\(delete)")

        let missing = try await cli(["get", "/x"])
        #expect(missing.status == 1 && missing.stdout == "" && missing.stderr == "NoNode: /x\n", "\(missing)")

        // A script on stdin: every line runs, the exit status is the last failure's.
        let script = try await cli([], stdin: "create /s a\nget /nope\nget /s\ndelete /s\nbogus\nls /\n")
        #expect(script.status == 2, "\(script)")
        #expect(script.stdout == "Created /s\na\n[zookeeper]\n", "\(script)")
        #expect(script.stderr.hasPrefix("<stdin>:2: NoNode: /nope\n<stdin>:5: Command not found: bogus"), "\(script)")
    }

    // MARK: - Process plumbing

    static func run(_ executable: String, _ arguments: [String], stdin: String?) async throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { stop(process) }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return Run(status: process.isRunning ? -1 : process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// SIGTERM, up to 5 s, then SIGKILL, then up to 5 s more.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        var waited = 0
        while process.isRunning && waited < 500 { usleep(10_000); waited += 1 }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        waited = 0
        while process.isRunning && waited < 500 { usleep(10_000); waited += 1 }
    }
}
