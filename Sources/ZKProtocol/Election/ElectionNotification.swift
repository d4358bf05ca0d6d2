import NIOCore
import ZKJute

/// A FastLeaderElection vote, the body of an election message. 3.8 sends (buildMsg):
///
///     int state; long leader; long zxid; long electionEpoch; long peerEpoch; int version (2);
///     int configLength; configLength bytes of the sender's QuorumVerifier.toString() in UTF-8
///
/// and reads older, shorter forms by the message's total size (Messenger.WorkerReceiver.run):
/// 28 bytes (before ZOOKEEPER-107: no peerEpoch, taken as the zxid's epoch), exactly 40 bytes (3.4:
/// peerEpoch, then an int that is ignored, so the version reads as 0), and otherwise peerEpoch and
/// version, with the config only when version > 1. Bytes after what a layout needs are ignored.
public struct ElectionNotification: Hashable, Sendable {
    /// Notification.CURRENTVERSION.
    public static let currentVersion: Int32 = 2
    /// The fewest bytes any layout has; Apache drops shorter messages.
    public static let minimumLength = 28

    /// QuorumPeer.ServerState in ordinal order, as sent.
    public enum ServerState: Int32, Sendable, CaseIterable { case looking = 0, following = 1, leading = 2, observing = 3 }

    public enum Layout: Sendable, CaseIterable {
        /// 28 bytes: state, leader, zxid, electionEpoch.
        case withoutPeerEpoch
        /// 40 bytes: + peerEpoch + an int (buildMsg's 5-argument form writes 0x1) the receiver ignores.
        case withoutVersion
        /// 44 + config bytes: the 3.8 form.
        case current
    }

    /// Raw, because Apache ignores (rather than fails on) a message with an unknown state.
    public var state: Int32
    /// The proposed leader's sid.
    public var leader: Int64
    /// The proposed leader's last zxid.
    public var zxid: Int64
    /// The sender's logical clock (election round).
    public var electionEpoch: Int64
    public var peerEpoch: Int64
    public var version: Int32
    /// The configuration text's bytes; present (possibly empty) exactly when version > 1.
    public var config: [UInt8]?

    public init(state: Int32, leader: Int64, zxid: Int64, electionEpoch: Int64, peerEpoch: Int64,
                version: Int32 = currentVersion, config: [UInt8]?) {
        self.state = state; self.leader = leader; self.zxid = zxid; self.electionEpoch = electionEpoch
        self.peerEpoch = peerEpoch; self.version = version; self.config = config
    }

    /// A vote in the current layout, as a 3.8 server sends it.
    public init(state: ServerState, leader: Int64, zxid: Int64, electionEpoch: Int64, peerEpoch: Int64, config: String) {
        self.init(state: state.rawValue, leader: leader, zxid: zxid, electionEpoch: electionEpoch, peerEpoch: peerEpoch,
                  version: Self.currentVersion, config: Array(config.utf8))
    }

    /// nil for a state Apache skips the message for.
    public var serverState: ServerState? { ServerState(rawValue: state) }
    public var configText: String? { config.map { String(decoding: $0, as: UTF8.self) } }

    public func encode(into b: inout ByteBuffer, layout: Layout = .current) {
        b.writeJuteInt(state); b.writeJuteLong(leader); b.writeJuteLong(zxid); b.writeJuteLong(electionEpoch)
        switch layout {
        case .withoutPeerEpoch:
            return
        case .withoutVersion:
            b.writeJuteLong(peerEpoch); b.writeJuteInt(0x1)
        case .current:
            b.writeJuteLong(peerEpoch); b.writeJuteInt(version)
            let config = self.config ?? []
            b.writeJuteInt(Int32(truncatingIfNeeded: config.count)); b.writeBytes(config)
        }
    }

    public func encodedBytes(layout: Layout = .current) -> [UInt8] {
        var b = ByteBuffer()
        encode(into: &b, layout: layout)
        return b.readBytes(length: b.readableBytes) ?? []
    }

    /// The layout Apache reads a message of `length` bytes with.
    public static func layout(forLength length: Int) -> Layout {
        switch length {
        case minimumLength: return .withoutPeerEpoch
        case 40: return .withoutVersion
        default: return .current
        }
    }

    /// Decodes one whole message (an ElectionFraming body). Throws where Apache skips the message:
    /// shorter than 28 bytes, cut inside a field it reads (including the config), or a config length
    /// that is negative or larger than the whole message (checked before anything is allocated).
    public init(message: ByteBuffer) throws(JuteError) {
        var b = message
        let length = b.readableBytes
        guard length >= Self.minimumLength else { throw .truncated(field: "notification (\(length) bytes)") }
        state = try b.readJuteInt("notification.state")
        leader = try b.readJuteLong("notification.leader")
        zxid = try b.readJuteLong("notification.zxid")
        electionEpoch = try b.readJuteLong("notification.electionEpoch")
        config = nil
        switch Self.layout(forLength: length) {
        case .withoutPeerEpoch:
            peerEpoch = ZxidUtils.epoch(of: zxid)
            version = 0
        case .withoutVersion:
            peerEpoch = try b.readJuteLong("notification.peerEpoch")
            version = 0
        case .current:
            peerEpoch = try b.readJuteLong("notification.peerEpoch")
            version = try b.readJuteInt("notification.version")
            if version > 1 {
                let configLength = try b.readJuteInt("notification.configLength")
                guard configLength >= 0, Int(configLength) <= length else {
                    throw .invalidLength(field: "notification.config", length: configLength)
                }
                guard let config = b.readBytes(length: Int(configLength)) else { throw .truncated(field: "notification.config") }
                self.config = config
            }
        }
    }

    public init(message: [UInt8]) throws(JuteError) { try self.init(message: ByteBuffer(bytes: message)) }
}
