import NIOCore
import NIOPosix
import NIOSSL
import ZKProtocol

/// A user and password for SASL DIGEST-MD5 (Apache's DigestLoginModule users).
public struct SASLCredentials: Sendable, Hashable {
    public var username: String
    public var password: String
    public init(username: String, password: String) { self.username = username; self.password = password }
}

/// A ZooKeeper session: one connection at a time to one of the servers of the connect string, re-established
/// on loss with the same session, watches and auth, until the session is closed, expires or fails auth.
///
/// All methods may be called from any task; requests are pipelined and answered in order. A request made while
/// disconnected waits for the next connection, for at most the session timeout, then fails with
/// `ErrorCode.connectionLoss`; so does a request in flight when the connection drops (it may have been applied).
/// Paths are relative to the connect string's chroot, in arguments, results and events alike.
public final class ZooKeeperClient: Sendable {
    /// How ``connect(_:eventLoopGroup:)`` finds the servers and what session it asks for.
    public struct Configuration: Sendable {
        /// "host:port[,host:port...][/chroot]", parsed as ``ConnectString``; a missing port means 2181.
        public var connectString: String
        /// The session timeout to ask for; the server may grant another (see `negotiatedSessionTimeout`).
        public var sessionTimeout: Duration
        /// Asks for a session that a read-only server (one cut off from its quorum) may accept, by setting the
        /// handshake's readOnly flag; such a session is in state `.connectedReadOnly` and writes fail.
        public var readOnly: Bool
        /// Try the hosts in random order, as Apache's client does; off for tests that need a fixed order.
        public var shuffleHosts = true
        /// Bound on each phase of every connection attempt, reconnects included: the TCP connect, then the
        /// handshake. Default 5 s.
        public var connectTimeout: Duration
        /// How long `connect` tries the servers before it throws `ConnectError`; nil: the session timeout or
        /// the connect timeout, whichever is longer. Attempts are cut to fit within it.
        public var firstSessionTimeout: Duration?
        /// Told of every failed connection attempt as it happens, reconnects included (a shell shows progress
        /// with it). Called on the connection's event loop: it must return quickly and not block.
        public var onConnectFailure: (@Sendable (ConnectError.Attempt) -> Void)?
        /// SASL DIGEST-MD5 credentials, checked against the server's JAAS `Server` users after every
        /// handshake; a refusal ends the session with `.authFailed`. nil: no SASL.
        public var sasl: SASLCredentials?
        /// TLS to every server (their secureClientPort); nil: plain TCP.
        public var tls: ClientTLS?

        /// A configuration with a 5 s connect timeout, shuffled hosts, no `firstSessionTimeout` and no callback.
        public init(connectString: String, sessionTimeout: Duration = .seconds(10), readOnly: Bool = false) {
            self.connectString = connectString
            self.sessionTimeout = sessionTimeout
            self.readOnly = readOnly
            self.connectTimeout = .seconds(5)
        }
    }

    let connection: ClientConnection
    let chroot: Chroot
    /// Every watch notification and session state change, in order, from the moment of connecting; it ends
    /// after the terminal state event. A single consumer; others call `makeEvents()`. The buffer is unbounded,
    /// so events pile up in memory for as long as nobody reads them.
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
    ///
    /// - Parameters:
    ///   - configuration: The servers, the session to ask for and the timeouts.
    ///   - eventLoopGroup: Where the connection runs (on one of its loops); nil: NIO's shared singleton group.
    /// - Returns: A client whose session is established (`.connected` or `.connectedReadOnly`).
    /// - Throws: `ZooKeeperError` with `.badArguments` for a malformed connect string; ``ConnectError`` when no
    ///   server gave a session in time; `KeyStoreError` when a TLS certificate, key or store cannot be used.
    public static func connect(_ configuration: Configuration, eventLoopGroup: (any EventLoopGroup)? = nil) async throws -> ZooKeeperClient {
        let connectString = try ConnectString(parsing: configuration.connectString)
        let wait = configuration.firstSessionTimeout.map(TimeAmount.init)
            ?? max(TimeAmount(configuration.sessionTimeout), TimeAmount(configuration.connectTimeout))
        let connectTimeout = min(TimeAmount(configuration.connectTimeout), wait)
        // Apache's StaticHostProvider shuffles the list, so an ensemble's clients spread over its members.
        let machineConfiguration = ClientConnectionStateMachine.Configuration(
            hosts: configuration.shuffleHosts ? connectString.hosts.shuffled() : connectString.hosts, chroot: connectString.chroot,
            sessionTimeoutMs: Int32(clamping: configuration.sessionTimeout.wholeMilliseconds),
            readOnly: configuration.readOnly, connectTimeout: connectTimeout, sasl: configuration.sasl)
        let group = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        // A store that cannot be read fails here, naming the file, rather than on every attempt.
        let tls = try configuration.tls.map { (context: try $0.makeContext(), verifyHostname: $0.verifyHostname) }
        let connection = ClientConnection(configuration: machineConfiguration, eventLoop: group.next(),
                                          connector: Self.bootstrapConnector(connectTimeout: connectTimeout, tls: tls),
                                          onConnectFailure: configuration.onConnectFailure)
        let client = ZooKeeperClient(connection: connection, chroot: connectString.chroot)
        connection.start()
        try await connection.waitForFirstSession(timeout: wait).get()
        return client
    }

