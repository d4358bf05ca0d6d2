import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import ZKDataTree
import ZKMetrics
import ZKReplica
import ZKServerCore
import ZKStorage

/// A running standalone server: the listening socket, the event loop and the core.
public final class ZooKeeperServer: @unchecked Sendable {
    let group: MultiThreadedEventLoopGroup
    let runtime: ServerRuntime
    private var channel: (any Channel)?
    /// secureClientPort's listener, when TLS is configured.
    private var secureChannel: (any Channel)?
    /// The AdminServer's and the Prometheus endpoint's listening sockets.
    private var httpChannels: [any Channel] = []
    private var purgeTask: RepeatedTask?
    public private(set) var config: ZooConfig
    /// Set when zoo.cfg describes an ensemble.
    let ensemble: EnsembleSettings?

    /// What recovery found and repaired, for the start-up log.
    public private(set) var recoveryNotes: [String] = []

    /// Recovers the state from the data dir (newest valid snapshot plus the logs after it), then is ready to start.
    public init(config: ZooConfig, environment: ServerEnvironment = ServerEnvironment()) throws {
        var config = config
        let myIdPath = config.dataDir + "/myid"
        let myIdText = FileSystem.exists(myIdPath) ? (try? FileSystem.readFile(myIdPath)).map { String(buffer: $0) } : nil
        let ensemble = try EnsembleSettings.from(config, myIdText: myIdText)
        if let ensemble { config.serverId = ensemble.myId }
        if ensemble != nil, config.reconfigEnabled, config.dynamicConfigFile == nil, !config.path.isEmpty {
            do { try DynamicConfigFiles.backUp(configPath: config.path) } catch {
                throw StartupError(message: "cannot back up \(config.path) before its members move to a dynamic file: \(error)")
            }
        }
        self.config = config
        self.ensemble = ensemble
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
        let metrics = ServerMetrics()
        do {
            let clock = ContinuousClock()
            var state: Recovery.State!
            let took = try clock.measure {
                state = try Recovery.recover(snapshotDirectory: snapshotDirectory, logDirectory: logDirectory,
                                             extendedTypesEnabled: config.extendedTypesEnabled)
            }
            metrics.dbInitTime.record(took)
            metrics.startupSnapLoadTime.record(state.snapshotLoadTime)
            // As Apache: no replay figures when the log held nothing to replay.
            if state.replayed > 0 {
                metrics.startupTxnsLoadTime.record(state.logReplayTime)
                metrics.startupTxnsLoaded.record(state.replayed)
            }
            recoveryNotes = state.notes
            if state.replayed > 0 { recoveryNotes.append("replayed \(state.replayed) transactions to zxid 0x\(String(state.tree.lastProcessedZxid, radix: 16))") }
            let log = try DurableLog(eventLoop: loop, logDirectory: logDirectory, snapshotDirectory: snapshotDirectory,
                                     forceSync: config.forceSync, snapCount: config.snapCount)
            let now = SystemClock.now()
            if let ensemble {
                var quorumTLS: ServerTLS.Quorum?
                if config.sslQuorum {
                    do { quorumTLS = try ServerTLS.quorumContexts(config.quorumTLS) } catch { throw StartupError(message: "\(error)") }
                }
                let (peer, epochNotes) = try ensemble.recoveredPeer(dataDir: config.dataDir, recovered: state)
                recoveryNotes += epochNotes
                let replica = Replica(serverSettings: config.serverSettings, tree: state.tree, sessions: state.sessions,
                                      settings: ensemble.replicaSettings(config), peer: peer, now: now, metrics: metrics)
                runtime = ServerRuntime(eventLoop: loop, config: config, environment: env, replica: replica, durableLog: log,
                                        network: PeerNetwork(eventLoop: loop, settings: ensemble, tls: quorumTLS, auth: config.quorumAuth))
            } else {
                let replica = Replica(serverSettings: config.serverSettings, tree: state.tree, sessions: state.sessions, now: now,
                                      metrics: metrics)
                runtime = ServerRuntime(eventLoop: loop, config: config, environment: env, replica: replica, durableLog: log)
            }
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    /// A client port's listener: plain, or TLS first when `tls` is given (secureClientPort).
    /// - Parameter unified: TLS only for connections that start with a TLS handshake (client.portUnification).
    private func clientBootstrap(_ runtime: ServerRuntime, tls: NIOSSLContext?, unified: Bool = false) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .pausingAcceptOnErrors()
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // Room for a burst of large replies before the client counts as not reading.
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 512 << 10, high: 1 << 20))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(unified ? PortUnificationHandler(tls: tls) : NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandlers(ClientConnectionHandler.handlers(runtime: runtime))
                }
            }
    }

    /// The secure client port actually bound.
    public var boundSecurePort: Int? { secureChannel?.localAddress?.port }

    /// The port actually bound (useful with clientPort=0 in tests).
    public var boundPort: Int? { channel?.localAddress?.port }

    public func start() async throws {
        let runtime = self.runtime
        // One context for the secure port and the unified one: the stores are read once.
        var clientTLS: NIOSSLContext?
        if config.tls.enabled {
            do { clientTLS = try ServerTLS.context(config.tls) } catch { throw StartupError(message: "\(error)") }
        }
        let bootstrap = clientBootstrap(runtime, tls: config.tls.portUnification ? clientTLS : nil, unified: true)
        do {
            channel = try await bootstrap.bind(host: config.clientPortAddress, port: config.clientPort).get()
        } catch {
            throw StartupError.cannotListen("clientPort", host: config.clientPortAddress, port: config.clientPort, error)
        }
        if let port = config.tls.secureClientPort, let context = clientTLS {
            let host = config.tls.secureClientPortAddress ?? "0.0.0.0"
            do {
                secureChannel = try await clientBootstrap(runtime, tls: context).bind(host: host, port: port).get()
            } catch {
                throw StartupError.cannotListen("secureClientPort", host: host, port: port, error)
            }
        }
        if let network = runtime.network {
            do { try await network.start() } catch {
                throw StartupError(message: "cannot listen on this member's quorum or election port (server.\(config.serverId)): "
                                   + StartupError.reason(error))
            }
        }
        try await startHTTPEndpoints()
        let zabTick = ensemble?.subTickMillis
        try await runtime.eventLoop.submit { runtime.startTicking(zabTickMillis: zabTick) }.get()
        if config.autopurgePurgeInterval > 0, let log = runtime.durableLog {
            let hours = TimeAmount.hours(Int64(config.autopurgePurgeInterval))
            let logDirectory = config.dataLogDir + "/version-2"
            let retain = config.autopurgeSnapRetainCount
            purgeTask = runtime.eventLoop.scheduleRepeatedTask(initialDelay: hours, delay: hours) { _ in
                log.purge(logDirectory: logDirectory, retain: retain)
            }
        }
    }

    /// The AdminServer when enabled and the Prometheus endpoint when configured. As Apache: a standalone
    /// server whose AdminServer cannot bind stops, an ensemble member goes on without it; a Prometheus port
    /// that cannot be bound stops the server.
    private func startHTTPEndpoints() async throws {
        let runtime = self.runtime
        if config.adminEnableServer {
            do {
                httpChannels.append(try await HTTPEndpoint.start(group: group, host: config.adminServerAddress, port: config.adminServerPort,
                                                                 answer: AdminRoutes.admin(runtime, commandURL: config.adminCommandURL)))
            } catch {
                let problem = StartupError.cannotListen("admin.serverPort", host: config.adminServerAddress, port: config.adminServerPort, error).message
                guard ensemble != nil else { throw StartupError(message: problem + " (admin.enableServer=false turns it off)") }
                runtime.logger.warning("\(problem); going on without it")
            }
        }
        if config.prometheusEnabled {
            do {
                httpChannels.append(try await HTTPEndpoint.start(group: group, host: config.prometheusHost, port: config.prometheusPort,
                                                                 answer: AdminRoutes.prometheus(runtime)))
            } catch {
                throw StartupError.cannotListen("metricsProvider.httpPort", host: config.prometheusHost, port: config.prometheusPort, error)
            }
        }
    }

    /// The AdminServer's port actually bound (admin.serverPort=0 in tests), and the Prometheus one.
    public var boundHTTPPorts: [Int] { httpChannels.compactMap { $0.localAddress?.port } }

    public func shutdown() async throws {
        let runtime = self.runtime
        for http in httpChannels { try? await http.close() }
        try? await runtime.eventLoop.submit { runtime.stopTicking() }.get()
        if let network = runtime.network { try? await runtime.eventLoop.submit { network.shutdown() }.get() }
        purgeTask?.cancel()
        try await channel?.close()
        try? await secureChannel?.close()
        // The log's threads hand their results to the event loop: they stop while it still runs.
        if let log = runtime.durableLog {
            try? await runtime.eventLoop.flatSubmit { log.stop() }.get()
            log.shutdownThreads()
        }
        try await group.shutdownGracefully()
    }

    /// Blocks until the listening socket closes.
    public func waitUntilClosed() async throws {
        try await channel?.closeFuture.get()
    }
}

/// A reason the server cannot start, said in one line.
public struct StartupError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    /// "clientPort 2181 on 0.0.0.0 is taken: another process is listening there" rather than NIO's
    /// description of the bind call.
    static func cannotListen(_ key: String, host: String, port: Int, _ error: any Error) -> StartupError {
        StartupError(message: "cannot listen on \(host):\(port) (\(key)): \(reason(error))")
    }

    static func reason(_ error: any Error) -> String {
        guard let io = error as? IOError else { return "\(error)" }
        switch io.errnoCode {
        case EADDRINUSE: return "the port is taken (another process is listening there)"
        case EACCES: return "permission denied (ports below 1024 need privileges)"
        case EADDRNOTAVAIL: return "the address is not one of this host's"
        default: return String(cString: strerror(io.errnoCode))
        }
    }
}
