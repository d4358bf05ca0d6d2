import NIOCore
import NIOPosix
import ZKDataTree
import ZKJute
import ZKProtocol
import ZKServerCore
import ZKStorage

/// Connects the core to sockets. Everything here runs on one event loop, so the core needs no locks;
/// replies are gathered per connection and written with one flush per read batch.
final class ServerRuntime: ServerOutput, @unchecked Sendable {
    let eventLoop: any EventLoop
    let config: ZooConfig
    var environment: ServerEnvironment
    private(set) var core: ServerCore!
    private var channels: [ConnectionID: any Channel] = [:]
    private var pending: [ConnectionID: ByteBuffer] = [:]
    private var toClose: Set<ConnectionID> = []
    private var connectionsPerHost: [String: Int] = [:]
    private var nextConnectionId: ConnectionID = 1
    private var tickTask: RepeatedTask?
    /// The transaction log, when the server persists (always, outside some unit tests).
    let durableLog: DurableLog?

    init(eventLoop: any EventLoop, config: ZooConfig, environment: ServerEnvironment, tree: DataTree,
         restoredSessions: [Int64: Int32] = [:], durableLog: DurableLog?) {
        self.eventLoop = eventLoop
        self.config = config
        self.environment = environment
        self.durableLog = durableLog
        let now = SystemClock.now()
        core = ServerCore(settings: config.serverSettings, tree: tree, output: self, now: now)
        for (id, timeout) in restoredSessions.sorted(by: { $0.key < $1.key }) { core.restoreSession(id, timeout: timeout, now: now) }
        if let durableLog {
            core.logSink = durableLog
            durableLog.core = core
            durableLog.onDurable = { [unowned core] zxid in core?.logged(through: zxid) }
            durableLog.afterCommit = { [unowned self] in flush() }
        }
    }

    func startTicking() {
        let interval = Int64(max(50, min(Int(config.tickTime) / 2, 1000)))
        tickTask = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(interval), delay: .milliseconds(interval)) { [self] _ in
            core.tick(now: SystemClock.now())
            flush()
        }
    }

    func stopTicking() { tickTask?.cancel() }

    /// dirs and conf report what the data dirs hold now (Apache sums the files of version-2/).
    func refreshDirectorySizes() {
        func size(_ directory: String) -> Int64 {
            FileSystem.list(directory).reduce(0) { $0 + FileSystem.size(directory + "/" + $1) }
        }
        environment.dataDirSize = size(config.dataDir + "/version-2")
        environment.dataLogSize = size(config.dataLogDir + "/version-2")
    }

    // MARK: Connections

    /// A new socket; nil when the per-host connection limit refuses it.
    func register(_ channel: any Channel) -> ConnectionID? {
        let host = Self.host(of: channel.remoteAddress)
        if config.maxClientCnxns > 0, connectionsPerHost[host, default: 0] >= config.maxClientCnxns { return nil }
        connectionsPerHost[host, default: 0] += 1
        let id = nextConnectionId
        nextConnectionId += 1
        channels[id] = channel
        core.connectionOpened(id, remoteHost: host, remotePort: channel.remoteAddress?.port ?? 0, now: SystemClock.now())
        return id
    }

    func unregister(_ id: ConnectionID) {
        guard let channel = channels.removeValue(forKey: id) else { return }
        let host = Self.host(of: channel.remoteAddress)
        connectionsPerHost[host, default: 1] -= 1
        if connectionsPerHost[host] == 0 { connectionsPerHost[host] = nil }
        pending[id] = nil
        toClose.remove(id)
        core.connectionClosed(id)
    }

    // MARK: Client input

    func receiveConnect(_ id: ConnectionID, _ request: ConnectRequest) {
        core.receiveConnect(id, request, now: SystemClock.now())
    }

    func receive(_ id: ConnectionID, _ request: ClientRequest) {
        core.receive(id, request, now: SystemClock.now())
    }

    /// A four-letter word: its text, then the connection closes (as Apache's NettyServerCnxn does).
    func answer(_ id: ConnectionID, _ word: FourLetterWord, argument: Int64?) {
        if word == .dirs || word == .conf { refreshDirectorySizes() }
        sendText(id, core.fourLetterWord(word, argument: argument, environment: environment, now: SystemClock.now()))
    }

    static func host(of address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        return address.ipAddress ?? "unknown"
    }

    // MARK: ServerOutput

    private func withBuffer(_ id: ConnectionID, _ body: (inout ByteBuffer) -> Void) {
        guard let channel = channels[id] else { return }
        if pending[id] == nil { pending[id] = channel.allocator.buffer(capacity: 512) }
        body(&pending[id]!)
    }

    func send<R: JuteEncodable>(_ connection: ConnectionID, _ header: ReplyHeader, _ record: R) {
        withBuffer(connection) { $0.writeFrame { b in header.encode(into: &b); record.encode(into: &b) } }
    }

    func send(_ connection: ConnectionID, _ header: ReplyHeader) {
        withBuffer(connection) { $0.writeFrame { b in header.encode(into: &b) } }
    }

    func sendConnectResponse(_ connection: ConnectionID, _ response: ConnectResponse) {
        withBuffer(connection) { $0.writeFrame { b in response.encode(into: &b) } }
    }

    func sendEvent(_ connection: ConnectionID, _ event: WatcherEvent) {
        // 3.8 sends notifications with zxid -1.
        withBuffer(connection) { $0.writeFrame { b in
            ReplyHeader(xid: SpecialXid.notification, zxid: -1, err: 0).encode(into: &b)
            event.encode(into: &b)
        } }
    }

    func close(_ connection: ConnectionID) {
        guard channels[connection] != nil else { return }
        toClose.insert(connection)
    }

    func sendText(_ connection: ConnectionID, _ text: String) {
        withBuffer(connection) { $0.writeString(text) }
        close(connection)
    }

    /// Writes everything gathered since the last flush, then closes the connections marked for closing.
    func flush() {
        durableLog?.commitIfNeeded()
        if !pending.isEmpty {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            for (id, buffer) in batch {
                guard let channel = channels[id] else { continue }
                if toClose.contains(id) { continue }
                channel.writeAndFlush(buffer, promise: nil)
            }
            for id in toClose {
                guard let channel = channels[id] else { continue }
                if let buffer = batch[id] {
                    channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
                } else {
                    channel.close(promise: nil)
                }
            }
        } else {
            for id in toClose { channels[id]?.close(promise: nil) }
        }
        toClose.removeAll()
    }
}
