import NIOCore
import ZKDataTree
import ZKJute
import ZKProtocol
import ZKReplica
import ZKServerCore
import ZKZab

/// PeerMessage ↔ Apache's bytes: election notifications and QuorumPackets, as Apache 3.8 lays them out
/// (docs/formats/peer-wire.md). One deviation: SNAP carries the snapshot in the packet's data instead of
/// streaming it after the packet.
enum PeerWire {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func notificationMessage(_ n: ZKZab.Notification, config: String) -> [UInt8] {
        ElectionNotification(state: n.state.rawValue, leader: n.leader, zxid: n.zxid.rawValue, electionEpoch: n.electionEpoch,
                             peerEpoch: n.peerEpoch, version: ElectionNotification.currentVersion, config: Array(config.utf8))
            .encodedBytes()
    }

    /// nil for a notification to ignore (an unknown state), as FastLeaderElection skips it.
    static func notification(_ message: ByteBuffer) throws -> ZKZab.Notification? {
        let n = try ElectionNotification(message: message)
        guard let state = ServerState(rawValue: n.state) else { return nil }
        return Notification(state: state, vote: Vote(leader: n.leader, zxid: Zxid(rawValue: n.zxid), electionEpoch: n.electionEpoch,
                                                     peerEpoch: n.peerEpoch))
    }

    /// - Parameter membership: this server's active configuration, which FOLLOWERINFO gives the version of.
    static func packet(_ message: PeerMessage, myId: Int64, membership: Membership) -> QuorumPacket {
        switch message {
        case .request(let forwarded):
            return .request(forwarded.learnerRequest, authinfo: forwarded.authIds)
        case .syncAnswered:
            return QuorumPacket(.sync, zxid: 0)
        case .revalidate(let request):
            return .revalidate(sessionId: request.sessionId, timeout: request.timeout)
        case .revalidated(let reply):
            return QuorumPacket(.revalidate, zxid: -1, bytes: reply.encodedBytes())
        case .learnerPing(let zxid, let sessions):
            var data = ByteBuffer()
            SessionTouches(sessions: sessions).encode(into: &data)
            return QuorumPacket(.ping, zxid: zxid.rawValue, data: data)
        case .zab(let zab):
            return packet(zab, myId: myId, membership: membership)
        }
    }

    static func packet(_ message: ZabMessage, myId: Int64, membership: Membership) -> QuorumPacket {
        switch message {
        case .notification:
            preconditionFailure("notifications travel on the election channel")
        case .request(let payload):
            return QuorumPacket(.request, zxid: -1, data: payload)
        case .proposal(let entry):
            return QuorumPacket(.proposal, zxid: entry.zxid.rawValue, data: entry.payload)
        case .inform(let entry):
            return QuorumPacket(.inform, zxid: entry.zxid.rawValue, data: entry.payload)
        case .ack(let zxid):
            return .ack(zxid: zxid.rawValue)
        case .commit(let zxid):
            return .commit(zxid: zxid.rawValue)
        case .commitAndActivate(let zxid, let leader):
            return .commitAndActivate(zxid: zxid.rawValue, designatedLeader: leader)
        case .informAndActivate(let entry, let leader):
            var data = ByteBuffer()
            data.writeInteger(leader)
            data.writeImmutableBuffer(entry.payload)
            return QuorumPacket(.informAndActivate, zxid: entry.zxid.rawValue, data: data)
        case .ping(let zxid):
            return QuorumPacket(.ping, zxid: zxid.rawValue)
        case .newLeader(let zxid, let config):
            return .newLeader(zxid: zxid.rawValue, config: config.map(Replica.configText))
        case .followerInfo(let zxid), .observerInfo(let zxid):
            let observer: Bool
            if case .observerInfo = message { observer = true } else { observer = false }
            return .learnerInfo(observer: observer, acceptedEpoch: zxid.epoch, info: LearnerInfo(serverid: myId, configVersion: membership.version))
        case .upToDate:
            return .upToDate
        case .diff(let zxid):
            return .diff(zxid: zxid.rawValue)
        case .trunc(let zxid):
            return .trunc(zxid: zxid.rawValue)
        case .snap(let snapshot):
            return QuorumPacket(.snap, zxid: snapshot.zxid.rawValue, data: snapshot.data)
        case .leaderInfo(let zxid):
            return .leaderInfo(newEpoch: zxid.epoch)
        case .ackEpoch(let lastZxid, let currentEpoch):
            return .ackEpoch(lastLoggedZxid: lastZxid.rawValue, currentEpoch: currentEpoch)
        }
    }

    /// - Parameter fromLearner: the packet came from a learner (so a PING carries its sessions).
    static func message(_ packet: QuorumPacket, fromLearner: Bool) throws -> PeerMessage {
        guard let type = ZKProtocol.QuorumPacketType(rawValue: packet.type) else {
            throw Malformed(description: "unknown quorum packet type \(packet.type)")
        }
        let zxid = Zxid(rawValue: packet.zxid)
        do {
            switch type {
            case .request:
                var data = packet.data ?? ByteBuffer()
                return .request(try ForwardedRequest(try LearnerRequest(from: &data), authIds: packet.authinfo ?? []))
            case .sync:
                return .syncAnswered
            case .ping where fromLearner:
                var data = packet.data ?? ByteBuffer()
                return .learnerPing(zxid, try SessionTouches(from: &data).sessions)
            case .ping: return .zab(.ping(zxid))
            case .proposal: return .zab(.proposal(Replica.logEntry(zxid: packet.zxid, payload: packet.data ?? ByteBuffer())))
            case .inform: return .zab(.inform(Replica.logEntry(zxid: packet.zxid, payload: packet.data ?? ByteBuffer())))
            case .ack: return .zab(.ack(zxid))
            case .commit: return .zab(.commit(zxid))
            case .commitAndActivate:
                return .zab(.commitAndActivate(zxid, designatedLeader: try packet.payload(DesignatedLeaderData.self).designatedLeader))
            case .informAndActivate:
                var data = packet.data ?? ByteBuffer()
                guard let leader = data.readInteger(as: Int64.self) else { throw Malformed(description: "INFORMANDACTIVATE without its leader") }
                return .zab(.informAndActivate(Replica.logEntry(zxid: packet.zxid, payload: data), designatedLeader: leader))
            case .newLeader:
                // A learner of an older Apache sends no configuration; one that does not parse is the leader's fault.
                guard let data = packet.data, data.readableBytes > 0 else { return .zab(.newLeader(zxid, config: nil)) }
                do {
                    return .zab(.newLeader(zxid, config: try QuorumConfig(text: String(buffer: data)).membership))
                } catch {
                    throw Malformed(description: "NEWLEADER configuration: \(error)")
                }
            case .followerInfo: return .zab(.followerInfo(zxid))
            case .observerInfo: return .zab(.observerInfo(zxid))
            case .upToDate: return .zab(.upToDate)
            case .diff: return .zab(.diff(zxid))
            case .trunc: return .zab(.trunc(zxid))
            case .snap: return .zab(.snap(Snapshot(zxid: zxid, data: packet.data ?? ByteBuffer())))
            case .leaderInfo: return .zab(.leaderInfo(zxid))
            case .ackEpoch:
                return .zab(.ackEpoch(lastZxid: zxid, currentEpoch: try packet.payload(AckEpochData.self).currentEpoch))
            case .revalidate where fromLearner:
                return .revalidate(try packet.payload(RevalidateRequest.self))
            case .revalidate:
                return .revalidated(try packet.payload(RevalidateReply.self))
            }
        } catch let error as JuteError {
            throw Malformed(description: "\(type): \(error)")
        }
    }
}
