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

func environmentValue(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

let invocation: Invocation
do {
    let configPath = environmentValue("ZKCLI_CONFIG") ?? environmentValue("HOME").map { $0 + "/.zkclirc" }
    var environment: [String: String] = [:]
    if let hosts = environmentValue("ZOOKEEPER_HOSTS") { environment["ZOOKEEPER_HOSTS"] = hosts }
    invocation = try Invocation(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment,
                                configFile: configPath.flatMap(readTextFile))
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
let connector: ShellSession.Connector = { servers in
    if settings.verbose { writeAll(STDERR_FILENO, "Connecting to \(servers)\n") }
    let configuration = ZooKeeperClient.Configuration(connectString: servers,
                                                      sessionTimeout: .milliseconds(settings.timeoutMs),
                                                      readOnly: settings.readOnly)
    let client = try await ZooKeeperClient.connect(configuration)
    for credential in settings.auth {
        try await client.addAuth(scheme: credential.scheme, auth: Array(credential.credential.utf8))
    }
    if settings.verbose {
        let id = String(UInt64(bitPattern: client.sessionId), radix: 16)
        writeAll(STDERR_FILENO, "Connected to \(client.connectedHost ?? "?"), session 0x\(id), timeout \(client.negotiatedSessionTimeout) ms\n")
    }
    return client
}

if let line = invocation.completeLine {
    exit(await CompletionRequest.run(line: line, servers: invocation.server, connector: connector))
}

let interactive = invocation.command.isEmpty && invocation.scriptFile == nil && isatty(STDIN_FILENO) != 0
if interactive { Wakeup.install() }
let session = ShellSession(servers: invocation.server, format: invocation.format, interactive: interactive,
                           sink: { text, stream in
                               if interactive { Wakeup.enqueue(text, stream) } else { writeAll(stream == .stdout ? STDOUT_FILENO : STDERR_FILENO, text) }
                           },
                           connector: connector)

if !invocation.command.isEmpty {
    let outcome = await session.run(words: invocation.command)
    emit(outcome)
    await session.close()
    exit(outcome.exitCode.rawValue)
}

var status = ScriptStatus(stopOnConnectionFailure: !interactive)
if interactive {
    emit(await session.connect())
    status = await Repl.run(session: session)
} else {
    var lines: [Substring] = []
    if let file = invocation.scriptFile {
        guard let text = readTextFile(file) else {
            emit(LineOutcome(stderr: "cannot read \(file): \(String(cString: strerror(errno)))\n"))
            exit(ExitCode.usage.rawValue)
        }
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }
    var index = 0
    while true {
        let line: String
        if invocation.scriptFile != nil {
            guard index < lines.count else { break }
            line = String(lines[index]); index += 1
        } else {
            guard let next = readLine(strippingNewline: true) else { break }
            line = next
        }
        let outcome = await session.run(line: line)
        emit(outcome)
        if !status.record(outcome) { break }
    }
}
await session.close()
exit(status.status.rawValue)
