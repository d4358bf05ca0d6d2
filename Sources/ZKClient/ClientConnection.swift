import NIOConcurrencyHelpers
import NIOCore
import ZKProtocol
import ZKSecurity

/// Opens a channel to `host` on `eventLoop`, running `initializer` on it before it goes active.
typealias ClientConnector = @Sendable (
    _ host: HostPort, _ eventLoop: any EventLoop,
    _ initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
) -> EventLoopFuture<any Channel>

/// What the public getters read from any thread.
struct SessionSnapshot: Sendable, Equatable {
    var sessionId: Int64 = 0
    var password: [UInt8] = []
    var negotiatedTimeout: Int32 = 0
    var lastZxid: Int64 = 0
    var connectedHost: String?
    var state: SessionState = .connecting
}

/// The I/O shell of one session: owns the state machine, the current channel, the timer and the callers'
/// promises, and executes the machine's actions. It outlives channels: a reconnect is a new channel (with a
/// new generation) under the same machine.
final class ClientConnection: @unchecked Sendable {
    // Invariant: every `var` below is read and written on `eventLoop` only; that is what makes the
    // @unchecked Sendable sound. `hub` and `snapshot` are thread-safe on their own.
    let eventLoop: any EventLoop
    let hub = EventHub()
    let snapshot = NIOLockedValueBox(SessionSnapshot())

    private var machine: ClientConnectionStateMachine
    private let connector: ClientConnector
    private let tickInterval: TimeAmount
    private let maxFrameLength: Int
    private var channel: (any Channel)?
    private var generation: UInt64 = 0
    private var promises: [RequestID: EventLoopPromise<ClientReply>] = [:]
    private var nextID: RequestID = 0
    /// Frames written since the last flush; one write and one flush per batch.
    private var outbound: ByteBuffer?
    private var flushScheduled = false
    private var tickTask: RepeatedTask?
    private var published = SessionSnapshot()
    private let firstSession: EventLoopPromise<Void>
    private var firstSessionResolved = false
    private let terminated: EventLoopPromise<Void>
    private var isTerminated = false
    /// Until the first session: each server's last failure, for ConnectError, and why we closed a channel.
    private var attemptFailures: [ConnectError.Attempt] = []
    private var closingReason: String?
    private let onConnectFailure: (@Sendable (ConnectError.Attempt) -> Void)?

    init(configuration: ClientConnectionStateMachine.Configuration, eventLoop: any EventLoop,
         connector: @escaping ClientConnector, tickInterval: TimeAmount? = nil, maxFrameLength: Int = 4 << 20,
         onConnectFailure: (@Sendable (ConnectError.Attempt) -> Void)? = nil) {
        self.eventLoop = eventLoop
        self.onConnectFailure = onConnectFailure
        self.machine = ClientConnectionStateMachine(configuration: configuration)
        self.connector = connector
        // Fine enough for pings at 1/3 of the timeout and for back-offs of 50 ms and more.
        self.tickInterval = tickInterval
            ?? .milliseconds(max(10, min(100, Int64(configuration.sessionTimeoutMs) / 30)))
        self.maxFrameLength = maxFrameLength
        self.firstSession = eventLoop.makePromise(of: Void.self)
        self.terminated = eventLoop.makePromise(of: Void.self)
    }

    // MARK: - API side (any thread)

