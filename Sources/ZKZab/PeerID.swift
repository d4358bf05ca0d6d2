/// A server's identity in the ensemble: Apache's `myid`.
public typealias PeerID = Int64

/// What a server is doing, with Apache's `QuorumPeer.ServerState` ordinals (they go on the election wire).
public enum ServerState: Int32, Sendable, Hashable, CustomStringConvertible {
    case looking = 0
    case following = 1
    case leading = 2
    case observing = 3

    public var description: String {
        switch self {
        case .looking: "LOOKING"
        case .following: "FOLLOWING"
        case .leading: "LEADING"
        case .observing: "OBSERVING"
        }
    }
}

/// Participants vote and acknowledge proposals; observers only learn committed transactions.
public enum LearnerType: Sendable, Hashable {
    case participant
    case observer
}
