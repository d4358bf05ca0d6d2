#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import ZKShell

/// The interactive loop: a prompt that stays usable while watch events arrive, and Ctrl-C that cancels the
/// running command (or clears the line) instead of ending the shell.
enum Repl {
    static func run(session: ShellSession) async -> ScriptStatus {
        var status = ScriptStatus(stopOnConnectionFailure: false)
        LineEditor.start(session: session)
        while true {
            let (host, state, cwd) = await session.promptState()
            LineEditor.cwd = cwd
            LineEditor.showPrompt("[zk: \(host)(\(state)) \(cwd)] ")
            guard case .line(let line) = readLine() else {
                writeAll(STDOUT_FILENO, "\n")
                break
            }
            guard let outcome = await runCancellable(line, session: session) else { continue }
            emit(outcome)
            if !status.record(outcome) { break }
        }
        LineEditor.stop()
        return status
    }

    /// Waits for a line while showing asynchronous output above the prompt.
    static func readLine() -> LineEditor.LineEvent {
        while true {
            let (keys, bytes) = Wakeup.wait(keyboard: true)
            if bytes.contains(Wakeup.interrupt) { LineEditor.clearLine() }
            if bytes.contains(Wakeup.output) {
                for (text, stream) in Wakeup.takeOutput() { LineEditor.printAbovePrompt(text, stream) }
            }
            if keys, let event = LineEditor.readAvailable() { return event }
        }
    }

    /// Runs a line in its own task; Ctrl-C cancels it and gives the prompt back at once (nil outcome).
    static func runCancellable(_ line: String, session: ShellSession) async -> LineOutcome? {
        let result = NIOLockedValueBox<LineOutcome?>(nil)
        let task = Task.detached {
            let outcome = await session.run(line: line)
            result.withLockedValue { $0 = outcome }
            Wakeup.post(Wakeup.commandDone)
        }
        while true {
            let (_, bytes) = Wakeup.wait(keyboard: false)
            if bytes.contains(Wakeup.output) {
                for (text, stream) in Wakeup.takeOutput() { writeAll(stream == .stdout ? STDOUT_FILENO : STDERR_FILENO, text) }
            }
            if let outcome = result.withLockedValue({ $0 }) { return outcome }
            if bytes.contains(Wakeup.interrupt) {
                task.cancel()
                writeAll(STDERR_FILENO, "^C cancelled\n")
                return nil
            }
        }
    }
}
