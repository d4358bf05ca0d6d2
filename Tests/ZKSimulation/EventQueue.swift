/// A binary min-heap on (time, sequence): events at the same time run in the order they were scheduled,
/// which keeps each connection FIFO and the run deterministic. The heap holds plain keys and the events
/// sit in slots beside it, so sifting moves no generic values (debug builds do not specialise them).
public struct EventQueue<Event> {
    private struct Key {
        var time: Int
        var seq: Int
        var slot: Int
    }

    private var heap: [Key] = []
    private var slots: [Event?] = []
    private var free: [Int] = []
    private var seq = 0

    public init() {}

    public var isEmpty: Bool { heap.isEmpty }
    public var nextTime: Int? { heap.first?.time }
    public var count: Int { heap.count }

    public mutating func schedule(_ event: Event, at time: Int) {
        seq += 1
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            slots[slot] = event
        } else {
            slot = slots.count
            slots.append(event)
        }
        heap.append(Key(time: time, seq: seq, slot: slot))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(heap[i], heap[parent]) else { break }
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
            if l < heap.count && Self.less(heap[l], heap[smallest]) { smallest = l }
            if r < heap.count && Self.less(heap[r], heap[smallest]) { smallest = r }
            guard smallest != i else { break }
            heap.swapAt(i, smallest)
            i = smallest
        }
        let event = slots[top.slot]!
        slots[top.slot] = nil
        free.append(top.slot)
        return (top.time, event)
    }

    private static func less(_ a: Key, _ b: Key) -> Bool {
        a.time != b.time ? a.time < b.time : a.seq < b.seq
    }
}
