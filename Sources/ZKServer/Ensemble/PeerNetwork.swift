import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ZKSecurity
import ZKTLS
import ZKJute
import ZKProtocol
import ZKReplica
import ZKServerCore
import ZKZab

/// What the network hands to the member that owns it; called on the server's event loop.
protocol PeerNetworkDelegate: AnyObject {
    func peerNetwork(received message: PeerMessage, from peer: Int64)
    /// A learner connection broke (either side): Zab must know the peer is gone.
    func peerNetwork(lostLearnerConnection peer: Int64)
}

/// The sockets between members, as Apache lays them out: an election connection between every pair of
/// participants (kept by the side with the larger id, which dials) carrying length-framed notifications, and
/// learner connections from each follower or observer to the leader's quorum port carrying QuorumPackets.
/// Everything runs on the server's one event loop, like the client connections.
final class PeerNetwork: @unchecked Sendable {
    let eventLoop: any EventLoop
    let settings: EnsembleSettings
    /// Every server we know an address for: zoo.cfg's, then each configuration seen since (a removed
    /// member stays, as it may still follow without a vote).
    private(set) var members: [Int64: QuorumServerSpec]
    /// The active configuration, whose text every notification carries and whose version FOLLOWERINFO gives.
    private(set) var membership: Membership
    private var configText: String
    weak var delegate: (any PeerNetworkDelegate)?
    /// The server's log: a failed quorum authentication is an operator's event, not a peer's.
    var logger = Logger(label: "zkserver")

    func logAuthFailure(_ message: String) { logger.error("\(message)") }
    private var listeners: [any Channel] = []
    private var electionChannels: [Int64: any Channel] = [:]
    private var electionDials: Set<Int64> = []
    /// The latest notification for a member whose election connection is not up yet (Apache queues them
    /// per member too); it goes out as soon as the connection is.
    private var pendingNotifications: [Int64: [UInt8]] = [:]
    private var learnerChannels: [Int64: any Channel] = [:]
    /// Packets for the leader while the learner connection to it is being made.
    private var learnerDials: [Int64: [QuorumPacket]] = [:]
    private var dirty: Set<ObjectIdentifier> = []
    private var dirtyChannels: [any Channel] = []
    private var stopped = false

    /// sslQuorum: TLS on every election and learner connection, both ways.
    let tls: ServerTLS.Quorum?
    /// quorum.auth.*: SASL at the start of every election and learner connection.
    let auth: QuorumAuthSettings

    init(eventLoop: any EventLoop, settings: EnsembleSettings, tls: ServerTLS.Quorum? = nil, auth: QuorumAuthSettings = QuorumAuthSettings()) {
        self.eventLoop = eventLoop
        self.settings = settings
        members = settings.members
        membership = settings.zab.membership
        configText = Replica.configText(settings.zab.membership)
        self.tls = tls
        self.auth = auth
    }

    /// A new dialling exchange with this member's QuorumLearner credentials; nil when it dials without SASL.
    func makeDialer() -> QuorumAuthDialer? {
        guard auth.dialsWithSasl, let user = auth.learnerUser else { return nil }
        var generator = SystemRandomNumberGenerator()
        return QuorumAuthDialer(user: user.name, password: user.password, cnonce: DigestMD5.makeNonce(using: &generator))
    }

    func makeAcceptor() -> QuorumAuthAcceptor {
        var generator = SystemRandomNumberGenerator()
        return QuorumAuthAcceptor(users: auth.serverUsers, nonce: DigestMD5.makeNonce(using: &generator))
    }

    /// How long a peer connection may take to authenticate before it is closed.
    static let authTimeout = TimeAmount.seconds(10)

