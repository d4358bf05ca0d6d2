import NIOCore
import ZKDataTree
import ZKProtocol
import ZKServerCore
import ZKZab

extension Replica {
    /// A log entry as consensus needs it, from a transaction's bytes wherever they come from (a PROPOSAL, an
    /// INFORM, the disk): a reconfig transaction carries the membership it installs. Only the header's type is
    /// read for the others.
    public static func logEntry(zxid: Int64, payload: ByteBuffer) -> LogEntry {
        var entry = LogEntry(zxid: Zxid(rawValue: zxid), payload: payload)
        // TxnHeader: clientId (8), cxid (4), zxid (8), time (8), then type.
        guard payload.getInteger(at: payload.readerIndex + 28, as: Int32.self) == OpCode.reconfig.rawValue,
              let txn = try? Transaction(serialized: payload), case .reconfig(let change) = txn.body else { return entry }
        entry.reconfig = membership(configData: change.data ?? [], zxid: zxid)
        return entry
    }

    /// The membership a reconfig transaction's /zookeeper/config text describes; its version is the zxid.
    static func membership(configData: [UInt8], zxid: Int64) -> Membership? {
        guard var config = try? QuorumConfig(text: String(decoding: configData, as: UTF8.self)) else { return nil }
        config.version = zxid
        return config.membership
    }

    /// The host's configuration behind a membership (its text is always one a host wrote).
    static func quorumConfig(_ membership: Membership) -> QuorumConfig? {
        guard var config = try? QuorumConfig(text: membership.text) else { return nil }
        config.version = membership.version
        return config
    }

    /// QuorumVerifier's text of a membership, version line included: /zookeeper/config.
    public static func configText(_ membership: Membership) -> String {
        quorumConfig(membership)?.text ?? membership.text
    }
}

extension QuorumConfig {
    /// What consensus knows of it.
    public var membership: Membership {
        Membership(participants: participants, observers: observers, version: version, text: memberLines.joined(separator: "\n"))
    }
}
