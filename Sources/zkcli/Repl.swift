#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import ZKShell

/// The interactive loop: a prompt that stays usable while watch events arrive, and Ctrl-C that cancels the
/// running command (or clears the line) instead of ending the shell.
enum Repl {
    static func run(session: ShellSession, stopOnError: Bool) async -> ScriptStatus {
        var status = ScriptStatus(stopOnConnectionFailure: false, stopOnError: stopOnError)
        let colour = await session.style.colour
        LineEditor.start(session: session)
        while true {
            let (host, state, cwd) = await session.promptState()
            LineEditor.cwd = cwd
            LineEditor.showPrompt("[zk: \(host)(\(paintState(state, colour))) \(cwd)] ")
            guard case .line(let line) = readLine() else {
                writeAll(STDOUT_FILENO, "\n")
                break
            }
            guard let outcome = await runCancellable(line, session: session) else { continue }
            show(outcome)
            if !status.record(outcome) { break }
        }
        LineEditor.stop()
        return status
    }

    /// The state in the prompt: green while connected. The escapes sit between libedit's ignore markers
    /// (\u{1}…\u{2}) so the cursor column stays right.
    static func paintState(_ state: String, _ colour: Bool) -> String {
        guard colour else { return state }
        let code = state == "CONNECTED" ? "32" : state == "CONNECTEDREADONLY" ? "33" : "31"
        return "\u{1}\u{1B}[\(code)m\u{2}\(state)\u{1}\u{1B}[0m\u{2}"
    }

    /// A result taller than the screen goes through $PAGER (default less -FRX), as git and man do.
    static func show(_ outcome: LineOutcome) {
        if isatty(STDOUT_FILENO) != 0, let rows = screenRows(), outcome.stdout.utf8.lazy.filter({ $0 == 0x0A }).count >= rows - 1,
           page(outcome.stdout) {
            writeAll(STDERR_FILENO, outcome.stderr)
            return
        }
        emit(outcome)
    }

    static func screenRows() -> Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    static func page(_ text: String) -> Bool {
        let configured = environmentValue("PAGER").flatMap { $0.isEmpty ? nil : $0 }
        let pager = configured ?? (access("/usr/bin/less", X_OK) == 0 ? "less -FRX" : "more")
        if configured == nil && environmentValue("LESS") == nil { setenv("LESS", "FRX", 0) }
        guard let pipe = popen(pager, "w") else { return false }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, pipe) }
        pclose(pipe)
        Wakeup.drain()
        return true
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
        // top reads single keys (sort, q) while it redraws; other commands leave the keyboard alone.
        let keys = line.split(separator: " ").first == "top" ? SingleKeys.start() : nil
        defer { keys?.stop() }
        while true {
            let (pressed, bytes) = Wakeup.wait(keyboard: keys != nil)
            if pressed, let keys {
                for key in keys.take() {
                    if key == "q" {
                        task.cancel()
                        return nil
                    }
                    _ = await session.topKey(key)
                }
            }
            if bytes.contains(Wakeup.output) { Wakeup.flushOutput() }
            if bytes.contains(Wakeup.confirm) && !Confirmation.answerPending() {
                task.cancel()
                writeAll(STDERR_FILENO, "^C cancelled\n")
                return nil
            }
            if let outcome = result.withLockedValue({ $0 }) {
                // What the command streamed just before it finished comes before its result.
                Wakeup.flushOutput()
                return outcome
            }
            if bytes.contains(Wakeup.interrupt) {
                task.cancel()
                writeAll(STDERR_FILENO, "^C cancelled\n")
                return nil
            }
        }
    }
}
