import ZKClient
import ZKProtocol

public enum OutputFormat: Sendable, Hashable {
    case text, json
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

/// Parse -> execute -> render for one line at a time, with the session opened on first need (so `help` and
/// `version` never connect) and reopened after it ended for good (expired, auth failed, closed).
public actor ShellSession {
    public typealias Connector = @Sendable () async throws -> any ShellClient

    let format: OutputFormat
    let connector: Connector
    var client: (any ShellClient)?

    public init(format: OutputFormat, connector: @escaping Connector) {
        self.format = format
        self.connector = connector
    }

    /// A line as typed (REPL or script).
    public func run(line: String) async -> LineOutcome {
        let command: Command?
        do { command = try Parser.parse(line: line) } catch { return failure(.usage(error)) }
        guard let command else { return LineOutcome(skipped: true) }
        return await run(command)
    }

    /// Words already split by the invoking shell (one-shot mode).
    public func run(words: [String]) async -> LineOutcome {
        do { return await run(try Parser.parse(words)) } catch { return failure(.usage(error)) }
    }

    public func run(_ command: Command) async -> LineOutcome {
        do {
            let result: CommandResult
            if let local = Executor.local(command) {
                result = local
            } else {
                result = try await Executor(client: try await session()).execute(command)
            }
            let text = format == .json ? JSONRenderer.render(result) : TextRenderer.render(result)
            return LineOutcome(stdout: text, quit: command == .quit)
        } catch {
            return failure(error)
        }
    }

    /// Opens the session now (the REPL does so up front so that its prompt shows the state).
    public func connect() async -> LineOutcome {
        do { _ = try await session(); return LineOutcome() } catch { return failure(error) }
    }

    /// "host:port" and the session state, for the prompt; nil host before any connection.
    public func promptState() -> (host: String?, state: String) {
        guard let client else { return (nil, "NOT_CONNECTED") }
        return (client.connectedHost, client.state.description)
    }

    /// Children of `path` for tab completion: only over an open session, and empty on any error.
    public func childrenForCompletion(_ path: String) async -> [String] {
        guard let client else { return [] }
        return (try? await client.getChildren(path, watch: false)) ?? []
    }

    public func close() async {
        if let client { await client.close() }
        client = nil
    }

    func session() async throws(ShellError) -> any ShellClient {
        if let client, !client.state.isTerminal { return client }
        if let client { await client.close() }
        client = nil
        do {
            let fresh = try await connector()
            client = fresh
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
