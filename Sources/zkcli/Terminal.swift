#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import NIOConcurrencyHelpers
import ZKShell

/// The process's streams: writes that end zkcli when nobody reads them any more, the locale, colour.
enum Terminal {
    /// UTF-8 input and editing need a UTF-8 LC_CTYPE; C.UTF-8 stands in for a locale that is not.
    static func useUTF8() {
        if setlocale(LC_CTYPE, "") == nil || String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    /// Colour only on a terminal, never with NO_COLOR set or on a dumb one; tables cut to 80 columns
    /// unless --wide.
    static func style(wide: Bool) -> TextStyle {
        let allowed = environmentValue("NO_COLOR").map(\.isEmpty) ?? true && environmentValue("TERM") != "dumb"
        return TextStyle(width: wide ? nil : 80, colour: allowed && isatty(STDOUT_FILENO) != 0,
                         errorColour: allowed && isatty(STDERR_FILENO) != 0)
    }

    /// A reader that goes away (`zkcli watch | head`) is noticed at once, not at the next event: for a pipe
    /// or socket, poll reports POLLERR/POLLHUP on stdout when its other end closes. Status 0, as for EPIPE.
    static func exitWhenStdoutCloses() {
        var info = stat()
        guard fstat(STDOUT_FILENO, &info) == 0 else { return }
        let type = info.st_mode & S_IFMT
        guard type == S_IFIFO || type == S_IFSOCK else { return }
        DispatchQueue.global().async {
            var fds = [pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)]
            while true {
                let ready = poll(&fds, 1, -1)
                if ready < 0 && errno == EINTR { continue }
                if ready < 0 { return }
                if fds[0].revents & Int16(POLLERR | POLLHUP) != 0 { exit(0) }
            }
        }
    }
}

/// Unbuffered, so results, errors and the prompt interleave as they happen. A closed stdout ends zkcli
/// with status 0, as `yes | head` ends yes.
func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        if written < 0 && errno == EPIPE && fd == STDOUT_FILENO { exit(0) }
        guard written > 0 else { return }
        bytes = bytes.dropFirst(written)
    }
}

func emit(_ outcome: LineOutcome) {
    writeAll(STDOUT_FILENO, outcome.stdout)
    writeAll(STDERR_FILENO, outcome.stderr)
}

func environmentValue(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Says each connection failure once, not at every retry.
final class ToldOnce: Sendable {
    private let seen = NIOLockedValueBox<Set<String>>([])
    func first(_ text: String) -> Bool { seen.withLockedValue { $0.insert(text).inserted } }
}

/// The terminal without line buffering or echo, so each key reaches the program as it is pressed (top's
/// sort keys and q); `stop` gives the terminal back as it was.
final class SingleKeys {
    private var saved = termios()

    static func start() -> SingleKeys? {
        guard isatty(STDIN_FILENO) != 0 else { return nil }
        let keys = SingleKeys()
        guard tcgetattr(STDIN_FILENO, &keys.saved) == 0 else { return nil }
        var raw = keys.saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        return keys
    }

    func take() -> [Character] {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = read(STDIN_FILENO, &buffer, buffer.count)
        guard count > 0 else { return [] }
        return buffer[..<count].map { Character(Unicode.Scalar($0)) }
    }

    func stop() { _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
}
