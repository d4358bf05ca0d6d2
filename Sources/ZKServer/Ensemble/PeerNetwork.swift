import NIOCore
import NIOPosix
import NIOSSL
import ZKTLS
import ZKJute
import ZKProtocol
import ZKReplica
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
    weak var delegate: (any PeerNetworkDelegate)?
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

    init(eventLoop: any EventLoop, settings: EnsembleSettings, tls: ServerTLS.Quorum? = nil) {
        self.eventLoop = eventLoop
        self.settings = settings
        self.tls = tls
    }

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
                    try channel.pipeline.syncOperations.addHandler(ElectionHandler(network: self, dialedPeer: nil))
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
                    try channel.pipeline.syncOperations.addHandler(LearnerHandler(network: self, peer: nil))
                }
            }
            .bind(host: me.host, port: me.quorumPort).get()
        listeners = [election, quorum]
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
        for (id, peer) in settings.members where id < settings.myId && electionChannels[id] == nil {
            dialElection(id, peer)
        }
    }

    // MARK: Sending

    func send(_ message: PeerMessage, to peer: Int64) {
        if case .zab(.notification(let n)) = message {
            let bytes = PeerWire.notificationMessage(n, config: settings.configText)
            guard let channel = electionChannels[peer] else {
                pendingNotifications[peer] = bytes
                if peer < settings.myId, let member = settings.members[peer] { dialElection(peer, member) }
                return
            }
            sendNotification(bytes, on: channel)
            return
        }
        let packet = PeerWire.packet(message, myId: settings.myId, config: settings.configText)
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

    private func dialElection(_ id: Int64, _ peer: ZooConfig.Peer) {
        guard electionDials.insert(id).inserted else { return }
        let initial = ElectionInitialMessage(version: .v2, sid: settings.myId,
                                             addresses: ["\(settings.me.host):\(settings.me.electionPort)"])
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(2))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try addTLS(to: channel, dialling: peer.host)
                    try channel.pipeline.syncOperations.addHandler(ElectionHandler(network: self, dialedPeer: id))
                }
            }
            .connect(host: peer.host, port: peer.electionPort)
            .whenComplete { [self] result in
                electionDials.remove(id)
                guard case .success(let channel) = result else { return }
                guard !stopped, electionChannels[id] == nil else { return channel.close(promise: nil) }
                // Apache reads the address without readFully: the initial message must go in one write.
                channel.writeAndFlush(ByteBuffer(bytes: initial.encodedBytes()), promise: nil)
                electionChannels[id] = channel
                electionConnected(id, channel)
            }
    }

    /// An accepted election connection introduced itself. Apache's rule: the larger id keeps the connection
    /// it dialled, so one from a smaller id is closed and dialled back.
    fileprivate func electionPeerIdentified(_ sid: Int64, channel: any Channel) -> Bool {
        guard let peer = settings.members[sid], sid != settings.myId, !stopped else { return false }
        if sid < settings.myId {
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
        guard let peer = settings.members[leader] else { return }
        learnerDials[leader] = [first]
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(2))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try addTLS(to: channel, dialling: peer.host)
                    try channel.pipeline.syncOperations.addHandler(LearnerHandler(network: self, peer: leader))
                }
            }
            .connect(host: peer.host, port: peer.quorumPort)
            .whenComplete { [self] result in
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
    }

    /// A learner introduced itself on the quorum port (FOLLOWERINFO/OBSERVERINFO with its id).
    fileprivate func learnerIdentified(_ sid: Int64, channel: any Channel) -> Bool {
        guard settings.members[sid] != nil, sid != settings.myId, !stopped else { return false }
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

/// Reads an election connection: the initial message when we accepted it, then notification frames.
private final class ElectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let network: PeerNetwork
    var peer: Int64?
    var buffer = ByteBuffer()

    init(network: PeerNetwork, dialedPeer: Int64?) {
        self.network = network
        self.peer = dialedPeer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        do {
            if peer == nil {
                guard let initial = try ElectionInitialMessage.decode(from: &buffer) else { return }
                guard network.electionPeerIdentified(initial.sid, channel: context.channel) else {
                    return context.close(promise: nil)
                }
                peer = initial.sid
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
    var buffer = ByteBuffer()

    init(network: PeerNetwork, peer: Int64?) {
        self.network = network
        self.peer = peer
        acceptedFromLearner = peer == nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        do {
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
        network.learnerChannelClosed(peer, channel: context.channel)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
