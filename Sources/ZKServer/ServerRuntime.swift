import Logging
import NIOCore
import NIOPosix
import ZKDataTree
import ZKMetrics
import ZKProtocol
import ZKReplica
import ZKServerCore
import ZKStorage
import ZKZab

/// The I/O shell around one `Replica`, standalone or in an ensemble: it hands the replica what the sockets,
/// the log and the timers deliver, and carries out the effects the replica returns, in their order. It
/// decides nothing. Everything runs on one event loop, so the replica needs no locks.
final class ServerRuntime: PeerNetworkDelegate, @unchecked Sendable {
    let eventLoop: any EventLoop
    let config: ZooConfig
    var environment: ServerEnvironment
    var adminEnvironment = AdminEnvironment()
    let replica: Replica
    /// The transaction log (always, outside some unit tests), and in an ensemble the peer sockets.
    let durableLog: DurableLog?
    let network: PeerNetwork?
    private var channels: [ConnectionID: any Channel] = [:]
    private var connectionsPerHost: [String: Int] = [:]
    private var nextConnectionId: ConnectionID = 1
    private var timers: [RepeatedTask] = []
    private var writeScheduled = false
    /// Connections this server closed; any other that goes was dropped by its client (connection_drop_count).
    private var closedHere: Set<ConnectionID> = []
    /// Connections the core has stopped reading (globalOutstandingLimit).
    private var throttled: Set<ConnectionID> = []
    /// The operator's log: what the replica decided (its `.log` effects) and what the shell saw.
    let logger: Logger

    init(eventLoop: any EventLoop, config: ZooConfig, environment: ServerEnvironment, replica: Replica,
         durableLog: DurableLog?, network: PeerNetwork? = nil) {
        self.eventLoop = eventLoop
        self.config = config
        self.environment = environment
        self.replica = replica
        self.durableLog = durableLog
        self.network = network
        var logger = Logger(label: "zkserver")
        if network != nil { logger[metadataKey: "myid"] = "\(config.serverId)" }
        self.logger = logger
        durableLog?.logger = logger
        network?.logger = logger
        network?.delegate = self
        durableLog?.core = replica.core
        durableLog?.onDurable = { [unowned self] zxid in replica.persisted(through: zxid, now: SystemClock.now()); flush() }
        durableLog?.onSnapshot = { [unowned self] zxid, bytes in
            adminEnvironment.lastSnapshot = (zxid, SystemClock.now().wallMillis / 1000)
            replica.snapshotWritten(zxid: zxid, bytes: bytes)
            flush()
        }
        adminEnvironment.initialConfiguration = config.text
        adminEnvironment.systemProperties = config.systemProperties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A standalone server on `tree`, memory only unless `durableLog` is given (unit tests).
    convenience init(eventLoop: any EventLoop, config: ZooConfig, environment: ServerEnvironment, tree: DataTree,
                     durableLog: DurableLog?) {
        let replica = Replica(serverSettings: config.serverSettings, tree: tree, sessions: [:], now: SystemClock.now(),
                              memoryOnly: durableLog == nil)
        self.init(eventLoop: eventLoop, config: config, environment: environment, replica: replica, durableLog: durableLog)
    }

    /// The session clock every half tick (at least 50 ms); in an ensemble also Zab's clock.
    func startTicking(zabTickMillis: Int64?) {
        let interval = Int64(max(50, min(Int(config.tickTime) / 2, 1000)))
        every(interval) { $0.replica.tick(now: SystemClock.now()) }
        if let zabTickMillis {
            every(zabTickMillis) { runtime in
                runtime.network?.tick()
                runtime.replica.zabTick(now: SystemClock.now())
            }
        }
    }

    private func every(_ millis: Int64, _ body: @escaping @Sendable (ServerRuntime) -> Void) {
        timers.append(eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(millis), delay: .milliseconds(millis)) { [self] _ in
            body(self)
            flush()
        })
    }

    func stopTicking() {
        for timer in timers { timer.cancel() }
        timers = []
    }

    // MARK: Inputs