    func start() {
        onLoop {
            let interval = self.tickInterval
            self.tickTask = self.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                self.run(self.machine.tick(now: self.eventLoop.now))
            }
            self.run(self.machine.start(now: self.eventLoop.now))
        }
    }

    /// Succeeds at the first established session; fails if the session ends first or `timeout` passes,
    /// in which case the connection is closed.
    func waitForFirstSession(timeout: TimeAmount) -> EventLoopFuture<Void> {
        onLoop {
            guard !self.firstSessionResolved else { return }
            let timer = self.eventLoop.scheduleTask(in: timeout) {
                guard !self.firstSessionResolved else { return }
                // The attempt still under way when time ran out: a server that accepted and never answered.
                if !self.attemptFailures.contains(where: { $0.server == self.machine.currentHost }) {
                    self.attemptFailures.append(ConnectError.Attempt(server: self.machine.currentHost, reason: "timed out waiting for the server's answer"))
                }
                self.resolveFirstSession(.failure(ConnectError(attempts: self.attemptFailures, timeout: .nanoseconds(timeout.nanoseconds))))
                self.run(self.machine.close(now: self.eventLoop.now))
            }
            self.firstSession.futureResult.whenComplete { _ in timer.cancel() }
        }
        return firstSession.futureResult
    }

    func submit(_ op: OpCode, _ body: ClientRequest.Body) -> EventLoopFuture<ClientReply> {
        let promise = eventLoop.makePromise(of: ClientReply.self)
        onLoop {
            let id = self.register(promise)
            self.run(self.machine.submit(id, op: op, body: body, now: self.eventLoop.now))
        }
        return promise.futureResult
    }

    func addAuth(_ packet: AuthPacket) -> EventLoopFuture<ClientReply> {
        let promise = eventLoop.makePromise(of: ClientReply.self)
        onLoop {
            let id = self.register(promise)
            self.run(self.machine.addAuth(id, packet, now: self.eventLoop.now))
        }
        return promise.futureResult
    }

    /// Ends the session; the future completes once the connection is fully shut.
    func close() -> EventLoopFuture<Void> {
        onLoop { self.run(self.machine.close(now: self.eventLoop.now)) }
        return terminated.futureResult
    }

    // MARK: - Channel side (on the event loop, from ClientChannelHandler)

    func channelActive(_ channel: any Channel, generation: UInt64) {
        guard generation == self.generation else { return channel.close(promise: nil) }
        self.channel = channel
        var generator = SystemRandomNumberGenerator()
        run(machine.channelActive(now: eventLoop.now, cnonce: DigestMD5.makeNonce(using: &generator)))
    }

    func frameReceived(_ frame: ByteBuffer, generation: UInt64) {
        guard generation == self.generation else { return }
        run(machine.frameReceived(frame, now: eventLoop.now))
    }

    /// Why the channel is about to close, told in the failed attempt (a TLS handshake refused, say).
    func channelFailed(_ error: any Error, generation: UInt64) {
        guard generation == self.generation, !firstSessionResolved, closingReason == nil else { return }
        closingReason = ConnectError.reason(error)
    }

    func channelInactive(generation: UInt64) {
        guard generation == self.generation else { return }
        if !firstSessionResolved {
            recordFailure(machine.currentHost, closingReason ?? "closed by the server before the session was established")
        }
        closingReason = nil
        run(machine.channelInactive(now: eventLoop.now))
    }

    func flushIfNeeded(generation: UInt64) {
        guard generation == self.generation else { return }
        flushNow()
    }

    // MARK: - Executing actions

    private func run(_ action: ClientConnectionStateMachine.Action) {
        // Publish first, so that whoever is woken below already sees the new zxid and state.
        publish()
        switch action {
        case .none:
            break
        case .connect(let host):
            connect(to: host)
        case .sendConnectRequest(let request):
            enqueue(request)
            flushNow()
        case .send(let request):
            enqueue(request)
            scheduleFlush()
        case .sessionEstablished(let event, let requests):
            for request in requests { enqueue(request) }
            flushNow()
            hub.yield(event)
            resolveFirstSession(.success(()))
        case .complete(let id, let reply, let events):
            promises.removeValue(forKey: id)?.succeed(reply)
            for event in events { hub.yield(event) }
        case .fail(let id, let error):
            promises.removeValue(forKey: id)?.fail(error)
        case .failRequests(let ids, let error):
            for id in ids { promises.removeValue(forKey: id)?.fail(error) }
        case .deliver(let event):
            hub.yield(event)
        case .closeChannel:
            if !firstSessionResolved { closingReason = "timed out waiting for the server's answer" }
            channel?.close(promise: nil)
        case .connectionLost(let failed, let event, let reconnect):
            dropChannel()
            let error = ZooKeeperError(code: .connectionLoss)
            for id in failed { promises.removeValue(forKey: id)?.fail(error) }
            if let event { hub.yield(event) }
            if let reconnect { connect(to: reconnect) }
        case .terminate(let failed, let error, let event, let completed):
            flushNow()  // the closeSession reply came; nothing is left to write, but be exact
            dropChannel()
            tickTask?.cancel()
            tickTask = nil
            if let completed { promises.removeValue(forKey: completed.id)?.succeed(completed.reply) }
            for id in failed { promises.removeValue(forKey: id)?.fail(error) }
            hub.yield(event)
            hub.finish()
            resolveFirstSession(.failure(error))
            if !isTerminated {
                isTerminated = true
                terminated.succeed(())
            }
        }
    }

    private func connect(to host: HostPort) {
        generation &+= 1
        let generation = self.generation
        let maxFrameLength = self.maxFrameLength
        connector(host, eventLoop) { channel in
            channel.eventLoop.makeCompletedFuture {
                let sync = channel.pipeline.syncOperations
                try sync.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameLength: maxFrameLength)))
                try sync.addHandler(ClientChannelHandler(connection: self, generation: generation))
            }
        }.hop(to: eventLoop).whenComplete { result in
            switch result {
            case .success(let channel):
                if generation != self.generation { channel.close(promise: nil) }
            case .failure(let error):
                guard generation == self.generation else { return }
                self.recordFailure(host, ConnectError.reason(error))
                self.run(self.machine.connectFailed(now: self.eventLoop.now))
            }
        }
    }

    /// Forgets the current channel (closing it if still open); its late events are ignored from now on.
    private func dropChannel() {
        generation &+= 1
        channel?.close(promise: nil)
        channel = nil
        outbound = nil
    }

    private func enqueue(_ request: ClientRequest) {
        if outbound == nil { outbound = channel?.allocator.buffer(capacity: 256) ?? ByteBuffer() }
        outbound!.writeFrame { request.encode(into: &$0) }
    }

    private func enqueue(_ request: ConnectRequest) {
        if outbound == nil { outbound = channel?.allocator.buffer(capacity: 64) ?? ByteBuffer() }
        outbound!.writeFrame { request.encode(into: &$0) }
    }

    /// Requests submitted in the same event-loop turn share one flush.
    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        eventLoop.execute {
            self.flushScheduled = false
            self.flushNow()
        }
    }

    private func flushNow() {
        guard let buffer = outbound, buffer.readableBytes > 0, let channel else { return }
        outbound = nil
        channel.writeAndFlush(buffer, promise: nil)
    }

    private func register(_ promise: EventLoopPromise<ClientReply>) -> RequestID {
        let id = nextID
        nextID &+= 1
        promises[id] = promise
        return id
    }

    private func recordFailure(_ server: HostPort, _ reason: String) {
        let attempt = ConnectError.Attempt(server: server, reason: reason)
        onConnectFailure?(attempt)
        guard !firstSessionResolved else { return }
        if let index = attemptFailures.firstIndex(where: { $0.server == server }) {
            attemptFailures[index] = attempt
        } else {
            attemptFailures.append(attempt)
        }
    }

    private func resolveFirstSession(_ result: Result<Void, any Error>) {
        guard !firstSessionResolved else { return }
        firstSessionResolved = true
        firstSession.completeWith(result)
    }

    private func publish() {
        let state = machine.sessionState
        let sessionId = machine.sessionId
        guard state != published.state || sessionId != published.sessionId
            || machine.lastZxid != published.lastZxid || machine.negotiatedTimeoutMs != published.negotiatedTimeout
        else { return }
        if state != published.state || sessionId != published.sessionId {
            published.connectedHost = state.isConnected ? machine.currentHost.description : nil
            published.password = machine.sessionPassword
        }
        published.state = state
        published.sessionId = sessionId
        published.lastZxid = machine.lastZxid
        published.negotiatedTimeout = machine.negotiatedTimeoutMs
        let copy = published
        snapshot.withLockedValue { $0 = copy }
    }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }
}
