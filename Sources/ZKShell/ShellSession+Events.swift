import ZKClient
import ZKProtocol

/// Watch events and session state changes: `watch` streams, and the pump that shows everything else.
extension ShellSession {
    func startEventPump(_ client: any ShellClient) {
        let events = client.makeEvents()
        eventPump = Task { [weak self] in
            for await event in events {
                guard let self else { return }
                await self.show(event)
            }
        }
    }

    /// Events nobody streams: one-shot (-w) and addWatch events when printwatches is on, and, at a prompt,
    /// session state changes. zkCli.sh's WATCHER:: form, on stderr in scripts so stdout stays results only.
    func show(_ event: ClientEvent) {
        switch event {
        case .watch(let type, let state, let path):
            guard printWatches, !streams.keys.contains(where: { Self.covers($0, streams[$0]?.recursive ?? false, path) }) else {
                return
            }
            sink(render(.event(WatchEventLine(type: type, state: state, path: path, streamed: false))),
                 interactive ? .stdout : .stderr)
        case .state(let state):
            guard interactive, printWatches else { return }
            sink(render(.event(WatchEventLine(type: .none, state: state.keeperState, path: "", streamed: false))), .stdout)
        }
    }

    /// Whether a `watch` on `root` reports events of `path`.
    static func covers(_ root: String, _ recursive: Bool, _ path: String) -> Bool {
        if path == root { return true }
        guard recursive else { return false }
        return root == "/" || path.hasPrefix(root + "/")
    }

    /// A persistent watch whose events print one a line. At a prompt it runs in the background until
    /// `unwatch`; in a script it blocks until `count` events (or for good, until interrupted).
    func watch(_ path: String, recursive: Bool, count: Int?) async throws(ShellError) -> CommandResult {
        let client = try await session()
        if let existing = streams[path] { existing.task.cancel() }
        // The stream exists before the watch does, so no event falls between them.
        let events = client.makeEvents()
        do { try await client.addWatch(path, mode: recursive ? .persistentRecursive : .persistent) } catch {
            throw ShellError.from(error)
        }
        let format = self.format, sink = self.sink
        let pump: @Sendable () async -> Void = {
            var seen = 0
            for await event in events {
                guard case .watch(let type, let state, let eventPath) = event, Self.covers(path, recursive, eventPath) else { continue }
                let line = WatchEventLine(type: type, state: state, path: eventPath, streamed: true)
                sink(format == .json ? JSONRenderer.render(.event(line)) : TextRenderer.render(.event(line)), .stdout)
                seen += 1
                if let count, seen >= count { break }
            }
        }
        if interactive {
            let task = Task {
                await pump()
                await self.streamEnded(path)
            }
            streams[path] = (recursive, task)
            return .watching(path: path, recursive: recursive)
        }
        streams[path] = (recursive, Task {})
        await pump()
        streams[path] = nil
        try? await client.removeWatches(path, type: .any)
        return .done(command: "watch", path: path)
    }

    func streamEnded(_ path: String) async {
        streams[path] = nil
        try? await client?.removeWatches(path, type: .any)
    }

    func unwatch(_ path: String?) async -> CommandResult {
        let paths = path.map { streams[$0] == nil ? [] : [$0] } ?? streams.keys.sorted()
        for path in paths {
            streams[path]?.task.cancel()
            streams[path] = nil
            try? await client?.removeWatches(path, type: .any)
        }
        return .unwatched(paths)
    }

    /// Whom a four-letter word goes to: the named server; with -a every member; else the connected server
    /// (or the first of the list when there is no session).
    func adminTargets(_ server: String?, all: Bool) async throws(ShellError) -> [HostPort] {
        if let server {
            do { return try ConnectString(parsing: server).hosts } catch {
                throw .usage(UsageError("invalid server \(server): \(error)"))
            }
        }
        let listed: [HostPort]
        do { listed = try ConnectString(parsing: servers).hosts } catch {
            throw .usage(UsageError("invalid server list \(servers): \(error)"))
        }
        guard all else {
            if let host = client?.connectedHost, let connected = try? ConnectString(parsing: host).hosts.first {
                return [connected]
            }
            return Array(listed.prefix(1))
        }
        // The configuration names members the connect string may not; without a session, the list it is.
        let config: [UInt8]? = if let client, client.state.isConnected { try? await client.getConfig(watch: false).data } else { nil }
        return AdminQueries.members(connectString: listed, config: config)
    }
}