    /// A new socket; nil when the per-host connection limit refuses it.
    func register(_ channel: any Channel) -> ConnectionID? {
        let host = Self.host(of: channel.remoteAddress)
        if config.maxClientCnxns > 0, connectionsPerHost[host, default: 0] >= config.maxClientCnxns {
            replica.core.metrics.connectionRejected.increment()
            // Apache's words; a refused client retries, so one line per refusal is the most this can cost.
            logger.warning("Too many connections from /\(host) - max is \(config.maxClientCnxns)")
            return nil
        }
        connectionsPerHost[host, default: 0] += 1
        let id = nextConnectionId
        nextConnectionId += 1
        channels[id] = channel
        replica.connectionOpened(id, remoteHost: host, remotePort: channel.remoteAddress?.port ?? 0, now: SystemClock.now())
        return id
    }

    func unregister(_ id: ConnectionID) {
        guard let channel = channels.removeValue(forKey: id) else { return }
        throttled.remove(id)
        if closedHere.remove(id) == nil { replica.core.metrics.connectionDropCount.increment() }
        let host = Self.host(of: channel.remoteAddress)
        connectionsPerHost[host, default: 1] -= 1
        if connectionsPerHost[host] == 0 { connectionsPerHost[host] = nil }
        replica.connectionClosed(id)
    }

    // Client input is flushed once per read batch, by the connection handler.
    func receiveConnect(_ id: ConnectionID, _ request: ConnectRequest) { replica.connect(id, request, now: SystemClock.now()) }
    func receive(_ id: ConnectionID, _ request: ClientRequest) { replica.request(id, request, now: SystemClock.now()) }
    func close(_ id: ConnectionID) { replica.close(id) }
    func certificatePresented(_ id: ConnectionID, subject: String?) { replica.certificatePresented(id, subject: subject) }

    func answer(_ id: ConnectionID, _ word: FourLetterWord, argument: Int64?) {
        if word == .dirs || word == .conf { refreshDirectorySizes() }
        replica.fourLetterWord(id, word, argument: argument, environment: environment, now: SystemClock.now())
    }

    /// An AdminServer command by name or alias; an unknown one answers as Apache's: its name and an error.
    func admin(_ name: String, parameters: [String: String]) -> AdminValue {
        guard let command = AdminCommand(named: name) else {
            return .object([("command", .string(name)), ("error", .string("Unknown command: \(name)"))])
        }
        if command == .dirs || command == .serverStats || command == .stats { refreshDirectorySizes() }
        let value = replica.core.admin(command, parameters: parameters, environment: environment, admin: adminEnvironment,
                                       now: SystemClock.now())
        flush()  // a reset or stat_reset changes nothing to send; the flush keeps the loop's contract
        return value
    }

    /// What a Prometheus scrape reads: mntr's samples.
    func prometheusExposition() -> [UInt8] {
        PrometheusExposition.render(replica.core.monitorSamples(environment, now: SystemClock.now()))
    }

    func peerNetwork(received message: PeerMessage, from peer: Int64) {
        replica.received(message, from: peer, now: SystemClock.now())
        flush()
    }

    func peerNetwork(lostLearnerConnection peer: Int64) {
        replica.disconnected(peer)
        flush()
    }

    // MARK: Effects

