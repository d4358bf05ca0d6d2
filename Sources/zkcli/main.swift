#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ZKClient
import ZKShell

// zkcli: the I/O around ZKShell. Parsing, execution, rendering and the exit-status policy live there.

signal(SIGPIPE, SIG_IGN)
// Before any libedit call: its key map is built for the locale it first sees, and znode names are UTF-8
// whatever the environment says.
Terminal.useUTF8()

var invocation: Invocation
do {
    let configPath = environmentValue("ZKCLI_CONFIG") ?? environmentValue("HOME").map { $0 + "/.zkclirc" }
    var environment: [String: String] = [:]
    if let hosts = environmentValue("ZOOKEEPER_HOSTS") { environment["ZOOKEEPER_HOSTS"] = hosts }
    invocation = try Invocation(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment,
                                configFile: configPath.flatMap(readTextFile), configPath: configPath ?? "config file")
    if let path = invocation.clientConfigurationFile {
        guard let text = readTextFile(path) else { throw UsageError("cannot read the client configuration \(path)") }
        try invocation.applyClientConfiguration(text, path: path)
    }
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
if invocation.showVersion {
    emit(LineOutcome(stdout: ShellVersion.program + "\n"))
    exit(0)
}

let settings = invocation
let interactive = invocation.command.isEmpty && invocation.scriptFile == nil && isatty(STDIN_FILENO) != 0
let connector: ShellSession.Connector = { servers in
    if settings.verbose { writeAll(STDERR_FILENO, "Connecting to \(servers)\n") }
    var configuration = ZooKeeperClient.Configuration(connectString: servers,
                                                      sessionTimeout: .milliseconds(settings.timeoutMs),
                                                      readOnly: settings.readOnly)
    // -timeout bounds the whole attempt, as the man page says; each failure is told at a prompt.
    configuration.firstSessionTimeout = .milliseconds(settings.timeoutMs)
    configuration.sasl = settings.sasl
    configuration.tls = settings.tls
    if interactive || settings.verbose {
        let told = ToldOnce()
        configuration.onConnectFailure = { attempt in
            guard told.first(attempt.description) else { return }
            let line = "\(attempt): retrying until \(settings.timeoutMs) ms have passed\n"
            if interactive { Wakeup.enqueue(line, .stderr) } else { writeAll(STDERR_FILENO, line) }
        }
    }
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

if interactive { Wakeup.install() } else { Terminal.exitWhenStdoutCloses() }
let session = ShellSession(servers: invocation.server, format: invocation.format, interactive: interactive,
                           style: Terminal.style(wide: invocation.wide),
                           confirm: interactive ? Confirmation.ask : nil,
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

var status = ScriptStatus(stopOnConnectionFailure: !interactive, stopOnError: invocation.stopOnError)
if interactive {
    writeAll(STDERR_FILENO, "Connecting to \(invocation.server) (giving up after \(invocation.timeoutMs) ms)...\n")
    let connected = await session.connect()
    Wakeup.flushOutput()
    Repl.show(connected)
    status = await Repl.run(session: session, stopOnError: invocation.stopOnError)
} else {
    let fromFile = invocation.scriptFile.flatMap { $0 == "-" ? nil : $0 }
    var lines: [Substring] = []
    if let file = fromFile {
        guard let text = readTextFile(file) else {
            emit(LineOutcome(stderr: "cannot read \(file): \(String(cString: strerror(errno)))\n"))
            exit(ExitCode.usage.rawValue)
        }
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
    }
    var number = 0
    while true {
        let line: String
        if fromFile != nil {
            guard number < lines.count else { break }
            line = String(lines[number])
        } else {
            guard let next = readLine(strippingNewline: true) else { break }
            line = next
        }
        number += 1
        let outcome = await session.run(line: line, location: ScriptLocation(file: fromFile ?? "<stdin>", line: number))
        emit(outcome)
        if !status.record(outcome) { break }
    }
}
await session.close()
exit(status.status.rawValue)