    /// The TLS handler that goes first on an accepted (server) or dialled (client) peer channel.
    private func addTLS(to channel: any Channel, dialling host: String?) throws {
        guard let tls else { return }
        if let host {
            let name = tls.verifyHostname ? TLSServerName.forHost(host) : nil
            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls.client, serverHostname: name))
        } else {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.server))
        }
    }

    func start() async throws {
        let me = settings.me
        let election = try await ServerBootstrap(group: eventLoop)
            .pausingAcceptOnErrors()
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try addTLS(to: channel, dialling: nil)
                    try channel.pipeline.syncOperations.addHandler(ElectionHandler(network: self, dialedPeer: nil, dialer: nil))
                    if auth.acceptsSasl { closeUnlessAuthenticated(channel) }
                }
            }
            .bind(host: me.host, port: me.electionPort).get()
        let quorum = try await ServerBootstrap(group: eventLoop)
            .pausingAcceptOnErrors()
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try addTLS(to: channel, dialling: nil)
                    try channel.pipeline.syncOperations.addHandler(LearnerHandler(network: self, peer: nil, dialer: nil))
                    if auth.acceptsSasl { closeUnlessAuthenticated(channel) }
                }
            }
            .bind(host: me.host, port: me.quorumPort).get()
        listeners = [election, quorum]
    }

    /// A configuration was seen (its servers become reachable) or activated (`active`: it is the one we speak).
    func learn(_ config: QuorumConfig, active: Bool) {
        for (id, server) in config.servers { members[id] = server }
        guard active else { return }
        membership = config.membership
        configText = config.text
    }

    func shutdown() {
        stopped = true
        for channel in listeners { channel.close(promise: nil) }
        for channel in electionChannels.values { channel.close(promise: nil) }
        for channel in learnerChannels.values { channel.close(promise: nil) }
    }

    /// Keeps an election connection to every member with a smaller id (they wait for ours); observers take
    /// part too, to hear who leads.
    func tick() {
        guard !stopped else { return }
        for (id, peer) in members where id < settings.myId && electionChannels[id] == nil {
            dialElection(id, peer)
        }
    }

    // MARK: Sending

    func send(_ message: PeerMessage, to peer: Int64) {
        if case .zab(.notification(let n)) = message {
            let bytes = PeerWire.notificationMessage(n, config: configText)
            guard let channel = electionChannels[peer] else {
                pendingNotifications[peer] = bytes
                if peer < settings.myId, let member = members[peer] { dialElection(peer, member) }
                return
            }
            sendNotification(bytes, on: channel)
            return
        }
        let packet = PeerWire.packet(message, myId: settings.myId, membership: membership)
        if let channel = learnerChannels[peer] {
            var buffer = channel.allocator.buffer(capacity: 64 + (packet.data?.readableBytes ?? 0))
            packet.encode(into: &buffer)
            write(buffer, to: channel)
            return
        }
        // Only a learner opens a learner connection, with its first packet; a leader's packets for a learner
        // that is not connected are dropped (Zab starts that learner over when it reconnects).
        switch message {
        case .zab(.followerInfo), .zab(.observerInfo):
            if learnerDials[peer] != nil { learnerDials[peer]!.append(packet) } else { dialLeader(peer, first: packet) }
        default:
            if learnerDials[peer] != nil { learnerDials[peer]!.append(packet) }
        }
    }

    /// Writes gathered since the last flush go out in one syscall per channel. Runs by itself at the end of
    /// the event-loop turn that wrote (see `write`); the member calls it sooner when it has finished a step.
    func flush() {
        for channel in dirtyChannels { channel.flush() }
        dirtyChannels.removeAll(keepingCapacity: true)
        dirty.removeAll(keepingCapacity: true)
    }

    private func sendNotification(_ bytes: [UInt8], on channel: any Channel) {
        var frame = channel.allocator.buffer(capacity: bytes.count + 4)
        ElectionFraming.writeMessage(bytes, into: &frame)
        write(frame, to: channel)
    }

    /// A connection to `peer` is up: what waited for it goes now.
    private func electionConnected(_ peer: Int64, _ channel: any Channel) {
        if let pending = pendingNotifications.removeValue(forKey: peer) {
            sendNotification(pending, on: channel)
        }
    }

    /// Whatever part of the server wrote (a step of the peer, a tick, a client's request forwarded to the
    /// leader), the packet leaves by the end of this event-loop turn, batched with the turn's other writes.
    private func write(_ buffer: ByteBuffer, to channel: any Channel) {
        channel.write(buffer, promise: nil)
        if dirtyChannels.isEmpty { eventLoop.execute { [self] in flush() } }
        if dirty.insert(ObjectIdentifier(channel)).inserted { dirtyChannels.append(channel) }
    }

    /// Closes the learner connection with `peer` (a leader dropping a learner, or a learner leaving its leader).
    func closeLearnerConnection(_ peer: Int64) {
        learnerChannels.removeValue(forKey: peer)?.close(promise: nil)
        learnerDials[peer] = nil
    }

    // MARK: Election connections

    private func dialElection(_ id: Int64, _ peer: QuorumServerSpec) {
        guard electionDials.insert(id).inserted else { return }
        let initial = ElectionInitialMessage(version: .v2, sid: settings.myId,
                                             addresses: ["\(settings.me.host):\(settings.me.electionPort)"])
        let dialer = makeDialer()
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(2))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try addTLS(to: channel, dialling: peer.host)
                    try channel.pipeline.syncOperations.addHandler(ElectionHandler(network: self, dialedPeer: id, dialer: dialer))
                }
            }
            .connect(host: peer.host, port: peer.electionPort)
            .whenComplete { [self] result in
                electionDials.remove(id)
                guard case .success(let channel) = result else { return }
                guard !stopped, electionChannels[id] == nil else { return channel.close(promise: nil) }
                // Apache reads the address without readFully: the initial message must go in one write.
                channel.writeAndFlush(ByteBuffer(bytes: initial.encodedBytes()), promise: nil)
                if let dialer {
                    // Quorum SASL first: the connection carries notifications once the exchange succeeds.
                    channel.writeAndFlush(ByteBuffer(bytes: dialer.first.encodedBytes()), promise: nil)
                    closeUnlessAuthenticated(channel)
                    return
                }
                electionChannels[id] = channel
                electionConnected(id, channel)
            }
    }

    /// A dialled election connection passed quorum SASL.
    fileprivate func electionDialAuthenticated(_ id: Int64, channel: any Channel) {
        guard !stopped, electionChannels[id] == nil else { return channel.close(promise: nil) }
        electionChannels[id] = channel
        electionConnected(id, channel)
    }

    /// Quorum SASL must finish in time; a peer that stops halfway loses the connection.
    fileprivate func closeUnlessAuthenticated(_ channel: any Channel) {
        channel.eventLoop.scheduleTask(in: Self.authTimeout) { [weak channel] in
            guard let channel, channel.isActive else { return }
            let authenticated = (try? channel.pipeline.syncOperations.handler(type: ElectionHandler.self))?.authenticated
                ?? (try? channel.pipeline.syncOperations.handler(type: LearnerHandler.self))?.authenticated ?? true
            if !authenticated { channel.close(promise: nil) }
        }
    }

    /// An accepted election connection introduced itself. Apache's rule: the larger id keeps the connection
    /// it dialled, so one from a smaller id is closed and dialled back; one from a server no configuration
    /// names yet (a joiner) is kept, as we have no address to dial it at.
    fileprivate func electionPeerIdentified(_ sid: Int64, channel: any Channel) -> Bool {
        guard sid != settings.myId, !stopped else { return false }
        if sid < settings.myId, let peer = members[sid] {
            dialElection(sid, peer)
            return false
        }
        electionChannels[sid]?.close(promise: nil)
        electionChannels[sid] = channel
        electionConnected(sid, channel)
        return true
    }

    fileprivate func electionChannelClosed(_ sid: Int64?, channel: any Channel) {
        guard let sid, let current = electionChannels[sid], current === channel else { return }
        electionChannels[sid] = nil
    }

    fileprivate func received(_ message: PeerMessage, from peer: Int64) {
        delegate?.peerNetwork(received: message, from: peer)
    }

    // MARK: Learner connections

    private func dialLeader(_ leader: Int64, first: QuorumPacket) {
        guard let peer = members[leader] else { return }
        learnerDials[leader] = [first]
        let dialer = makeDialer()
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(2))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try addTLS(to: channel, dialling: peer.host)
                    try channel.pipeline.syncOperations.addHandler(LearnerHandler(network: self, peer: leader, dialer: dialer))
                }
            }
            .connect(host: peer.host, port: peer.quorumPort)
            .whenComplete { [self] result in
                if case .success(let channel) = result, let dialer, !stopped, learnerDials[leader] != nil {
                    // Quorum SASL before FOLLOWERINFO: the queued packets wait for its end.
                    channel.writeAndFlush(ByteBuffer(bytes: dialer.first.encodedBytes()), promise: nil)
                    closeUnlessAuthenticated(channel)
                    return
                }
                learnerDialReady(leader, result)
            }
    }

    /// The learner connection to `leader` is up (and authenticated, with quorum SASL): what waited goes.
    fileprivate func learnerDialReady(_ leader: Int64, _ result: Result<any Channel, any Error>) {
        let queued = learnerDials.removeValue(forKey: leader) ?? []
        guard case .success(let channel) = result, !stopped, !queued.isEmpty else {
            if case .success(let channel) = result { channel.close(promise: nil) }
            delegate?.peerNetwork(lostLearnerConnection: leader)
            return
        }
        learnerChannels[leader]?.close(promise: nil)
        learnerChannels[leader] = channel
        var buffer = channel.allocator.buffer(capacity: 256)
        for packet in queued { packet.encode(into: &buffer) }
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// A learner introduced itself on the quorum port (FOLLOWERINFO/OBSERVERINFO with its id). A server in
    /// no configuration may sync ahead of the reconfiguration that adds it; Zab gives it no vote.
    fileprivate func learnerIdentified(_ sid: Int64, channel: any Channel) -> Bool {
        guard sid != settings.myId, !stopped else { return false }
        if let old = learnerChannels[sid], old !== channel { old.close(promise: nil) }
        learnerChannels[sid] = channel
        return true
    }

    fileprivate func learnerChannelClosed(_ sid: Int64?, channel: any Channel) {
        guard let sid, let current = learnerChannels[sid], current === channel else { return }
        learnerChannels[sid] = nil
        delegate?.peerNetwork(lostLearnerConnection: sid)
    }
}

