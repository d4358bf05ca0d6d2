import NIOCore
import ZKZab

/// Clients: unique writes, and which of them were acknowledged.
extension SimWorld {
    func payloadKey(_ payload: ByteBuffer) -> UInt64? {
        guard payload.readableBytes == 8 else { return nil }
        return payload.readableBytesView.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A client sends a unique write to `id`; returns its key when the server took it.
    @discardableResult
    func submit(to id: PeerID) -> UInt64? {
        guard var node = nodes[id], var peer = node.peer else { return nil }
        let key = nextPayload
        nextPayload += 1
        let payload = (0..<8).map { UInt8(truncatingIfNeeded: key >> UInt64(56 - 8 * $0)) }
        var accepted = false
        do {
            _ = try peer.propose(payload)
            accepted = true
        } catch {}
        node.peer = peer
        nodes[id] = node
        if accepted { submitted[key] = (id, node.incarnation) }
        drain(id)
        return accepted ? key : nil
    }

    func submitToRandomNode() {
        if let id = rng.pick(ids.filter { nodes[$0]?.isUp == true }) { submit(to: id) }
    }
}