    /// Connects with the default ``Configuration`` for this connect string and session timeout.
    ///
    /// - Throws: As ``connect(_:eventLoopGroup:)``.
    public static func connect(_ connectString: String, sessionTimeout: Duration = .seconds(10)) async throws -> ZooKeeperClient {
        try await connect(Configuration(connectString: connectString, sessionTimeout: sessionTimeout))
    }

    static func bootstrapConnector(connectTimeout: TimeAmount, tls: (context: NIOSSLContext, verifyHostname: Bool)? = nil) -> ClientConnector {
        { host, eventLoop, initializer in
            ClientBootstrap(group: eventLoop)
                .connectTimeout(connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    guard let tls else { return initializer(channel) }
                    do {
                        let handler = try NIOSSLClientHandler(context: tls.context,
                                                              serverHostname: tls.verifyHostname ? TLSServerName.forHost(host.host) : nil)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    } catch {
                        return channel.eventLoop.makeFailedFuture(error)
                    }
                    return initializer(channel)
                }
                .connect(host: host.host, port: host.port)
        }
    }

    // MARK: - Session

    /// The session's id as the server assigned it; 0 until the first session is established.
    public var sessionId: Int64 { connection.snapshot.withLockedValue { $0.sessionId } }
    /// The password the server issued with `sessionId`; the client presents both to resume the session on reconnect.
    public var sessionPassword: [UInt8] { connection.snapshot.withLockedValue { $0.password } }
    /// The session timeout in milliseconds, as the server granted it; 0 until the first session is established.
    /// The client pings after a third of it (at most 10 s) without sending, and drops a connection silent for
    /// two thirds of it.
    public var negotiatedSessionTimeout: Int32 { connection.snapshot.withLockedValue { $0.negotiatedTimeout } }
    /// The highest zxid seen in a reply; sent on reconnect, so that no server with an older view takes the session.
    public var lastZxid: Int64 { connection.snapshot.withLockedValue { $0.lastZxid } }
    /// "host:port" of the server while connected; nil otherwise.
    public var connectedHost: String? { connection.snapshot.withLockedValue { $0.connectedHost } }
    /// Where the session stands now; each change is also delivered as a `.state` event.
    public var state: SessionState { connection.snapshot.withLockedValue { $0.state } }

    /// A new stream of the events from now on, for one more consumer: watch notifications (one-shot watches set
    /// with `watch: true`, persistent ones from `addWatch`) and state changes. It ends after the terminal state
    /// event, at once if the session is already over. Unbounded buffer: read it, or drop it.
    public func makeEvents() -> AsyncStream<ClientEvent> { connection.hub.makeStream() }

    /// Ends the session: sends closeSession (the server then deletes the session's ephemeral nodes), waits at most
    /// 2 s for its reply and closes the connection. When not connected it closes at once without telling the
    /// server, which then lets the session expire. Idempotent. Requests still pending fail with `.connectionLoss`;
    /// later ones throw `.sessionExpired`.
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
