#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ZKClient
import ZKShell

// zkcli: the I/O around ZKShell. Parsing, execution, rendering and the exit-status policy live there.

signal(SIGPIPE, SIG_IGN)

/// Unbuffered, so results, errors and the prompt interleave as they happen.
func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }  // EPIPE and the like: nobody is reading
        bytes = bytes.dropFirst(written)
    }
}

func emit(_ outcome: LineOutcome) {
    writeAll(STDOUT_FILENO, outcome.stdout)
    writeAll(STDERR_FILENO, outcome.stderr)
}

func environment() -> [String: String] {
    var result: [String: String] = [:]
    if let hosts = getenv("ZOOKEEPER_HOSTS") { result["ZOOKEEPER_HOSTS"] = String(cString: hosts) }
    return result
}

let invocation: Invocation
do {
    invocation = try Invocation(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment())
    _ = try ConnectString(parsing: invocation.server)
} catch let error as UsageError {
    emit(LineOutcome(stderr: TextRenderer.render(ShellError.usage(error))))
    exit(ExitCode.usage.rawValue)
} catch {
    emit(LineOutcome(stderr: "invalid server list: \(error)\nusage: \(Invocation.usage)\n"))
    exit(ExitCode.usage.rawValue)
}
if invocation.showHelp {
    emit(LineOutcome(stdout: Invocation.helpText + "\n"))
    exit(0)
}

let settings = invocation
let session = ShellSession(format: invocation.format) {
    if settings.verbose { writeAll(STDERR_FILENO, "Connecting to \(settings.server)\n") }
    let configuration = ZooKeeperClient.Configuration(connectString: settings.server,
                                                      sessionTimeout: .milliseconds(settings.timeoutMs),
                                                      readOnly: settings.readOnly)
    let client = try await ZooKeeperClient.connect(configuration)
    if settings.verbose {
        let id = String(UInt64(bitPattern: client.sessionId), radix: 16)
        writeAll(STDERR_FILENO, "Connected to \(client.connectedHost ?? "?"), session 0x\(id), timeout \(client.negotiatedSessionTimeout) ms\n")
    }
    return client
}

if !invocation.command.isEmpty {
    let outcome = await session.run(words: invocation.command)
    emit(outcome)
    await session.close()
    exit(outcome.exitCode.rawValue)
}

let interactive = isatty(STDIN_FILENO) != 0
var status = ScriptStatus(stopOnConnectionFailure: !interactive)
if interactive {
    emit(await session.connect())
    // Ctrl-C must not take the shell down with it (zkCli.sh 3.8's complaint); Ctrl-D or quit leaves.
    signal(SIGINT, SIG_IGN)
    LineEditor.start(session: session)
    while true {
        let (host, state) = await session.promptState()
        guard let line = LineEditor.readLine(prompt: "[zk: \(host ?? invocation.server)(\(state)) /] ") else {
            writeAll(STDOUT_FILENO, "\n")
            break
        }
        let outcome = await session.run(line: line)
        emit(outcome)
        if !status.record(outcome) { break }
    }
} else {
    while let line = readLine(strippingNewline: true) {
        let outcome = await session.run(line: line)
        emit(outcome)
        if !status.record(outcome) { break }
    }
}
await session.close()
exit(status.status.rawValue)
