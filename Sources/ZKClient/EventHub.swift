import NIOConcurrencyHelpers

/// Fans client events out to every stream made from it. Events are yielded from the connection's event
/// loop only, so every stream sees them in the same order. After `finish` new streams end at once.
final class EventHub: Sendable {
    private struct State {
        var continuations: [UInt64: AsyncStream<ClientEvent>.Continuation] = [:]
        var nextKey: UInt64 = 0
        var finished = false
    }
    private let state = NIOLockedValueBox(State())

    func makeStream() -> AsyncStream<ClientEvent> {
        let (stream, continuation) = AsyncStream<ClientEvent>.makeStream(bufferingPolicy: .unbounded)
        let key: UInt64? = state.withLockedValue { state in
            if state.finished { return nil }
            let key = state.nextKey
            state.nextKey += 1
            state.continuations[key] = continuation
            return key
        }
        guard let key else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLockedValue { _ = $0.continuations.removeValue(forKey: key) }
        }
        return stream
    }

    func yield(_ event: ClientEvent) {
        let continuations = state.withLockedValue { $0.continuations }
        for continuation in continuations.values { continuation.yield(event) }
    }

    func finish() {
        let continuations = state.withLockedValue { state in
            state.finished = true
            defer { state.continuations.removeAll() }
            return state.continuations
        }
        for continuation in continuations.values { continuation.finish() }
    }
}
