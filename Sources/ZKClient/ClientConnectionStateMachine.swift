import NIOCore
import ZKJute
import ZKProtocol
import ZKSecurity

/// The client side of one ZooKeeper session across connections, as a pure value: events in (connect, channel
/// active, frame received, submit, tick, channel inactive, close), actions out. No channel, no clock, no
/// randomness: time comes in as `now`, and the shell executes every action. Modelled on Apache's ClientCnxn.
struct ClientConnectionStateMachine {
    struct Configuration: Sendable, Equatable {
        var hosts: [HostPort]
        var chroot: String?
        var sessionTimeoutMs: Int32
        var readOnly: Bool
        /// Bound on the handshake of one attempt (the TCP connect itself is bounded by the shell).
        var connectTimeout: TimeAmount
        /// Bound on the wait for closeSession's reply.
        var closeTimeout: TimeAmount
        /// DIGEST-MD5 over opcode 102 after every handshake, before anything else is sent (Apache's
        /// ZooKeeperSaslClient); nil: no SASL.
        var sasl: SASLCredentials?

        init(hosts: [HostPort], chroot: String? = nil, sessionTimeoutMs: Int32 = 10_000, readOnly: Bool = false,
             connectTimeout: TimeAmount = .seconds(5), closeTimeout: TimeAmount = .seconds(2), sasl: SASLCredentials? = nil) {
            precondition(!hosts.isEmpty, "a connect string names at least one host")
            self.hosts = hosts; self.chroot = chroot; self.sessionTimeoutMs = sessionTimeoutMs
            self.readOnly = readOnly; self.connectTimeout = connectTimeout; self.closeTimeout = closeTimeout
            self.sasl = sasl
        }
    }

    enum State: Equatable {
        case idle
        /// A TCP connection to `hosts[hostIndex]` is being opened.
        case connecting
        /// Every host failed in a row; the next attempt waits until `until`.
        case backingOff(until: NIODeadline)
        /// The ConnectRequest went out at `since`. Invariant: nothing else is sent before its answer.
        case handshaking(since: NIODeadline)
        /// The session is granted; the SASL exchange started at `since` must finish before it is used.
        case authenticating(since: NIODeadline)
        case connected
        /// closeSession went out; the session ends at its reply, at channel loss or at `deadline`.
        case closing(deadline: NIODeadline)
        /// The session is over for good: `.closed`, `.expired` or `.authFailed`.
        case terminated(SessionState)
    }

    /// A request on the wire. Invariant: ordered by send time, which is xid order (modulo wrap), and the
    /// server answers in that order; setWatches entries (xid -8, no id) are in this queue too, as in Apache.
    struct InFlight: Equatable {
        var xid: Int32
        var id: RequestID?
        var op: OpCode
        var watch: WatchIntent
    }

    /// A request submitted while no session is usable; sent at the next handshake or failed after the
    /// session timeout.
    struct Waiting: Equatable {
        enum Kind: Equatable {
            case request(OpCode, ClientRequest.Body)
            case auth(AuthPacket)
        }
        var id: RequestID
        var kind: Kind
        var enqueuedAt: NIODeadline
    }

    let configuration: Configuration
    let chroot: Chroot
    private(set) var state: State = .idle
    /// The public view of `state`.
    private(set) var sessionState: SessionState = .connecting

    private(set) var sessionId: Int64 = 0
    private(set) var sessionPassword: [UInt8] = [UInt8](repeating: 0, count: 16)
    private(set) var negotiatedTimeoutMs: Int32 = 0
    /// Invariant: never goes back; sent as lastZxidSeen so that no server with an older view accepts us.
    private(set) var lastZxid: Int64 = 0
    private(set) var hostIndex = 0
    /// Attempts that failed since the last established session; drives the back-off.
    private(set) var consecutiveFailures = 0

    /// Next xid to hand out: 1...Int32.max, wrapping to 1, never a special (negative) xid.
    private(set) var nextXid: Int32 = 1
    private(set) var inFlight = CircularBuffer<InFlight>()
    /// Auth packets on the wire, answered out of band (xid -4) in order; nil for re-sent ones.
    private(set) var authInFlight = CircularBuffer<RequestID?>()
    private(set) var waiting = CircularBuffer<Waiting>()
    /// Every auth ever sent, re-sent after each reconnect.
    private(set) var authInfos: [AuthPacket] = []
    private(set) var watches = ClientWatchRegistry()

    /// The SASL exchange of the current connection, and the client nonce the shell gave for it.
    private var saslClient: DigestMD5Client?
    private var saslCnonce = ""
    /// The state the handshake granted (read-only or not), given out once SASL completes.
    private var grantedState: SessionState = .connected

