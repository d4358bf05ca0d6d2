/// A binary min-heap on (time, sequence): events at the same time run in the order they were scheduled,
/// which keeps each connection FIFO and the run deterministic.
public struct EventQueue<Event> {
    private var heap: [(time: Int, seq: Int, event: Event)] = []
    private var seq = 0

    public init() {}

    public var isEmpty: Bool { heap.isEmpty }
    public var nextTime: Int? { heap.first?.time }
    public var count: Int { heap.count }

    public mutating func schedule(_ event: Event, at time: Int) {
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

    public mutating func pop() -> (time: Int, event: Event)? {
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
