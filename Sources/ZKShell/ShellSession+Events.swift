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
            if Self.removalEvents.contains(type), let pending = quietRemovals[path] {
                quietRemovals[path] = pending > 1 ? pending - 1 : nil
                return
            }
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

    static let removalEvents: Set<EventType> = [.persistentWatchRemoved, .dataWatchRemoved, .childWatchRemoved]

    /// Removes the persistent watch a `watch` stream set; the client's own PersistentWatchRemoved event for it
    /// is expected, not shown.
    func removeStreamWatch(_ path: String) async {
        guard let client else { return }
        quietRemovals[path, default: 0] += 1
        do { try await client.removeWatches(path, type: .any) } catch {
            quietRemovals[path] = (quietRemovals[path] ?? 1) > 1 ? quietRemovals[path]! - 1 : nil
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
    func watch(_ path: String, recursive: Bool, count: Int?, withData: Bool) async throws(ShellError) -> CommandResult {
        let client = try await session()
        if let existing = streams[path] { existing.task.cancel() }
        // The stream exists before the watch does, so no event falls between them.
        let events = client.makeEvents()
        do { try await client.addWatch(path, mode: recursive ? .persistentRecursive : .persistent) } catch {
            throw ShellError.from(error)
        }
        let format = self.format, sink = self.sink, style = self.style
        let pump: @Sendable () async -> Void = {
            var seen = 0
            for await event in events {
                guard case .watch(let type, let state, let eventPath) = event, Self.covers(path, recursive, eventPath),
                      !Self.removalEvents.contains(type) else { continue }
                var line = WatchEventLine(type: type, state: state, path: eventPath, streamed: true)
                // Notifications carry no zxid (Apache sends -1), so it comes from the node's stat, read now.
                if withData || format == .json { await Self.describe(&line, client: client, withData: withData) }
                sink(format == .json ? JSONRenderer.render(.event(line)) : TextRenderer.render(.event(line), style: style), .stdout)
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
        await removeStreamWatch(path)
        return .done(command: "watch", path: path)
    }

    /// The event's zxid from the node's stat (the change's own zxid unless a later one came first) and,
    /// with `withData`, the data.
    static func describe(_ line: inout WatchEventLine, client: any ShellClient, withData: Bool) async {
        switch line.type {
        case .nodeCreated, .nodeDataChanged:
            if withData, let (data, stat) = try? await client.getData(line.path, watch: false) {
                line.data = data
                line.zxid = line.type == .nodeCreated && stat.version == 0 ? stat.czxid : stat.mzxid
            } else if let stat = try? await client.exists(line.path, watch: false) {
                line.zxid = line.type == .nodeCreated && stat.version == 0 ? stat.czxid : stat.mzxid
            }
        case .nodeChildrenChanged:
            line.zxid = (try? await client.exists(line.path, watch: false))??.pzxid
        default:
            break
        }
    }

    func streamEnded(_ path: String) async {
        streams[path] = nil
        await removeStreamWatch(path)
    }

    func unwatch(_ path: String?) async -> CommandResult {
        let paths = path.map { streams[$0] == nil ? [] : [$0] } ?? streams.keys.sorted()
        for path in paths {
            streams[path]?.task.cancel()
            streams[path] = nil
            await removeStreamWatch(path)
        }
        return .unwatched(paths)
    }

    /// `ensemble` again and again, with rates between looks: on a terminal redrawn in place until q or
    /// Ctrl-C (keys from `topKey` change the order), in a script one frame (JSON: one document) per refresh.
    func top(intervalMs: Int, count: Int?) async throws(ShellError) -> CommandResult {
        var shown = 0
        let clear = interactive && format == .text
        let clock = ContinuousClock(), started = clock.now
        topView = TopView()
        defer { topView = nil; lastTopFrame = nil }
        while count.map({ shown < $0 }) ?? true {
            if Task.isCancelled { break }
            let members = await AdminQueries.ensemble(try await adminTargets(nil, all: true), sender: adminSender)
            let elapsed = clock.now - started
            let millis = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            guard let frame = topView?.frame(members, atMillis: millis, intervalMs: intervalMs) else { break }
            lastTopFrame = frame
            showTop(frame, clear: clear, first: shown == 0)
            shown += 1
            if count.map({ shown >= $0 }) ?? false { break }
            do { try await Task.sleep(for: .milliseconds(intervalMs)) } catch { break }
        }
        return .done(command: "top", path: nil)
    }

    private func showTop(_ frame: TopFrame, clear: Bool, first: Bool) {
        let body = render(.top(frame))
        sink((clear ? "\u{1B}[H\u{1B}[2J" : (!first && format == .text ? "\n" : "")) + body, .stdout)
    }

    /// A key pressed while `top` runs: s, m, l, r, p or c sorts by that column and redraws at once.
    /// false when no `top` is running or the key means nothing to it.
    public func topKey(_ key: Character) -> Bool {
        guard topView != nil, let order = TopView.Order(rawValue: key) else { return false }
        topView?.order = order
        if let frame = lastTopFrame, let view = topView {
            lastTopFrame = view.resorted(frame)
            showTop(lastTopFrame!, clear: interactive && format == .text, first: true)
        }
        return true
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
        // The configuration names members the connect string may not: /zookeeper/config over the session,
        // else each listed server's `conf` (its membership lines), else a session opened for the purpose.
        if let client, client.state.isConnected, let config = try? await client.getConfig(watch: false).data,
           !AdminQueries.clientAddresses(config).isEmpty {
            return AdminQueries.members(connectString: listed, config: config)
        }
        for server in listed {
            guard let conf = try? await adminSender("conf", server), conf.contains("server.") else { continue }
            let members = AdminQueries.members(connectString: listed, config: Array(conf.utf8), asked: server)
            if members.count > listed.count { return members }
        }
        if client == nil, let session = try? await session(), let config = try? await session.getConfig(watch: false).data {
            return AdminQueries.members(connectString: listed, config: config)
        }
        return listed
    }
}
