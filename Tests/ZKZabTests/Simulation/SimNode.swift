import ZKZab

/// One simulated server: the peer (nil while crashed), its disk and its application state.
struct SimNode {
    let config: ZabConfig
    var peer: ZabPeer?
    /// Bumped on every crash so stale ticks and flushes of an earlier life are ignored.
    var incarnation = 0
    var disk = SimDisk()
    var app = SimApp()
    var flushScheduled = false
    /// Scenario control: appends stay unflushed until the scenario flushes.
    var holdFlushes = false

    var isUp: Bool { peer != nil }
}

/// One line of the trace kept for failure reports; formatted only when a run fails.
struct TraceLine {
    var time: Int
    var from: PeerID
    var to: PeerID
    var message: ZabMessage?
    var note: String?

    func render(tickUnits: Int) -> String {
        let t = "t=\(time / tickUnits).\(time % tickUnits)"
        if let message { return "\(t) \(from)→\(to) \(message)" }
        return "\(t) [\(from)] \(note ?? "")"
    }
}
