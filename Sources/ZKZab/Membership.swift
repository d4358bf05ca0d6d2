/// Who votes, who only learns, and which configuration this is: Apache's QuorumVerifier (majority) as
/// consensus needs it. `version` is the zxid of the reconfig transaction that made it (0 for the one a
/// server starts with from zoo.cfg); `text` is the members as the host writes them (QuorumVerifier's text
/// without its version line), which consensus only carries: in NEWLEADER, and into events.
public struct Membership: Sendable, Hashable, CustomStringConvertible {
    public var participants: Set<PeerID>
    public var observers: Set<PeerID>
    public var version: Int64
    public var text: String

    public init(participants: Set<PeerID>, observers: Set<PeerID> = [], version: Int64 = 0, text: String = "") {
        self.participants = participants
        self.observers = observers
        self.version = version
        self.text = text
    }

    public var members: Set<PeerID> { participants.union(observers) }

    /// Whether `peers` contain a strict majority of the participants.
    public func isQuorum<S: Sequence>(_ peers: S) -> Bool where S.Element == PeerID {
        var count = 0
        for peer in Set(peers) where participants.contains(peer) { count += 1 }
        return 2 * count > participants.count
    }

    public func role(of peer: PeerID) -> LearnerType? {
        participants.contains(peer) ? .participant : observers.contains(peer) ? .observer : nil
    }

    public var description: String {
        "v\(String(version, radix: 16)){\(participants.sorted().map(String.init).joined(separator: ","))"
            + (observers.isEmpty ? "" : "|obs \(observers.sorted().map(String.init).joined(separator: ","))") + "}"
    }
}
