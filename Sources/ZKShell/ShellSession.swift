import ZKClient
import ZKProtocol

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
    public private(set) var servers: String
    public private(set) var cwd = "/"
    var client: (any ShellClient)?
    var eventPump: Task<Void, Never>?
    var history: [HistoryEntry] = []
    var printWatches = true
    /// Background `watch` streams by path.
    var streams: [String: (recursive: Bool, task: Task<Void, Never>)] = [:]

    public init(servers: String, format: OutputFormat, interactive: Bool = false,
                adminSender: @escaping AdminQueries.Sender = AdminQueries.defaultSender,
                sink: @escaping Sink = { _, _ in }, connector: @escaping Connector) {
        self.servers = servers
        self.format = format
        self.interactive = interactive
        self.adminSender = adminSender
        self.sink = sink
        self.connector = connector
    }

    /// A line as typed (REPL or script). Lines that ran are numbered in the history for `redo`.
    public func run(line: String) async -> LineOutcome {
        let command: Command?
        do { command = try Parser.parse(line: line, cwd: cwd) } catch { return failure(.usage(error)) }
        guard let command else { return LineOutcome(skipped: true) }
        if case .redo = command {} else { history.append(HistoryEntry(number: history.count, line: line)) }
        return await run(command)
    }

    /// Words already split by the invoking shell (one-shot mode).
    public func run(words: [String]) async -> LineOutcome {
        do { return await run(try Parser.parse(words, cwd: cwd)) } catch { return failure(.usage(error)) }
    }

    public func run(_ command: Command) async -> LineOutcome {
        if case .redo(let number) = command {
            guard let entry = history.first(where: { $0.number == number }) else {
                return failure(.usage(UsageError("redo: no command \(number) in history")))
            }
            return await run(line: entry.line)
        }
        do {
            let result = try await result(of: command)
            return LineOutcome(stdout: render(result), quit: command == .quit)
        } catch {
            return failure(error)
        }
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
        case .watch(let path, let recursive, let count):
            return try await watch(path, recursive: recursive, count: count)
        case .unwatch(let path):
            return await unwatch(path)
        case .fourLetterWord(let word, let server, let all):
            let answers = await AdminQueries.ask(word, servers: try await adminTargets(server, all: all), sender: adminSender)
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
        default:
            return try await Executor(client: try await session()).execute(command)
        }
    }

    func render(_ result: CommandResult) -> String {
        format == .json ? JSONRenderer.render(result) : TextRenderer.render(result)
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
        } catch let error as ZooKeeperError {
            // Whatever code the client gives up with, failing to get a session is a connection failure.
            throw .connection("cannot connect: \(error.description)")
        } catch {
            throw .connection("cannot connect: \(error)")
        }
    }

    func failure(_ error: ShellError) -> LineOutcome {
        let text = format == .json ? JSONRenderer.render(error) : TextRenderer.render(error)
        return LineOutcome(stderr: text, exitCode: error.exitCode)
    }
}
