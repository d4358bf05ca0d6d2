import DequeModule
import ZKProtocol

/// How this server takes part, with the state only that role keeps. `ServerCore.roleState` is replaced whole
/// on every role change, so a leader's tables cannot outlive its leadership (nor a learner's its leader).
enum RoleState {
    case standalone
    case leader(epoch: Int64, LeaderState)
    case learner(observer: Bool, LearnerState)
    case notServing
    case readOnly
}

/// Reference types so that the tables are changed in place through `ServerCore.leaderState`.
final class LeaderState {
    /// When this server became leader (mntr's zk_leader_uptime).
    let since: Now
    /// The member each session's client is connected to, as far as this leader knows (learned again from
    /// new connections and revalidations in every leadership).
    var sessionOwners: [Int64: Int64] = [:]
    /// Syncs forwarded by learners, answered once the transaction with this zxid commits.
    var pendingSyncs: [Int64: [(Int64, ForwardedRequest)]] = [:]

    init(since: Now) { self.since = since }
}

final class LearnerState {
    /// Local requests forwarded to the leader, answered when their transaction commits.
    var forwardedOrigins: [ForwardedKey: TxnOrigin] = [:]
    /// The syncs among them, oldest first: the leader answers them in order.
    var forwardedSyncs = Deque<(ForwardedKey, path: String)>()
    /// Resumed sessions waiting for the leader's REVALIDATE answer before their connect response.
    var pendingRevalidations: [Int64: (ConnectionID, ConnectResponse)] = [:]
    /// Sessions this member's clients used since the last report to the leader.
    var touchedSessions: Set<Int64> = []
}

extension ServerCore {
    public var role: ServingRole {
        switch roleState {
        case .standalone: .standalone
        case .leader(let epoch, _): .leader(epoch: epoch)
        case .learner(let observer, _): observer ? .observer : .follower
        case .notServing: .notServing
        case .readOnly: .readOnly
        }
    }

    var leaderState: LeaderState? {
        if case .leader(_, let state) = roleState { return state }
        return nil
    }

    var learnerState: LearnerState? {
        if case .learner(_, let state) = roleState { return state }
        return nil
    }

    /// When this server became leader, while it leads (mntr's zk_leader_uptime).
    public var leaderSince: Now? { leaderState?.since }
}
