import ZKZab

/// Helpers for scripted scenarios.
extension SimWorld {
    func peer(_ id: PeerID) -> ZabPeer? { nodes[id]?.peer }

    /// Runs for `units` of time (a tick is `options.tickUnits`).
    func run(units: Int) { run(untilTime: now + units) }

    /// Runs until `condition` holds or `ticks` pass; returns whether it held.
    @discardableResult
    func run(ticks: Int, until condition: @escaping () -> Bool) -> Bool {
        if condition() { return true }
        run(untilTick: currentTick + ticks, stop: condition)
        return condition()
    }

    /// Whether every live node has applied the whole committed history.
    var allApplied: Bool {
        ids.allSatisfy { id in nodes[id].map { !$0.isUp || $0.app.applied == checker.lastZxid } ?? true }
    }

    /// Whether the payload written with `key` is in the committed history.
    func isCommitted(_ key: UInt64) -> Bool { checker.history.contains { payloadKey($0.payload) == key } }

    /// The leader every server follows in its serving epoch, if there is one.
    func stableLeader() -> PeerID? {
        guard let leaderID = ids.first(where: { nodes[$0]?.peer?.state == .leading }),
            let epoch = nodes[leaderID]?.peer?.servingEpoch
        else { return nil }
        for id in ids {
            guard let peer = nodes[id]?.peer, peer.servingEpoch == epoch, peer.leader == leaderID else { return nil }
        }
        return leaderID
    }
}
