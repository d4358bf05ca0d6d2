#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import ZKShell

/// The self-pipe the REPL waits on besides the keyboard: SIGINT, output from watch streams, and the end of
/// a running command each write one byte to it.
enum Wakeup {
    static let interrupt = UInt8(ascii: "i"), output = UInt8(ascii: "o"), commandDone = UInt8(ascii: "d")
    /// A running command waits for an answer (Confirmation).
    static let confirm = UInt8(ascii: "q")

    nonisolated(unsafe) static var readFD: Int32 = -1
    nonisolated(unsafe) static var writeFD: Int32 = -1
    static let pending = NIOLockedValueBox<[(String, OutputStream)]>([])

    static func install() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        readFD = fds[0]; writeFD = fds[1]
        _ = fcntl(readFD, F_SETFL, O_NONBLOCK)
        _ = fcntl(writeFD, F_SETFL, O_NONBLOCK)
        signal(SIGINT) { _ in
            var byte = Wakeup.interrupt
            _ = write(Wakeup.writeFD, &byte, 1)
        }
    }

    /// Forgets Ctrl-Cs that arrived while another program had the terminal (the pager).
    static func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
    }

    static func post(_ byte: UInt8) {
        var byte = byte
        _ = write(writeFD, &byte, 1)
    }

    /// Output produced away from the main thread, shown by the REPL loop when it wakes.
    static func enqueue(_ text: String, _ stream: OutputStream) {
        pending.withLockedValue { $0.append((text, stream)) }
        post(output)
    }

    static func takeOutput() -> [(String, OutputStream)] {
        pending.withLockedValue { queue in defer { queue.removeAll() }; return queue }
    }

    /// Writes what was queued while no prompt was up (connect progress), so it comes before what follows.
    static func flushOutput() {
        for (text, stream) in takeOutput() { writeAll(stream == .stdout ? STDOUT_FILENO : STDERR_FILENO, text) }
    }

    /// Blocks until the keyboard (when `keyboard`) or the pipe has something; returns what woke it.
    static func wait(keyboard: Bool) -> (keys: Bool, bytes: [UInt8]) {
        var fds = [pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)]
        if keyboard { fds.append(pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)) }
        while poll(&fds, nfds_t(fds.count), -1) < 0 && errno == EINTR {}
        var bytes: [UInt8] = []
        if fds[0].revents & Int16(POLLIN) != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = read(readFD, &buffer, buffer.count)
            if count > 0 { bytes = Array(buffer[..<count]) }
        }
        let keys = keyboard && fds[1].revents & Int16(POLLIN | POLLHUP) != 0
        return (keys, bytes)
    }
}
