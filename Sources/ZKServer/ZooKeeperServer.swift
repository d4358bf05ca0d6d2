import NIOCore
import NIOPosix
import ZKDataTree
import ZKServerCore
import ZKStorage

/// A running standalone server: the listening socket, the event loop and the core.
public final class ZooKeeperServer: @unchecked Sendable {
    let group: MultiThreadedEventLoopGroup
    let runtime: ServerRuntime
    private var channel: (any Channel)?
    private var purgeTask: RepeatedTask?
    private var memberTick: RepeatedTask?
    public private(set) var config: ZooConfig
    /// Set when zoo.cfg describes an ensemble.
    let member: QuorumMember?
    let network: PeerNetwork?

    /// What recovery found and repaired, for the start-up log.
    public private(set) var recoveryNotes: [String] = []

    /// Recovers the state from the data dir (newest valid snapshot plus the logs after it), then is ready to start.
    public init(config: ZooConfig, environment: ServerEnvironment = ServerEnvironment()) throws {
        var config = config
        let myIdPath = config.dataDir + "/myid"
        let myIdText = FileSystem.exists(myIdPath) ? (try? FileSystem.readFile(myIdPath)).map { String(buffer: $0) } : nil
        let ensemble = try EnsembleSettings.from(config, myIdText: myIdText)
        if let ensemble { config.serverId = ensemble.myId }
        self.config = config
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var env = environment
        env.clientPort = config.clientPort
        env.dataDir = config.dataDir
        env.dataLogDir = config.dataLogDir
        env.maxClientCnxns = config.maxClientCnxns
        env.whitelist = config.fourLetterWhitelist
        let loop = group.next()
        let snapshotDirectory = config.dataDir + "/version-2"
        let logDirectory = config.dataLogDir + "/version-2"
        do {
            let state = try Recovery.recover(snapshotDirectory: snapshotDirectory, logDirectory: logDirectory,
                                             extendedTypesEnabled: config.extendedTypesEnabled)
            recoveryNotes = state.notes
            if state.replayed > 0 { recoveryNotes.append("replayed \(state.replayed) transactions to zxid 0x\(String(state.tree.lastProcessedZxid, radix: 16))") }
            let log = try DurableLog(eventLoop: loop, logDirectory: logDirectory, snapshotDirectory: snapshotDirectory,
                                     forceSync: config.forceSync, snapCount: config.snapCount)
            runtime = ServerRuntime(eventLoop: loop, config: config, environment: env, tree: state.tree,
                                    restoredSessions: state.sessions, durableLog: log)
            if let ensemble {
                let network = PeerNetwork(eventLoop: loop, settings: ensemble)
                let (peer, epochNotes) = try QuorumMember.recoveredPeer(settings: ensemble, dataDir: config.dataDir, recovered: state)
                recoveryNotes += epochNotes
                let member = QuorumMember(settings: ensemble, config: config, core: runtime.core, log: log, network: network,
                                          eventLoop: loop, peer: peer)
                let runtime = self.runtime
                member.afterDrive = { runtime.flush() }
                self.network = network
                self.member = member
            } else {
                network = nil
                member = nil
            }
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    /// The port actually bound (useful with clientPort=0 in tests).
    public var boundPort: Int? { channel?.localAddress?.port }

    public func start() async throws {
        let runtime = self.runtime
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(ClientConnectionHandler.handlers(runtime: runtime))
                }
            }
        channel = try await bootstrap.bind(host: config.clientPortAddress, port: config.clientPort).get()
        try await runtime.eventLoop.submit { runtime.startTicking() }.get()
        if let network, let member, let interval = member.settings.subTickMillis as Int64? {
            try await network.start()
            memberTick = runtime.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(interval)) { _ in
                member.tick()
            }
        }
        if config.autopurgePurgeInterval > 0, let log = runtime.durableLog {
            let hours = TimeAmount.hours(Int64(config.autopurgePurgeInterval))
            let logDirectory = config.dataLogDir + "/version-2"
            let retain = config.autopurgeSnapRetainCount
            purgeTask = runtime.eventLoop.scheduleRepeatedTask(initialDelay: hours, delay: hours) { _ in
                log.purge(logDirectory: logDirectory, retain: retain)
            }
        }
    }

    public func shutdown() async throws {
        let runtime = self.runtime
        try? await runtime.eventLoop.submit { runtime.stopTicking() }.get()
        memberTick?.cancel()
        if let network { try? await runtime.eventLoop.submit { network.shutdown() }.get() }
        purgeTask?.cancel()
        try await channel?.close()
        // The log's threads hand their results to the event loop: they stop while it still runs.
        if let log = runtime.durableLog {
            try? await runtime.eventLoop.submit { log.stop() }.get()
            log.shutdownThreads()
        }
        try await group.shutdownGracefully()
    }

    /// Blocks until the listening socket closes.
    public func waitUntilClosed() async throws {
        try await channel?.closeFuture.get()
    }
}
