import ZKZab

/// A ring of recent events, rendered only when a run fails.
extension SimWorld {
    func trace(_ from: PeerID, _ to: PeerID, _ message: ZabMessage, note: String? = nil) {
        record(TraceLine(time: now, from: from, to: to, message: message, note: note))
    }

    func note(_ id: PeerID, _ text: @autoclosure () -> String) {
        record(TraceLine(time: now, from: id, to: id, message: nil, note: text()))
    }

    func record(_ line: TraceLine) {
        if traceRing.count < traceCapacity {
            traceRing.append(line)
        } else {
            traceRing[traceNext] = line
        }
        traceNext = (traceNext + 1) % traceCapacity
    }

    /// The last events, oldest first.
    var traceText: String {
        let ordered = traceRing.count < traceCapacity ? traceRing : Array(traceRing[traceNext...] + traceRing[..<traceNext])
        return ordered.map { $0.render(tickUnits: options.tickUnits) }.joined(separator: "\n")
    }

    var report: String {
        "seed=\(seed) \(options)\nfailure: \(failure ?? "none")\nlast events:\n\(traceText)"
    }
}