    private var lastSend = NIODeadline.uptimeNanoseconds(0)
    private var lastReceive = NIODeadline.uptimeNanoseconds(0)

    init(configuration: Configuration) {
        self.configuration = configuration
        self.chroot = Chroot(configuration.chroot)
    }

    var currentHost: HostPort { configuration.hosts[hostIndex] }

    /// Apache's readTimeout: 2/3 of the negotiated timeout without hearing from the server.
    var readTimeout: TimeAmount { .milliseconds(Int64(negotiatedTimeoutMs) * 2 / 3) }
    /// A ping when nothing was sent for 1/3 of the negotiated timeout (at most 10 s, as Apache).
    var pingInterval: TimeAmount { .milliseconds(min(Int64(negotiatedTimeoutMs) / 3, 10_000)) }
    /// How long a request may wait for a usable connection.
    var waitTimeout: TimeAmount {
        .milliseconds(Int64(negotiatedTimeoutMs > 0 ? negotiatedTimeoutMs : configuration.sessionTimeoutMs))
    }

    // MARK: - Events

    mutating func start(now: NIODeadline) -> Action {
        guard state == .idle else { return .none }
        state = .connecting
        return .connect(currentHost)
    }

    /// - Parameter cnonce: a fresh random client nonce for this connection's SASL exchange, if any.
    mutating func channelActive(now: NIODeadline, cnonce: String = "") -> Action {
        guard state == .connecting else { return .closeChannel }
        state = .handshaking(since: now)
        saslCnonce = cnonce
        lastSend = now; lastReceive = now
        return .sendConnectRequest(ConnectRequest(
            protocolVersion: 0, lastZxidSeen: lastZxid, timeOut: configuration.sessionTimeoutMs,
            sessionId: sessionId, passwd: sessionPassword, readOnly: configuration.readOnly))
    }

    mutating func connectFailed(now: NIODeadline) -> Action {
        switch state {
        case .connecting, .handshaking: return connectionLost(now: now)
        default: return .none
        }
    }

    mutating func channelInactive(now: NIODeadline) -> Action {
        switch state {
        case .connecting, .handshaking, .authenticating, .connected: return connectionLost(now: now)
        case .closing: return terminate(.closed, error: .connectionLoss)
        case .idle, .backingOff, .terminated: return .none
        }
    }

    mutating func frameReceived(_ frame: ByteBuffer, now: NIODeadline) -> Action {
        switch state {
        case .handshaking: return handshakeAnswered(frame, now: now)
        case .authenticating:
            lastReceive = now
            return saslAnswered(frame, now: now)
        case .connected, .closing:
            lastReceive = now
            return replyReceived(frame)
        case .idle, .connecting, .backingOff, .terminated: return .none
        }
    }

    mutating func submit(_ id: RequestID, op: OpCode, body: ClientRequest.Body, now: NIODeadline) -> Action {
        switch state {
        case .connected:
            lastSend = now
            return .send(sendNow(id, op: op, body: body))
        case .idle, .connecting, .backingOff, .handshaking, .authenticating:
            waiting.append(Waiting(id: id, kind: .request(op, body), enqueuedAt: now))
            return .none
        case .closing, .terminated:
            return .fail(id, ZooKeeperError(code: refusalCode))
        }
    }

    /// addAuth: remembered for every later reconnect, answered out of band with xid -4.
    mutating func addAuth(_ id: RequestID, _ packet: AuthPacket, now: NIODeadline) -> Action {
        switch state {
        case .connected:
            lastSend = now
            authInfos.append(packet)
            authInFlight.append(id)
            return .send(ClientRequest(xid: SpecialXid.auth, op: .auth, body: .auth(packet)))
        case .idle, .connecting, .backingOff, .handshaking, .authenticating:
            waiting.append(Waiting(id: id, kind: .auth(packet), enqueuedAt: now))
            return .none
        case .closing, .terminated:
            return .fail(id, ZooKeeperError(code: refusalCode))
        }
    }

    /// Ends the session: closeSession when connected, otherwise at once.
    mutating func close(now: NIODeadline) -> Action {
        switch state {
        case .connected:
            let xid = takeXid()
            inFlight.append(InFlight(xid: xid, id: nil, op: .closeSession, watch: .none))
            state = .closing(deadline: now + configuration.closeTimeout)
            lastSend = now
            return .send(ClientRequest(xid: xid, op: .closeSession, body: .closeSession))
        case .idle, .connecting, .backingOff, .handshaking, .authenticating:
            return terminate(.closed, error: .connectionLoss)
        case .closing, .terminated:
            return .none
        }
    }

