import NIOCore
import NIOPosix
import ZKProtocol

/// A ZooKeeper session: one connection at a time to one of the servers of the connect string, re-established
/// on loss with the same session, watches and auth, until the session is closed or expires.
///
/// All methods may be called from any task; requests are pipelined and answered in order.
public final class ZooKeeperClient: Sendable {
    public struct Configuration: Sendable {
        /// "host:port[,host:port...][/chroot]"
        public var connectString: String
        public var sessionTimeout: Duration
        /// Sends the 45-byte handshake with this flag; a read-only server then accepts the session.
        public var readOnly: Bool
        /// Try the hosts in random order, as Apache's client does; off for tests that need a fixed order.
        public var shuffleHosts = true
        /// Bound on each connection attempt (TCP connect, then handshake).
        public var connectTimeout: Duration
        /// How long `connect` tries the servers before it throws `ConnectError`; nil: the session timeout or
        /// the connect timeout, whichever is longer. Attempts are cut to fit within it.
        public var firstSessionTimeout: Duration?
        /// Told of every failed connection attempt as it happens (a shell shows progress with it).
        public var onConnectFailure: (@Sendable (ConnectError.Attempt) -> Void)?

        public init(connectString: String, sessionTimeout: Duration = .seconds(10), readOnly: Bool = false) {
            self.connectString = connectString
            self.sessionTimeout = sessionTimeout
            self.readOnly = readOnly
            self.connectTimeout = .seconds(5)
        }
    }

    let connection: ClientConnection
    let chroot: Chroot
    /// Every watch notification and session state change, in order, from the moment of connecting.
    /// A single consumer; others call `makeEvents()`.
    public let events: AsyncStream<ClientEvent>

    init(connection: ClientConnection, chroot: String?) {
        self.connection = connection
        self.chroot = Chroot(chroot)
        self.events = connection.hub.makeStream()
    }

    deinit {
        // An abandoned client still ends its session rather than leaving it to expire.
        _ = connection.close()
    }

    /// Connects and waits for the session (at most `firstSessionTimeout`); throws `ConnectError` naming each
    /// server's failure when none gave a session in time.
    public static func connect(_ configuration: Configuration, eventLoopGroup: (any EventLoopGroup)? = nil) async throws -> ZooKeeperClient {
        let connectString = try ConnectString(parsing: configuration.connectString)
        let wait = configuration.firstSessionTimeout.map(TimeAmount.init)
            ?? max(TimeAmount(configuration.sessionTimeout), TimeAmount(configuration.connectTimeout))
        let connectTimeout = min(TimeAmount(configuration.connectTimeout), wait)
        // Apache's StaticHostProvider shuffles the list, so an ensemble's clients spread over its members.
        let machineConfiguration = ClientConnectionStateMachine.Configuration(
            hosts: configuration.shuffleHosts ? connectString.hosts.shuffled() : connectString.hosts, chroot: connectString.chroot,
            sessionTimeoutMs: Int32(clamping: configuration.sessionTimeout.wholeMilliseconds),
            readOnly: configuration.readOnly, connectTimeout: connectTimeout)
        let group = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        let connection = ClientConnection(configuration: machineConfiguration, eventLoop: group.next(),
                                          connector: Self.bootstrapConnector(connectTimeout: connectTimeout),
                                          onConnectFailure: configuration.onConnectFailure)
        let client = ZooKeeperClient(connection: connection, chroot: connectString.chroot)
        connection.start()
        try await connection.waitForFirstSession(timeout: wait).get()
        return client
    }

    public static func connect(_ connectString: String, sessionTimeout: Duration = .seconds(10)) async throws -> ZooKeeperClient {
        try await connect(Configuration(connectString: connectString, sessionTimeout: sessionTimeout))
    }

    static func bootstrapConnector(connectTimeout: TimeAmount) -> ClientConnector {
        { host, eventLoop, initializer in
            ClientBootstrap(group: eventLoop)
                .connectTimeout(connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer(initializer)
                .connect(host: host.host, port: host.port)
        }
    }

    // MARK: - Session

    public var sessionId: Int64 { connection.snapshot.withLockedValue { $0.sessionId } }
    public var sessionPassword: [UInt8] { connection.snapshot.withLockedValue { $0.password } }
    /// In milliseconds, as the server granted it.
    public var negotiatedSessionTimeout: Int32 { connection.snapshot.withLockedValue { $0.negotiatedTimeout } }
    public var lastZxid: Int64 { connection.snapshot.withLockedValue { $0.lastZxid } }
    /// "host:port" of the server while connected.
    public var connectedHost: String? { connection.snapshot.withLockedValue { $0.connectedHost } }
    public var state: SessionState { connection.snapshot.withLockedValue { $0.state } }

    /// A new stream of the events from now on, for one more consumer.
    public func makeEvents() -> AsyncStream<ClientEvent> { connection.hub.makeStream() }

    /// Sends closeSession, waits (bounded) for its reply and closes the connection. Idempotent.
    public func close() async {
        _ = try? await connection.close().get()
    }
}

extension Duration {
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