/// Quorum SASL on one peer connection, from either end: the handlers below run it before their traffic.
private struct PeerAuth {
    enum Phase {
        /// Accepting, with quorum SASL on: waiting to see whether the first packet is an auth packet.
        case peeking
        case dialing(QuorumAuthDialer)
        case accepting(QuorumAuthAcceptor)
        case done
    }
    var phase: Phase

    init(network: PeerNetwork, dialer: QuorumAuthDialer?, accepted: Bool) {
        if let dialer { phase = .dialing(dialer) } else if accepted && network.auth.acceptsSasl { phase = .peeking } else { phase = .done }
    }

    var isDone: Bool { if case .done = phase { true } else { false } }

    enum Outcome { case waiting, ready, failed }

    /// Runs the exchange on what has arrived. `failed`: the caller closes the channel (not here: closing
    /// runs channelInactive at once, which reads this state).
    mutating func advance(_ buffer: inout ByteBuffer, network: PeerNetwork, channel: any Channel) throws -> Outcome {
        while true {
            switch phase {
            case .done:
                return .ready
            case .peeking:
                guard let isAuth = QuorumAuthPacket.isNext(in: buffer) else { return .waiting }
                if isAuth {
                    phase = .accepting(network.makeAcceptor())
                } else if network.auth.serverRequireSasl {
                    network.logAuthFailure("a peer connected without quorum SASL, which quorum.auth.serverRequireSasl requires")
                    return .failed
                } else {
                    phase = .done
                }
            case .dialing(var dialer):
                guard let packet = try QuorumAuthPacket.next(from: &buffer) else { return .waiting }
                let step = dialer.received(packet)
                phase = .dialing(dialer)
                if !apply(step, channel: channel, network: network) { return .failed }
            case .accepting(var acceptor):
                guard let packet = try QuorumAuthPacket.next(from: &buffer) else { return .waiting }
                let step = acceptor.received(packet)
                phase = .accepting(acceptor)
                if !apply(step, channel: channel, network: network) { return .failed }
            }
        }
    }

