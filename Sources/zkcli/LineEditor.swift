#if canImport(Glibc)
import Glibc
#endif
import CLibEdit
import Dispatch
import ZKProtocol
import ZKShell

/// The interactive line editor: libedit (history with reverse search, emacs keys) plus tab completion
/// of commands, flags and live znode paths. It runs in libedit's callback mode, so the REPL can wait on
/// the keyboard and on asynchronous output (watch events) at once. History persists in ~/.zkcli_history.
enum LineEditor {
    nonisolated(unsafe) static var session: ShellSession?
    nonisolated(unsafe) static var cwd = "/"
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var historyPath: String?
    /// Set by the line handler: a finished line, or end of input.
    nonisolated(unsafe) static var finished: LineEvent?

    enum LineEvent { case line(String), endOfInput }

    static func start(session: ShellSession) {
        self.session = session
        if let home = getenv("HOME") {
            historyPath = String(cString: home) + "/.zkcli_history"
            _ = read_history(historyPath)
        }
        stifle_history(1000)
        zkcli_set_completion(complete)
        zkcli_set_word_breaks()
        // The REPL handles SIGINT itself: cancel the running command, or clear the line.
        zkcli_set_catch_signals(0)
    }

    nonisolated(unsafe) static var prompt = ""

    static func showPrompt(_ prompt: String) {
        finished = nil
        self.prompt = prompt
        rl_callback_handler_install(prompt, lineHandler)
    }

    /// Feeds libedit the keys that are waiting; returns a line once one is complete.
    static func readAvailable() -> LineEvent? {
        rl_callback_read_char()
        guard let event = finished else { return nil }
        rl_callback_handler_remove()
        return event
    }

    /// Ctrl-C at the prompt: drop what was typed and start a fresh line.
    static func clearLine() {
        // libedit's rl_replace_line ignores an empty string, so push its kill-line key (Ctrl-U) as input
        // (rl_insert pushes a key; rl_stuff_char would insert the character itself) and let it run.
        _ = rl_insert(1, 0x15)
        rl_callback_read_char()
        // Reinstalling resets libedit's idea of the screen, so the new prompt starts on a clean line.
        rl_callback_handler_remove()
        writeAll(STDOUT_FILENO, "^C\n")
        rl_callback_handler_install(prompt, lineHandler)
    }

    /// Prints text above the prompt and redraws the prompt with what was typed so far.
    static func printAbovePrompt(_ text: String, _ stream: OutputStream) {
        writeAll(STDOUT_FILENO, "\r\u{1B}[K")
        writeAll(stream == .stdout ? STDOUT_FILENO : STDERR_FILENO, text)
        rl_forced_update_display()
    }

    static func stop() {
        rl_callback_handler_remove()
    }

    static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { raw in
        guard let raw else { finished = .endOfInput; return }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.trimmingBlanks().isEmpty {
            add_history(raw)
            if let historyPath { _ = write_history(historyPath) }
        }
        finished = .line(line)
    }

    /// rl_attempted_completion_function: fills `matches`, then lets libedit walk them.
    /// libedit hands over the word as typed (escapes included) and its start in characters, not bytes;
    /// whatever is returned is inserted as is, so candidates come back escaped.
    static let complete: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, start, _ in
        let word = text.map { String(cString: $0) } ?? ""
        let line = zkcli_line_buffer().map { String(cString: $0) } ?? ""
        zkcli_set_completion_over(1)
        let insertion = Completion.insertion(line: line, rawWord: word, wordStart: Int(start), cwd: cwd,
                                             children: { LineEditor.fetchChildren($0) },
                                             hasChildren: { LineEditor.fetchHasChildren($0) })
        matches = insertion.candidates
        zkcli_set_append_character(insertion.append == "/" ? 47 : insertion.append == " " ? 32 : 0)
        return rl_completion_matches(text, generator)
    }

    static let generator: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
        let index = Int(state)
        guard index < matches.count else { return nil }
        return strdup(matches[index])
    }

    /// Completion runs inside libedit on the main thread; the lookup runs on the session's executor.
    static func fetchChildren(_ path: String) -> [String] {
        fetch([]) { await $0.childrenForCompletion(path) }
    }

    static func fetchHasChildren(_ path: String) -> Bool {
        fetch(false) { await $0.hasChildrenForCompletion(path) }
    }

    /// Asks the session from libedit's synchronous completion callback, waiting at most 2 s (`fallback` then).
    private static func fetch<T: Sendable>(_ fallback: T, _ ask: @escaping @Sendable (ShellSession) async -> T) -> T {
        guard let session else { return fallback }
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox(fallback)
        Task.detached {
            box.value = await ask(session)
            done.signal()
        }
        return done.wait(timeout: .now() + .seconds(2)) == .success ? box.value : fallback
    }

    final class ResultBox<T>: @unchecked Sendable {
        var value: T
        init(_ value: T) { self.value = value }
    }
}
