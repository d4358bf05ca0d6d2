/// What a leader can say about its learners, for the four-letter words (mntr's zk_learners,
/// zk_synced_followers, zk_synced_observers).
public struct LearnerSummary: Sendable, Hashable {
    public var learners = 0
    public var syncedFollowers = 0
    public var syncedObservers = 0
    /// Every connected observer, by id: when it connected (tick) and the last zxid it reported.
    public var observers: [ObserverSummary] = []
}

public struct ObserverSummary: Sendable, Hashable {
    public var id: Int64
    public var connectedAtTick: Int
    public var lastZxid: Int64
}

extension ZabPeer {
    /// nil unless leading.
    public var learnerSummary: LearnerSummary? {
        guard case .leading(let leadership) = role else { return nil }
        var summary = LearnerSummary()
        for (id, handle) in leadership.learners.sorted(by: { $0.key < $1.key }) {
            summary.learners += 1
            if handle.type == .observer {
                summary.observers.append(ObserverSummary(id: id, connectedAtTick: handle.connectedAt, lastZxid: handle.peerLast.rawValue))
            }
            guard handle.phase == .broadcast else { continue }
            if handle.type == .participant { summary.syncedFollowers += 1 } else { summary.syncedObservers += 1 }
        }
        return summary
    }

    /// Apache's peer state text: "leading - broadcast", "following - synchronization", "looking - discovery"…
    public var phaseDescription: String {
        switch role {
        case .looking: return "looking - election"
        case .leading(let leadership):
            switch leadership.phase {
            case .discovery, .awaitingEpochAcks: return "leading - discovery"
            case .synchronizing: return "leading - synchronization"
            case .broadcast: return "leading - broadcast"
            }
        case .following(let session):
            let name = config.learnerType == .observer ? "observing" : "following"
            return session.phase == .broadcast ? "\(name) - broadcast" : "\(name) - synchronization"
        }
    }
}