    /// Carries out everything the replica has ready: storage and peer effects in order, then the clients'
    /// bytes, each connection's in one write.
    func flush() {
        let ready = replica.takeReady()
        guard !ready.isEmpty else { return }
        for effect in ready.effects {
            switch effect {
            case .append(let entry):
                durableLog?.append(serialized: entry.payload, zxid: entry.zxid.rawValue)
            case .setAcceptedEpoch(let epoch): writeEpoch(EpochFile.accepted, epoch)
            case .setCurrentEpoch(let epoch): writeEpoch(EpochFile.current, epoch)
            case .rewrite(let zxid, let snapshot):
                durableLog?.rewrite(truncateAfter: zxid, snapshot: snapshot, extendedTypesEnabled: config.extendedTypesEnabled) { [self] state in
                    replica.storageRewritten(nodes: state.tree.nodes, lastProcessedZxid: state.tree.lastProcessedZxid,
                                             sessions: state.sessions, now: SystemClock.now())
                    flush()
                }
            case .send(let message, let to): network?.send(message, to: to)
            case .dropPeerConnection(let peer): network?.closeLearnerConnection(peer)
            case .configSeen(let seen): network?.learn(seen, active: false)
            case .configActivated(let active): activate(active)
            case .log(let event): logger.log(level: event.level, "\(event.message)")
            }
        }
        if !ready.effects.isEmpty { writeSoon() }
        for (id, reading) in ready.reading {
            if reading { throttled.remove(id) } else { throttled.insert(id) }
            if let channel = channels[id] { updateReading(channel, id) }
        }
        for (id, buffer) in ready.frames where !ready.closes.contains(id) {
            guard let channel = channels[id] else { continue }
            channel.writeAndFlush(buffer, promise: nil)
            if !channel.isWritable { closeIfNotReading(channel) }
        }
        for id in ready.closes {
            guard let channel = channels[id] else { continue }
            closedHere.insert(id)
            if let buffer = ready.frames[id] {
                channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
            } else {
                channel.close(promise: nil)
            }
        }
    }

    /// A connection is read while it reads its replies and the core has not throttled it.
    func updateReading(_ channel: any Channel, _ id: ConnectionID) {
        try? channel.syncOptions?.setOption(.autoRead, value: channel.isWritable && !throttled.contains(id))
    }

    /// A client that does not read is not read from (ClientConnectionHandler), which bounds its replies;
    /// what the server sends unasked (watch events) is bounded here: past this many unread bytes it goes.
    static let unreadBytesLimit = 32 << 20

    private func closeIfNotReading(_ channel: any Channel) {
        guard let unread = try? channel.syncOptions?.getOption(.bufferedWritableBytes), unread > Self.unreadBytesLimit else { return }
        logger.warning("Closing the connection from \(channel.remoteAddress.map { "\($0)" } ?? "?"): \(unread) bytes it has not read (the limit is \(Self.unreadBytesLimit))")
        channel.close(promise: nil)
    }

    /// The log's group commit and the peer packets go at the end of this event-loop turn, so every
    /// connection's requests read in the turn share one fsync and one write per peer.
    private func writeSoon() {
        guard !writeScheduled else { return }
        writeScheduled = true
        eventLoop.execute { [self] in
            writeScheduled = false
            durableLog?.commitIfNeeded()
            network?.flush()
        }
    }

    /// A configuration became active: its members are the ones we talk to, and with reconfigEnabled it is
    /// written where the next start reads it (a restart must not come back with the old membership).
    private func activate(_ active: QuorumConfig) {
        network?.learn(active, active: true)
        let version = String(active.version, radix: 16)
        if active.servers[config.serverId] == nil {
            logger.warning("Configuration \(version) does not include this server (\(config.serverId)): it follows without a vote until it is shut down or added back")
        } else {
            logger.info("Configuration \(version) is active: \(active.memberLines.joined(separator: " "))")
        }
        guard config.reconfigEnabled, !config.path.isEmpty else { return }
        do {
            try DynamicConfigFiles.write(active, configPath: config.path, myId: config.serverId)
        } catch {
            // The next start would come back with the old membership and could elect against the new one.
            fatalError("zkserver: cannot write the dynamic configuration next to \(config.path): \(error)")
        }
    }

    private func writeEpoch(_ name: String, _ epoch: Int64) {
        do {
            try EpochFile.write(EnsembleSettings.epochDirectory(config.dataDir), name, epoch)
        } catch {
            // Zab's promises rest on these writes; without them this server must not take part.
            fatalError("zkserver: cannot write to \(config.dataDir): \(error)")
        }
    }

    /// dirs and conf report what the data dirs hold now (Apache sums the files of version-2/).
    func refreshDirectorySizes() {
        func size(_ directory: String) -> Int64 {
            FileSystem.list(directory).reduce(0) { $0 + FileSystem.size(directory + "/" + $1) }
        }
        environment.dataDirSize = size(config.dataDir + "/version-2")
        environment.dataLogSize = size(config.dataLogDir + "/version-2")
    }

    static func host(of address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        return address.ipAddress ?? "unknown"
    }
}
