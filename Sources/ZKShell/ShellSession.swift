import ZKClient
import ZKProtocol

/// Where a script line came from, for its error messages: "s.zk:3", "<stdin>:3".
public struct ScriptLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) { self.file = file; self.line = line }

    public var description: String { "\(file):\(line)" }
}

public enum OutputFormat: Sendable, Hashable {
    case text, json
}

/// Where a piece of output goes.
public enum OutputStream: Sendable, Hashable {
    case stdout, stderr
}

/// The outcome of one line or one command: what to write where, and the status it contributes.
public struct LineOutcome: Sendable, Hashable {
    public var stdout: String = ""
    public var stderr: String = ""
    public var exitCode: ExitCode = .success
    /// The user asked to leave (quit/exit).
    public var quit: Bool = false
    /// Nothing ran (blank line or comment); the line does not count for the exit status.
    public var skipped: Bool = false

    public init(stdout: String = "", stderr: String = "", exitCode: ExitCode = .success, quit: Bool = false, skipped: Bool = false) {
        self.stdout = stdout; self.stderr = stderr; self.exitCode = exitCode; self.quit = quit; self.skipped = skipped
    }
}

/// Parse -> execute -> render for one line at a time, with the shell's own state: the current node, the
/// history, the server list, streaming watches. The session opens on first need (so `help` never
/// connects) and reopens after it ended for good (expired, auth failed, closed).
public actor ShellSession {
    public typealias Connector = @Sendable (_ servers: String) async throws -> any ShellClient
    /// Output that arrives outside a command's reply: watch events, session state changes.
    public typealias Sink = @Sendable (_ text: String, _ stream: OutputStream) -> Void

    let format: OutputFormat
    let connector: Connector
    let sink: Sink
    /// At a prompt: `watch` streams in the background and events go to the terminal; in scripts `watch`
    /// blocks and other events go to stderr.
    let interactive: Bool
    let adminSender: AdminQueries.Sender
    /// Asks the user at a prompt before a large change; nil in scripts.
    let confirm: CommandIO.Confirm?
    public let style: TextStyle
    public private(set) var servers: String
    public private(set) var cwd = "/"
    var client: (any ShellClient)?
    var eventPump: Task<Void, Never>?
    var history: [HistoryEntry] = []
    var printWatches = true
    /// Background `watch` streams by path.
    var streams: [String: (recursive: Bool, task: Task<Void, Never>)] = [:]
    /// While `top` runs: its rates and order, and the last frame shown (redrawn when the order changes).
    var topView: TopView?
    var lastTopFrame: TopFrame?
    /// Paths whose watches the shell removed itself: the client's WatchRemoved event for them is not news.
    var quietRemovals: [String: Int] = [:]

    public init(servers: String, format: OutputFormat, interactive: Bool = false, style: TextStyle = .plain,
                adminSender: @escaping AdminQueries.Sender = AdminQueries.defaultSender,
                confirm: CommandIO.Confirm? = nil,
                sink: @escaping Sink = { _, _ in }, connector: @escaping Connector) {
        self.servers = servers
        self.format = format
        self.interactive = interactive
        self.style = style
        self.adminSender = adminSender
        self.confirm = confirm
        self.sink = sink
        self.connector = connector
    }

    /// A line as typed (REPL or script). Lines that ran are numbered in the history for `redo`. A script
    /// line's errors start with its `location` ("s.zk:3: NoNode: /x").
    public func run(line: String, location: ScriptLocation? = nil) async -> LineOutcome {
        let command: Command?
        do { command = try Parser.parse(line: line, cwd: cwd) } catch { return failure(.usage(error), at: location) }
        guard let command else { return LineOutcome(skipped: true) }
        if case .redo = command {} else { history.append(HistoryEntry(number: history.count, line: line)) }
        return await run(command, location: location)
    }

    /// Words already split by the invoking shell (one-shot mode).
    public func run(words: [String]) async -> LineOutcome {
        do { return await run(try Parser.parse(words, cwd: cwd)) } catch { return failure(.usage(error)) }
    }

    public func run(_ command: Command, location: ScriptLocation? = nil) async -> LineOutcome {
        if case .redo(let number) = command {
            guard let entry = history.first(where: { $0.number == number }) else {
                return failure(.usage(UsageError("redo: no command \(number) in history")), at: location)
            }
            return await run(line: entry.line, location: location)
        }
        do {
            let result = try await result(of: command)
            var outcome = LineOutcome(stdout: render(result), exitCode: result.exitCode, quit: command == .quit)
            // Some members did not answer: the others' answers are printed, and the status says a server is down.
            let down = result.unansweredServers
            if !down.isEmpty {
                outcome.exitCode = .connection
                if format == .text { outcome.stderr = down.map { $0 + "\n" }.joined() }
            }
            return outcome
        } catch {
            return failure(error, at: location)
        }
    }

    /// What a running command may print and ask besides its result.
    var io: CommandIO {
        let sink = self.sink, interactive = self.interactive
        return CommandIO(format: format, stream: { sink($0, .stdout) }, notice: { sink($0, .stderr) },
                         confirm: interactive ? confirm : nil)
    }

    func result(of command: Command) async throws(ShellError) -> CommandResult {
        if let local = Executor.local(command) { return local }
        switch command {
        case .pwd:
            return .currentNode(cwd)
        case .cd(let path):
            do {
                guard try await session().exists(path, watch: false) != nil else { throw ZooKeeperError(code: .noNode, path: path) }
            } catch { throw ShellError.from(error) }
            cwd = path
            return .done(command: "cd", path: path)
        case .history:
            // zkCli.sh lists the current command and the ten before it.
            let newest = history.last?.number ?? 0
            return .history(history.filter { $0.number >= newest - 10 })
        case .printWatches(let on):
            if let on { printWatches = on }
            return .printWatches(printWatches, queried: on == nil)
        case .close:
            await closeSession()
            return .done(command: "close", path: nil)
        case .connect(let servers):
            if let servers {
                do { _ = try ConnectString(parsing: servers) } catch {
                    throw .usage(UsageError("connect: invalid server list \(servers): \(error)"))
                }
                self.servers = servers
            }
            await closeSession()
            _ = try await session()
            return .done(command: "connect", path: nil)
        case .watch(let path, let recursive, let count, let withData):
            return try await watch(path, recursive: recursive, count: count, withData: withData)
        case .unwatch(let path):
            return await unwatch(path)
        case .fourLetterWord(let word, let argument, let server, let all):
            let answers = await AdminQueries.ask(AdminQueries.request(word, argument: argument),
                                                 servers: try await adminTargets(server, all: all), sender: adminSender)
            // No server answered: that is a connection failure (exit 3), not a result.
            if answers.allSatisfy({ $0.text == nil }) {
                throw .connection(answers.map { "\($0.server): \($0.error ?? "no answer")" }.joined(separator: "\n"))
            }
            return .fourLetterWord(word: word, answers: answers)
        case .ensemble:
            let members = await AdminQueries.ensemble(try await adminTargets(nil, all: true), sender: adminSender)
            if members.allSatisfy({ $0.mode == nil }) {
                throw .connection(members.map { "\($0.server): \($0.error ?? "no answer")" }.joined(separator: "\n"))
            }
            return .ensemble(members)
        case .top(let interval, let count):
            return try await top(intervalMs: interval, count: count)
        default:
            return try await Executor(client: try await session(), io: io, connector: connector).execute(command)
        }
    }

    func render(_ result: CommandResult) -> String {
        format == .json ? JSONRenderer.render(result) : TextRenderer.render(result, style: style)
    }

    /// Opens the session now (the REPL does so up front so that its prompt shows the state).
    public func connect() async -> LineOutcome {
        do { _ = try await session(); return LineOutcome() } catch { return failure(error) }
    }

    /// The server list and the session state, for the prompt.
    public func promptState() -> (host: String, state: String, cwd: String) {
        guard let client else { return (servers, "NOT_CONNECTED", cwd) }
        return (client.connectedHost ?? servers, client.state.description, cwd)
    }

    /// Children of `path` for tab completion: only over an open session, and empty on any error.
    public func childrenForCompletion(_ path: String) async -> [String] {
        guard let client else { return [] }
        return (try? await client.getChildren(path, watch: false)) ?? []
    }

    /// Whether `path` has children, for completion (a "/" follows such a node).
    public func hasChildrenForCompletion(_ path: String) async -> Bool {
        guard let client, let stat = try? await client.exists(path, watch: false) else { return false }
        return stat.numChildren > 0
    }

    public func close() async {
        for (_, stream) in streams { stream.task.cancel() }
        streams = [:]
        await closeSession()
    }

    func closeSession() async {
        eventPump?.cancel()
        eventPump = nil
        if let client { await client.close() }
        client = nil
    }

    func session() async throws(ShellError) -> any ShellClient {
        if let client, !client.state.isTerminal { return client }
        await closeSession()
        do {
            let fresh = try await connector(servers)
            client = fresh
            startEventPump(fresh)
            return fresh
        } catch let error as ShellError {
            throw error
        } catch let error as UsageError {
            throw .usage(error)
        } catch let error as ConnectError {
            throw .connection(error.description)
        } catch let error as ZooKeeperError {
            // Whatever code the client gives up with, failing to get a session is a connection failure.
            throw .connection("cannot connect: \(error.description)")
        } catch {
            throw .connection("cannot connect: \(error)")
        }
    }

    func failure(_ error: ShellError, at location: ScriptLocation? = nil) -> LineOutcome {
        let text = format == .json ? JSONRenderer.render(error, at: location) : TextRenderer.render(error, at: location, style: style)
        return LineOutcome(stderr: text, exitCode: error.exitCode)
    }
}
