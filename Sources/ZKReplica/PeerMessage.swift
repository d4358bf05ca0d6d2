import ZKProtocol
import ZKZab

/// What members say to each other: Zab's own messages, plus the packets consensus does not model but the
/// servers need (Apache's REQUEST, SYNC and the session list a learner puts in its PING).
public enum PeerMessage: Sendable, Hashable {
    case zab(ZabMessage)
    /// Learner → leader: a client's request.
    case request(ForwardedRequest)
    /// Leader → learner: the oldest sync this learner forwarded is answered.
    case syncAnswered
    /// Learner → leader: a client resumed this session on the learner (REVALIDATE).
    case revalidate(RevalidateRequest)
    /// Leader → learner: the answer to REVALIDATE.
    case revalidated(RevalidateReply)
    /// Learner → leader: a ping, with the sessions its clients kept alive.
    case learnerPing(ZKZab.Zxid, [SessionTouch])
}
