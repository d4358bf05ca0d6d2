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

/// A binary min-heap on (time, sequence): events at the same time run in the order they were scheduled,
/// which keeps each connection FIFO and the run deterministic.
struct EventQueue {
    private var heap: [(time: Int, seq: Int, event: SimEvent)] = []
    private var seq = 0

    var isEmpty: Bool { heap.isEmpty }
    var nextTime: Int? { heap.first?.time }
    var count: Int { heap.count }

    mutating func schedule(_ event: SimEvent, at time: Int) {
        seq += 1
        heap.append((time, seq, event))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(i, parent) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (time: Int, event: SimEvent)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < heap.count && less(l, smallest) { smallest = l }
            if r < heap.count && less(r, smallest) { smallest = r }
            guard smallest != i else { break }
            heap.swapAt(i, smallest)
            i = smallest
        }
        return (top.time, top.event)
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        heap[a].time != heap[b].time ? heap[a].time < heap[b].time : heap[a].seq < heap[b].seq
    }
}
