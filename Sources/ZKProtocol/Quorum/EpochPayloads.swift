import NIOCore
import ZKJute

// The fixed-size payloads of the epoch exchange and of reconfig activation. Apache writes them with
// ByteBuffer.putInt / putLong and reads them with getInt / getLong, so they are bare big-endian
// integers with no jute framing.

/// LEADERINFO data: the leader's protocol version (LearnerHandler.run sends 0x10000). The new epoch
/// itself travels in the packet's zxid, as makeZxid(newEpoch, 0).
public struct LeaderInfoData: JuteRecord, Hashable {
    public var protocolVersion: Int32
    public init(protocolVersion: Int32 = LearnerInfo.zab10ProtocolVersion) { self.protocolVersion = protocolVersion }
    public func encode(into b: inout ByteBuffer) { b.writeJuteInt(protocolVersion) }
    public init(from b: inout ByteBuffer) throws(JuteError) { protocolVersion = try b.readJuteInt("LEADERINFO.protocolVersion") }
}

/// ACKEPOCH data: the learner's current epoch as an int (Learner.registerWithLeader casts the long
/// epoch to int), or -1 when the learner had already accepted this epoch: that reply must not count
/// as an epoch ack, but its zxid (the learner's last logged zxid) still decides how to sync it.
public struct AckEpochData: JuteRecord, Hashable {
    public static let alreadyAccepted: Int32 = -1

    public var currentEpoch: Int32
    public init(currentEpoch: Int32) { self.currentEpoch = currentEpoch }
    public var isAlreadyAccepted: Bool { currentEpoch == Self.alreadyAccepted }
    public func encode(into b: inout ByteBuffer) { b.writeJuteInt(currentEpoch) }
    public init(from b: inout ByteBuffer) throws(JuteError) { currentEpoch = try b.readJuteInt("ACKEPOCH.currentEpoch") }
}

/// COMMITANDACTIVATE data: the server id the reconfig designates as leader (Leader.commitAndActivate).
public struct DesignatedLeaderData: JuteRecord, Hashable {
    public var designatedLeader: Int64
    public init(designatedLeader: Int64) { self.designatedLeader = designatedLeader }
    public func encode(into b: inout ByteBuffer) { b.writeJuteLong(designatedLeader) }
    public init(from b: inout ByteBuffer) throws(JuteError) { designatedLeader = try b.readJuteLong("designatedLeader") }
}
