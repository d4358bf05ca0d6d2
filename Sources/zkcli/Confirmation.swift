#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import ZKProtocol
import ZKShell

/// A running command's question to the user at the prompt. The command waits; the REPL's loop, which owns
/// the terminal, prints the question and reads the answer (Ctrl-C answers no).
enum Confirmation {
    struct Pending {
        var question: String
        var answer: CheckedContinuation<Bool, Never>
    }

    static let pending = NIOLockedValueBox<Pending?>(nil)

    static let ask: CommandIO.Confirm = { question in
        await withCheckedContinuation { continuation in
            pending.withLockedValue { $0 = Pending(question: question, answer: continuation) }
            Wakeup.post(Wakeup.confirm)
        }
    }

    /// On the REPL's thread: asks the waiting question, if any. False when Ctrl-C came instead of an answer.
    static func answerPending() -> Bool {
        guard let question = pending.withLockedValue({ state -> Pending? in defer { state = nil }; return state }) else {
            return true
        }
        writeAll(STDERR_FILENO, question.question)
        var line: [UInt8] = []
        while true {
            let (keys, bytes) = Wakeup.wait(keyboard: true)
            if bytes.contains(Wakeup.interrupt) {
                writeAll(STDERR_FILENO, "\n")
                question.answer.resume(returning: false)
                return false
            }
            guard keys else { continue }
            var byte: UInt8 = 0
            let count = read(STDIN_FILENO, &byte, 1)
            if count <= 0 || byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        let answer = String(decoding: line, as: UTF8.self).trimmingBlanks().lowercased()
        question.answer.resume(returning: answer == "y" || answer == "yes")
        return true
    }
}

