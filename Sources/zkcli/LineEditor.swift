#if canImport(Glibc)
import Glibc
#endif
import CLibEdit
import Dispatch
import ZKProtocol
import ZKShell

/// The interactive line editor: libedit (history with reverse search, emacs keys) plus tab completion
/// of commands, flags and live znode paths. History persists in ~/.zkcli_history.
enum LineEditor {
    nonisolated(unsafe) static var session: ShellSession?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var historyPath: String?

    static func start(session: ShellSession) {
        self.session = session
        if let home = getenv("HOME") {
            historyPath = String(cString: home) + "/.zkcli_history"
            _ = read_history(historyPath)
        }
        stifle_history(1000)
        zkcli_set_completion(complete)
    }

    /// One line, or nil at end of input (Ctrl-D).
    static func readLine(prompt: String) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.trimmingBlanks().isEmpty {
            add_history(raw)
            if let historyPath { _ = write_history(historyPath) }
        }
        return line
    }

    /// rl_attempted_completion_function: fills `matches`, then lets libedit walk them.
    static let complete: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, start, _ in
        let word = text.map { String(cString: $0) } ?? ""
        let line = zkcli_line_buffer().map { String(cString: $0) } ?? ""
        matches = Completion.candidates(line: line, word: word, wordStart: Int(start)) { path in
            LineEditor.fetchChildren(path)
        }
        zkcli_set_append_character(matches.count == 1 && !matches[0].hasPrefix("/") ? 32 : 0)
        return rl_completion_matches(text, generator)
    }

    static let generator: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
        let index = Int(state)
        guard index < matches.count else { return nil }
        return strdup(matches[index])
    }

    /// Completion runs inside readline on the main thread; the lookup runs on the session's executor.
    static func fetchChildren(_ path: String) -> [String] {
        guard let session else { return [] }
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        Task.detached {
            box.value = await session.childrenForCompletion(path)
            done.signal()
        }
        return done.wait(timeout: .now() + .seconds(2)) == .success ? box.value : []
    }

    final class ResultBox: @unchecked Sendable { var value: [String] = [] }
}

