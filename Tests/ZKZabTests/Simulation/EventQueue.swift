import ZKZab

/// Something that happens in the simulated world at a given time.
enum SimEvent {
    /// A message arrives. `generation` is the quorum connection it was sent on, nil for election traffic.
    case deliver(from: PeerID, to: PeerID, message: ZabMessage, generation: Int?)
    case tick(PeerID, incarnation: Int)
    /// An fsync completes; it covers what was written when it started (`through` a write sequence).
    case flush(PeerID, incarnation: Int, through: Int)
    /// The host notices a quorum connection closed (generation it belonged to).
    case disconnectNotice(to: PeerID, peer: PeerID, generation: Int, incarnation: Int)
    case restart(PeerID)
    case heal(partition: Int)
    /// The world's own tick: nemesis and client workload.
    case worldTick
}

extension SimEvent {
    /// The server that handles the event, if it is one server's.
    var target: PeerID? {
        switch self {
        case .deliver(_, let to, _, _): to
        case .tick(let id, _), .flush(let id, _, _): id
        case .disconnectNotice(let to, _, _, _): to
        case .restart, .heal, .worldTick: nil
        }
    }
}
