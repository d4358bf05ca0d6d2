import NIOCore
import ZKJute

/// LearnerInfo {long serverid; int protocolVersion; long configVersion} (zookeeper.jute): the data of
/// FOLLOWERINFO / OBSERVERINFO, written by Learner.registerWithLeader as a jute record.
public struct LearnerInfo: JuteRecord, Hashable {
    /// The Zab 1.0 protocol version every 3.4+ learner and leader sends (Learner, LearnerHandler).
    public static let zab10ProtocolVersion: Int32 = 0x10000

    public var serverid: Int64
    public var protocolVersion: Int32
    /// The version of the learner's last activated quorum configuration (QuorumVerifier.getVersion).
    public var configVersion: Int64

    public init(serverid: Int64, protocolVersion: Int32 = zab10ProtocolVersion, configVersion: Int64) {
        self.serverid = serverid; self.protocolVersion = protocolVersion; self.configVersion = configVersion
    }

    public func encode(into b: inout ByteBuffer) {
        b.writeJuteLong(serverid); b.writeJuteInt(protocolVersion); b.writeJuteLong(configVersion)
    }

    public init(from b: inout ByteBuffer) throws(JuteError) {
        serverid = try b.readJuteLong("LearnerInfo.serverid")
        protocolVersion = try b.readJuteInt("LearnerInfo.protocolVersion")
        configVersion = try b.readJuteLong("LearnerInfo.configVersion")
    }
}

/// What a leader takes from a FOLLOWERINFO / OBSERVERINFO, read the way LearnerHandler.run does: each
/// field only when the data is long enough for it, so pre-3.4 (sid only) and pre-3.5 (no config
/// version) learners are still understood. Never fails.
public struct ReceivedLearnerInfo: Hashable, Sendable {
    /// nil when the packet had no data at all: Apache then gives the learner a fresh negative id
    /// (Leader.followerCounter, starting at -1). Data shorter than 8 bytes leaves Apache's default, 0.
    public var sid: Int64?
    /// 0x1 (LearnerHandler's default) when absent: a pre-Zab-1.0 learner that gets no LEADERINFO and
    /// a NEWLEADER without configuration.
    public var protocolVersion: Int32
    /// nil when absent. Apache drops a learner whose config version is above its own.
    public var configVersion: Int64?

    public init(data: [UInt8]?) {
        guard let data else { self.init(sid: nil, protocolVersion: 0x1, configVersion: nil); return }
        var b = ByteBuffer(bytes: data)
        let sid = data.count >= 8 ? b.readInteger(as: Int64.self) : 0
        let version = data.count >= 12 ? b.readInteger(as: Int32.self) : nil
        let config = data.count >= 20 ? b.readInteger(as: Int64.self) : nil
        self.init(sid: sid, protocolVersion: version ?? 0x1, configVersion: config)
    }

    public init(sid: Int64?, protocolVersion: Int32, configVersion: Int64?) {
        self.sid = sid; self.protocolVersion = protocolVersion; self.configVersion = configVersion
    }

    /// Whether the learner takes part in the LEADERINFO / ACKEPOCH exchange (LearnerHandler: version >= 0x10000).
    public var speaksZab10: Bool { protocolVersion >= LearnerInfo.zab10ProtocolVersion }
}
