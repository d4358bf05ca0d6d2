import NIOCore
import NIOPosix
import ZKDataTree
import ZKServerCore

/// A running standalone server: the listening socket, the event loop and the core.
public final class ZooKeeperServer: @unchecked Sendable {
    let group: MultiThreadedEventLoopGroup
    let runtime: ServerRuntime
    private var channel: (any Channel)?
    public let config: ZooConfig

    public init(config: ZooConfig, environment: ServerEnvironment = ServerEnvironment()) {
        self.config = config
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var env = environment
        env.clientPort = config.clientPort
        env.dataDir = config.dataDir
        env.dataLogDir = config.dataLogDir
        env.maxClientCnxns = config.maxClientCnxns
        env.whitelist = config.fourLetterWhitelist
        let loop = group.next()
        runtime = ServerRuntime(eventLoop: loop, config: config, environment: env,
                                tree: DataTree(extendedTypesEnabled: config.extendedTypesEnabled))
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
                    try channel.pipeline.syncOperations.addHandler(ClientConnectionHandler(runtime: runtime))
                }
            }
        channel = try await bootstrap.bind(host: config.clientPortAddress, port: config.clientPort).get()
        try await runtime.eventLoop.submit { runtime.startTicking() }.get()
    }

    public func shutdown() async throws {
        let runtime = self.runtime
        try? await runtime.eventLoop.submit { runtime.stopTicking() }.get()
        try await channel?.close()
        try await group.shutdownGracefully()
    }

    /// Blocks until the listening socket closes.
    public func waitUntilClosed() async throws {
        try await channel?.closeFuture.get()
    }
}