    /// Writes what the step says; false when the connection must close.
    private mutating func apply(_ step: QuorumAuthStep, channel: any Channel, network: PeerNetwork) -> Bool {
        switch step {
        case .send(let packet):
            channel.writeAndFlush(ByteBuffer(bytes: packet.encodedBytes()), promise: nil)
            return true
        case .done(let packet):
            if let packet { channel.writeAndFlush(ByteBuffer(bytes: packet.encodedBytes()), promise: nil) }
            phase = .done
            return true
        case .failed(let packet, let reason):
            if let packet { channel.writeAndFlush(ByteBuffer(bytes: packet.encodedBytes()), promise: nil) }
            // An accepting member that does not require SASL lets a failed learner through, as Apache's; the
            // learner, told ERROR, closes anyway.
            if case .accepting = phase, !network.auth.serverRequireSasl {
                phase = .done
                return true
            }
            network.logAuthFailure("quorum SASL failed with \(channel.remoteAddress.map { "\($0)" } ?? "a peer"): \(reason)")
            return false
        }
    }
}

/// Reads an election connection: the initial message when we accepted it, then notification frames.
private final class ElectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let network: PeerNetwork
    var peer: Int64?
    let dialed: Bool
    /// The sid of an accepted connection's initial message, while quorum SASL runs.
    var announced: Int64?
    var auth: PeerAuth
    var buffer = ByteBuffer()

    init(network: PeerNetwork, dialedPeer: Int64?, dialer: QuorumAuthDialer?) {
        self.network = network
        self.peer = dialedPeer
        dialed = dialedPeer != nil
        auth = PeerAuth(network: network, dialer: dialer, accepted: dialedPeer == nil)
    }

    var authenticated: Bool { auth.isDone }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        do {
            if !dialed && announced == nil {
                guard let initial = try ElectionInitialMessage.decode(from: &buffer) else { return }
                announced = initial.sid
            }
            if !auth.isDone {
                // Apache authenticates an accepted connection before it compares ids, and a dialled one
                // before it sends a notification.
                switch try auth.advance(&buffer, network: network, channel: context.channel) {
                case .waiting: return
                case .failed: return context.close(promise: nil)
                case .ready: if dialed, let peer { network.electionDialAuthenticated(peer, channel: context.channel) }
                }
            }
            if peer == nil, let sid = announced {
                guard network.electionPeerIdentified(sid, channel: context.channel) else {
                    return context.close(promise: nil)
                }
                peer = sid
            }
            while let peer, let message = try ElectionFraming.nextMessage(from: &buffer) {
                if let notification = try PeerWire.notification(message) {
                    network.received(.zab(.notification(notification)), from: peer)
                }
            }
            buffer.discardReadBytes()
        } catch {
            // A peer that speaks garbage loses only this connection; it will be dialled again.
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        network.electionChannelClosed(peer, channel: context.channel)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Reads a learner connection: a stream of QuorumPackets. On the leader's side the first packet names the
/// learner (FOLLOWERINFO/OBSERVERINFO carry its LearnerInfo).
private final class LearnerHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let network: PeerNetwork
    /// Known from the start when we dialled the leader; learned from the first packet when we accepted.
    var peer: Int64?
    let acceptedFromLearner: Bool
    let decoder = QuorumPacketDecoder(extraMaxBuffer: 1 << 30)
    var auth: PeerAuth
    var buffer = ByteBuffer()

    init(network: PeerNetwork, peer: Int64?, dialer: QuorumAuthDialer?) {
        self.network = network
        self.peer = peer
        acceptedFromLearner = peer == nil
        auth = PeerAuth(network: network, dialer: dialer, accepted: peer == nil)
    }

    var authenticated: Bool { auth.isDone }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        do {
            if !auth.isDone {
                switch try auth.advance(&buffer, network: network, channel: context.channel) {
                case .waiting: return
                case .failed: return context.close(promise: nil)
                case .ready: if !acceptedFromLearner, let peer { network.learnerDialReady(peer, .success(context.channel)) }
                }
            }
            while let packet = try decoder.nextPacket(from: &buffer) {
                if peer == nil {
                    let type = ZKProtocol.QuorumPacketType(rawValue: packet.type)
                    guard type == .followerInfo || type == .observerInfo, let sid = ReceivedLearnerInfo(data: packet.dataBytes).sid,
                          network.learnerIdentified(sid, channel: context.channel) else {
                        return context.close(promise: nil)
                    }
                    peer = sid
                }
                guard let peer else { return }
                network.received(try PeerWire.message(packet, fromLearner: acceptedFromLearner), from: peer)
            }
            buffer.discardReadBytes()
        } catch {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A dial to the leader that failed its quorum SASL was never registered: what waited for it is
        // dropped and Zab is told the leader is unreachable, so that the next attempt dials again.
        if !acceptedFromLearner, !auth.isDone, let peer { return network.learnerDialReady(peer, .failure(ChannelError.ioOnClosedChannel)) }
        network.learnerChannelClosed(peer, channel: context.channel)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
