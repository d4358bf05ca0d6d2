/// One operation of a client's history on one key: a write, or a sync followed by a read.
struct HistoryOp: CustomStringConvertible {
    enum Kind { case create, set, delete, multiSet, read }
    enum Result: Equatable {
        case pending, ok, noNode, exists, value(String)
        /// The connection went before the reply: it may or may not have taken effect.
        case unknown
    }

    var key: String
    var kind: Kind
    var value = ""
    var call: Int
    /// When the reply came; nil for an operation that may still take effect at any later time.
    var ret: Int?
    var result = Result.pending
    /// A read that failed or lost its connection says nothing.
    var discarded = false

    init(key: String, kind: Kind, value: String = "", call: Int) {
        self.key = key
        self.kind = kind
        self.value = value
        self.call = call
    }

    var client = 0

    var description: String { "[\(call)…\(ret.map(String.init) ?? "∞")] client \(client) \(kind) \(value) → \(result)" }
}

/// Wing & Gong's search with Lowe's memoization (as Porcupine does it): find an order of the operations that
/// respects real time (an operation that returned before another was called comes first) in which every
/// result is what a single znode would answer. Operations with no reply may take effect or not.
enum Linearizability {
    /// The znode's state: its data, or nil while it does not exist.
    typealias State = String?

    /// The state after `op`, or nil when `op` could not have answered what it did in `state`.
    static func step(_ state: State, _ op: HistoryOp) -> State? {
        func to(_ next: State) -> State? { .some(next) }
        let absent: State = nil
        switch (op.kind, op.result) {
        case (.create, .ok): return state == nil ? to(op.value) : nil
        case (.create, .exists): return state != nil ? to(state) : nil
        case (.create, .unknown): return to(state ?? op.value)
        case (.set, .ok), (.multiSet, .ok): return state != nil ? to(op.value) : nil
        case (.set, .noNode), (.multiSet, .noNode): return state == nil ? to(absent) : nil
        case (.set, .unknown), (.multiSet, .unknown): return to(state == nil ? absent : op.value)
        case (.delete, .ok): return state != nil ? to(absent) : nil
        case (.delete, .noNode): return state == nil ? to(absent) : nil
        case (.delete, .unknown): return to(absent)
        case (.read, .value(let value)): return state == value ? to(state) : nil
        case (.read, .noNode): return state == nil ? to(absent) : nil
        default: return nil
        }
    }

    struct Visited: Hashable {
        var done: [UInt64]
        var state: State
    }

    static func check(_ history: [HistoryOp]) -> Bool {
        let ops = history.sorted { $0.call < $1.call }
        let required = ops.indices.filter { ops[$0].ret != nil }
        var done = [UInt64](repeating: 0, count: (ops.count + 63) / 64)
        var visited: Set<Visited> = []
        func isDone(_ i: Int) -> Bool { done[i / 64] & (1 << UInt64(i % 64)) != 0 }

        func search(_ state: State) -> Bool {
            if required.allSatisfy(isDone) { return true }
            // Only an operation called before every pending one returned can go next.
            var horizon = Int.max
            for i in ops.indices where !isDone(i) { if let ret = ops[i].ret { horizon = min(horizon, ret) } }
            for i in ops.indices where !isDone(i) && ops[i].call <= horizon {
                guard let next = step(state, ops[i]) else { continue }
                done[i / 64] |= 1 << UInt64(i % 64)
                if visited.insert(Visited(done: done, state: next)).inserted, search(next) { return true }
                done[i / 64] &= ~(1 << UInt64(i % 64))
            }
            return false
        }
        return search(nil)
    }
}