    /// The shell's periodic timer: pings, read and handshake timeouts, back-off, waiting-request expiry.
    mutating func tick(now: NIODeadline) -> Action {
        switch state {
        case .connected:
            if now - lastReceive > readTimeout { return .closeChannel }
            if now - lastSend >= pingInterval {
                lastSend = now
                return .send(ClientRequest(xid: SpecialXid.ping, op: .ping, body: .ping))
            }
            return .none
        case .handshaking(let since), .authenticating(let since):
            if now - since > configuration.connectTimeout { return .closeChannel }
        case .closing(let deadline):
            if now >= deadline { return terminate(.closed, error: .connectionLoss) }
            return .none
        case .backingOff(let until):
            if now >= until {
                state = .connecting
                return .connect(currentHost)
            }
        case .idle, .connecting, .terminated:
            break
        }
        return expireWaiting(now: now)
    }

    // MARK: - Transitions

    private mutating func handshakeAnswered(_ frame: ByteBuffer, now: NIODeadline) -> Action {
        var buffer = frame
        guard let response = try? ConnectResponse(from: &buffer) else { return .closeChannel }
        if response.timeOut <= 0 {
            // The server no longer knows the session (or refused its password): it expired.
            return terminate(.expired, error: .sessionExpired)
        }
        sessionId = response.sessionId
        sessionPassword = response.passwd
        negotiatedTimeoutMs = response.timeOut
        consecutiveFailures = 0
        grantedState = response.readOnly == true ? .connectedReadOnly : .connected
        lastSend = now; lastReceive = now
        if let sasl = configuration.sasl {
            state = .authenticating(since: now)
            let client = DigestMD5Client(username: sasl.username, password: sasl.password, cnonce: saslCnonce)
            saslClient = client
            return .send(sendSASL(client.initialResponse))
        }
        return sessionUsable()
    }

    private mutating func sendSASL(_ token: [UInt8]) -> ClientRequest {
        let xid = takeXid()
        inFlight.append(InFlight(xid: xid, id: nil, op: .sasl, watch: .none))
        return ClientRequest(xid: xid, op: .sasl, body: .sasl(GetSASLRequest(bytes: token)))
    }

    /// A SASL reply: the next token, the end of the exchange, or AuthFailed (the server then closes).
    private mutating func saslAnswered(_ frame: ByteBuffer, now: NIODeadline) -> Action {
        var body = frame
        guard let header = try? ReplyHeader(from: &body), let request = inFlight.first, request.xid == header.xid else { return .closeChannel }
        inFlight.removeFirst()
        guard header.error == .ok, var client = saslClient else { return terminate(.authFailed, error: .authFailed) }
        let challenge = (try? body.readJuteOptionalBuffer("token")) ?? nil
        do {
            let next = try client.evaluate(challenge ?? [])
            saslClient = client
            if let next { return .send(sendSASL(next)) }
        } catch {
            return terminate(.authFailed, error: .authFailed)
        }
        return sessionUsable()
    }

    /// The session may carry requests: auth, watches and waiting requests go out, then the state event.
    private mutating func sessionUsable() -> Action {
        state = .connected
        sessionState = grantedState

        var send: [ClientRequest] = []
        for packet in authInfos {
            authInFlight.append(nil)
            send.append(ClientRequest(xid: SpecialXid.auth, op: .auth, body: .auth(packet)))
        }
        for setWatches in watches.setWatches(relativeZxid: lastZxid) {
            let op: OpCode = setWatches.isVersion2 ? .setWatches2 : .setWatches
            inFlight.append(InFlight(xid: SpecialXid.setWatches, id: nil, op: op, watch: .none))
            send.append(ClientRequest(xid: SpecialXid.setWatches, op: op, body: .setWatches(setWatches)))
        }
        while let entry = waiting.popFirst() {
            switch entry.kind {
            case .request(let op, let body):
                send.append(sendNow(entry.id, op: op, body: body))
            case .auth(let packet):
                authInfos.append(packet)
                authInFlight.append(entry.id)
                send.append(ClientRequest(xid: SpecialXid.auth, op: .auth, body: .auth(packet)))
            }
        }
        return .sessionEstablished(.state(sessionState), send: send)
    }

