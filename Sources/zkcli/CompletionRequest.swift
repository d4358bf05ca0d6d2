#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NIOConcurrencyHelpers
import ZKShell

/// `zkcli --complete LINE`, for the bash, zsh and fish completion scripts: the candidates for LINE's last
/// word, one a line. The server is asked only when a path is being completed, and for two seconds at most.
enum CompletionRequest {
    static func run(line: String, servers: String, connector: @escaping ShellSession.Connector) async -> Int32 {
        let wordStart = line.lastIndex(of: " ").map { line.distance(from: line.startIndex, to: $0) + 1 } ?? 0
        let word = String(line.dropFirst(wordStart))
        var parent: String?
        var candidates = Completion.candidates(line: line, word: word, wordStart: wordStart) { path in
            parent = path
            return []
        }
        if let parent {
            let children = fetchChildren(parent, servers: servers, connector: connector)
            candidates = Completion.candidates(line: line, word: word, wordStart: wordStart) { _ in children }
        }
        writeAll(STDOUT_FILENO, candidates.map { $0 + "\n" }.joined())
        return 0
    }

    static func fetchChildren(_ path: String, servers: String, connector: @escaping ShellSession.Connector) -> [String] {
        let done = DispatchSemaphore(value: 0)
        let box = NIOLockedValueBox<[String]>([])
        Task.detached {
            if let client = try? await connector(servers) {
                let children = (try? await client.getChildren(path, watch: false)) ?? []
                box.withLockedValue { $0 = children }
                await client.close()
            }
            done.signal()
        }
        _ = done.wait(timeout: .now() + .seconds(2))
        return box.withLockedValue { $0 }
    }
}
