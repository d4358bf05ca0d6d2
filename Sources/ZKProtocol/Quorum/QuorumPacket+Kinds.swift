import ZKJute

// One constructor per packet kind, with the zxid and data each carries in Apache 3.8 (the method that
// builds it is named), so callers cannot put a payload in the wrong packet or forget a null.

extension QuorumPacket {
    /// Learner -> leader, first packet: zxid = makeZxid(acceptedEpoch, 0) (Learner.registerWithLeader).
    public static func learnerInfo(observer: Bool = false, acceptedEpoch: Int64, info: LearnerInfo) -> QuorumPacket {
        QuorumPacket(observer ? .observerInfo : .followerInfo, zxid: ZxidUtils.make(epoch: acceptedEpoch, counter: 0),
                     bytes: info.encodedBytes())
    }

    /// Leader -> learner: the proposed epoch (LearnerHandler.run).
    public static func leaderInfo(newEpoch: Int64, protocolVersion: Int32 = LearnerInfo.zab10ProtocolVersion) -> QuorumPacket {
        QuorumPacket(.leaderInfo, zxid: ZxidUtils.make(epoch: newEpoch, counter: 0),
                     bytes: LeaderInfoData(protocolVersion: protocolVersion).encodedBytes())
    }

    /// Learner -> leader: zxid = the learner's last logged zxid (Learner.registerWithLeader).
    public static func ackEpoch(lastLoggedZxid: Int64, currentEpoch: Int32) -> QuorumPacket {
        QuorumPacket(.ackEpoch, zxid: lastLoggedZxid, bytes: AckEpochData(currentEpoch: currentEpoch).encodedBytes())
    }

    /// Leader -> learner: the sync mode, with the zxid it is about (LearnerHandler.syncFollower / run).
    public static func diff(zxid: Int64) -> QuorumPacket { QuorumPacket(.diff, zxid: zxid) }
    public static func trunc(zxid: Int64) -> QuorumPacket { QuorumPacket(.trunc, zxid: zxid) }
    /// Followed on the stream by the snapshot and SnapTransfer's signature.
    public static func snap(lastProcessedZxid: Int64) -> QuorumPacket { QuorumPacket(.snap, zxid: lastProcessedZxid) }

    /// Leader -> learner, end of sync: zxid = makeZxid(newEpoch, 0), data = the quorum configuration text
    /// (QuorumVerifier.toString in UTF-8) for Zab 1.0 learners, null for older ones (LearnerHandler.run).
    public static func newLeader(zxid: Int64, config: String?) -> QuorumPacket {
        QuorumPacket(.newLeader, zxid: zxid, bytes: config.map { Array($0.utf8) })
    }

    /// Leader -> learner: start serving (LearnerHandler.run).
    public static let upToDate = QuorumPacket(.upToDate, zxid: -1)

    /// Learner -> leader: acknowledges a proposal, NEWLEADER (zxid = NEWLEADER's zxid) or UPTODATE
    /// (zxid = makeZxid(newEpoch, 0)).
    public static func ack(zxid: Int64) -> QuorumPacket { QuorumPacket(.ack, zxid: zxid) }

    /// Leader -> follower (Leader.propose); INFORM carries the same data to observers (Leader.inform).
    public static func proposal(_ txn: SerializedTxn) -> QuorumPacket {
        QuorumPacket(.proposal, zxid: txn.header.zxid, bytes: txn.encodedBytes())
    }
    public static func inform(_ txn: SerializedTxn) -> QuorumPacket {
        QuorumPacket(.inform, zxid: txn.header.zxid, bytes: txn.encodedBytes())
    }

    public static func commit(zxid: Int64) -> QuorumPacket { QuorumPacket(.commit, zxid: zxid) }

    public static func commitAndActivate(zxid: Int64, designatedLeader: Int64) -> QuorumPacket {
        QuorumPacket(.commitAndActivate, zxid: zxid, bytes: DesignatedLeaderData(designatedLeader: designatedLeader).encodedBytes())
    }

    public static func informAndActivate(designatedLeader: Int64, txn: SerializedTxn) -> QuorumPacket {
        QuorumPacket(.informAndActivate, zxid: txn.header.zxid,
                     bytes: InformAndActivateData(designatedLeader: designatedLeader, txn: txn).encodedBytes())
    }

    /// Leader -> learner: zxid = the leader's last proposed zxid, no data (LearnerHandler.ping).
    public static func leaderPing(lastProposed: Int64) -> QuorumPacket { QuorumPacket(.ping, zxid: lastProposed) }

    /// Learner -> leader: the answer to `ping`, echoing its type, zxid and authinfo (Learner.ping).
    public static func pingReply(to ping: QuorumPacket, sessions: [SessionTouch]) -> QuorumPacket {
        QuorumPacket(type: ping.type, zxid: ping.zxid, bytes: SessionTouches(sessions: sessions).encodedBytes(),
                     authinfo: ping.authinfo)
    }

    /// Learner -> leader (Learner.validateSession).
    public static func revalidate(sessionId: Int64, timeout: Int32) -> QuorumPacket {
        QuorumPacket(.revalidate, zxid: -1, bytes: RevalidateRequest(sessionId: sessionId, timeout: timeout).encodedBytes())
    }

    /// Leader -> learner: the request packet returned with the verdict (Leader.revalidateSession).
    public static func revalidateReply(to request: QuorumPacket, sessionId: Int64, valid: Bool) -> QuorumPacket {
        QuorumPacket(type: request.type, zxid: request.zxid,
                     bytes: RevalidateReply(sessionId: sessionId, valid: valid).encodedBytes(), authinfo: request.authinfo)
    }

    /// Leader -> learner: a forwarded sync is done (Leader.sendSync).
    public static let sync = QuorumPacket(.sync, zxid: 0)

    /// Learner -> leader (Learner.request). Apache sends null authinfo when the request has none.
    public static func request(_ request: LearnerRequest, authinfo: [Id]?) -> QuorumPacket {
        QuorumPacket(.request, zxid: -1, bytes: request.encodedBytes(), authinfo: authinfo)
    }
}

/// Apache's ZxidUtils: the epoch in the high 32 bits, the counter in the low 32. (Named after Apache's
/// class so it does not clash with ZKZab's Zxid type where both modules are imported.)
public enum ZxidUtils {
    public static func make(epoch: Int64, counter: Int64) -> Int64 { (epoch << 32) | (counter & 0xffff_ffff) }
    /// An arithmetic shift, as Java's `zxid >> 32L`: the epoch of -1 is -1.
    public static func epoch(of zxid: Int64) -> Int64 { zxid >> 32 }
    public static func counter(of zxid: Int64) -> Int64 { zxid & 0xffff_ffff }
}