    private mutating func replyReceived(_ frame: ByteBuffer) -> Action {
        var body = frame
        guard let header = try? ReplyHeader(from: &body) else { return .closeChannel }
        switch header.xid {
        case SpecialXid.notification:
            guard let event = try? WatcherEvent(from: &body) else { return .closeChannel }
            guard let type = event.eventType, let keeperState = event.keeperState else { return .none }
            watches.trigger(type, path: event.path)
            return .deliver(.watch(type: type, state: keeperState, path: chroot.clientPath(event.path)))
        case SpecialXid.ping:
            return .none
        case SpecialXid.auth:
            let id = authInFlight.popFirst() ?? nil
            if header.error == .authFailed {
                return terminate(.authFailed, error: .authFailed, alsoFailing: id)
            }
            guard let id else { return .none }
            return .complete(id, ClientReply(header: header, body: body), events: [])
        default:
            // Replies come in request order: anything else means we lost track of the stream.
            guard let request = inFlight.first, request.xid == header.xid else { return .closeChannel }
            inFlight.removeFirst()
            if header.zxid > 0 { lastZxid = max(lastZxid, header.zxid) }
            let removed = watches.apply(request.watch, error: header.error)
            let reply = ClientReply(header: header, body: body)
            if request.op == .closeSession {
                return terminate(.closed, error: .connectionLoss, completing: request.id.map { Completed(id: $0, reply: reply) })
            }
            guard let id = request.id else { return .none }
            let events = removed.map { ClientEvent.watch(type: $0.0, state: .syncConnected, path: chroot.clientPath($0.1)) }
            return .complete(id, reply, events: events)
        }
    }

    /// The channel went away before or after the handshake: in-flight requests fail with ConnectionLoss,
    /// waiting ones keep waiting, and the next host is tried (after a back-off once every host failed).
    private mutating func connectionLost(now: NIODeadline) -> Action {
        let wasConnected = state == .connected
        saslClient = nil
        var failed: [RequestID] = []
        for request in inFlight { if let id = request.id { failed.append(id) } }
        for id in authInFlight { if let id { failed.append(id) } }
        inFlight.removeAll()
        authInFlight.removeAll()

        var event: ClientEvent?
        if wasConnected {
            sessionState = .disconnected
            event = .state(.disconnected)
        } else {
            consecutiveFailures += 1
        }
        hostIndex = (hostIndex + 1) % configuration.hosts.count
        let delay = backoff()
        if delay == .nanoseconds(0) {
            state = .connecting
            return .connectionLost(failed: failed, event: event, reconnect: currentHost)
        }
        state = .backingOff(until: now + delay)
        return .connectionLost(failed: failed, event: event, reconnect: nil)
    }

    /// None while some host of the current cycle is untried; then 50 ms doubling to 1 s per full cycle.
    func backoff() -> TimeAmount {
        let hosts = configuration.hosts.count
        guard consecutiveFailures > 0, consecutiveFailures % hosts == 0 else { return .nanoseconds(0) }
        let cycles = consecutiveFailures / hosts
        return .milliseconds(min(1000, 50 << min(cycles - 1, 5)))
    }

    private mutating func terminate(_ final: SessionState, error: ErrorCode, alsoFailing extra: RequestID? = nil,
                                    completing: Completed? = nil) -> Action {
        var failed: [RequestID] = []
        if let extra { failed.append(extra) }
        for request in inFlight { if let id = request.id { failed.append(id) } }
        for id in authInFlight { if let id { failed.append(id) } }
        for entry in waiting { failed.append(entry.id) }
        inFlight.removeAll(); authInFlight.removeAll(); waiting.removeAll()
        state = .terminated(final)
        sessionState = final
        return .terminate(failed: failed, error: ZooKeeperError(code: error), event: .state(final), completed: completing)
    }

    private mutating func expireWaiting(now: NIODeadline) -> Action {
        guard let first = waiting.first, now - first.enqueuedAt >= waitTimeout else { return .none }
        var failed: [RequestID] = []
        while let entry = waiting.first, now - entry.enqueuedAt >= waitTimeout {
            failed.append(entry.id)
            waiting.removeFirst()
        }
        return .failRequests(failed, ZooKeeperError(code: .connectionLoss))
    }

    private mutating func sendNow(_ id: RequestID, op: OpCode, body: ClientRequest.Body) -> ClientRequest {
        let xid = takeXid()
        inFlight.append(InFlight(xid: xid, id: id, op: op, watch: WatchIntent(op: op, body: body)))
        return ClientRequest(xid: xid, op: op, body: body)
    }

    private mutating func takeXid() -> Int32 {
        let xid = nextXid
        nextXid = xid == Int32.max ? 1 : xid + 1
        return xid
    }

    /// What a request gets once the session is over or closing (Apache's conLossPacket).
    private var refusalCode: ErrorCode {
        switch state {
        case .terminated(.authFailed): return .authFailed
        case .terminated: return .sessionExpired
        default: return .connectionLoss
        }
    }
}

extension ClientConnectionStateMachine {
    /// For tests: start with a given xid counter.
    init(configuration: Configuration, nextXid: Int32) {
        self.init(configuration: configuration)
        precondition(nextXid > 0)
        self.nextXid = nextXid
    }
}
