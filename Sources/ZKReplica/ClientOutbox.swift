import NIOCore
import ZKJute
import ZKMetrics
import ZKProtocol
import ZKServerCore

/// The core's client output, encoded as it is made into one buffer per connection, so the shell writes each
/// connection's replies of a batch with one write and one flush.
final class ClientOutbox: ServerOutput {
    private(set) var frames: [ConnectionID: ByteBuffer] = [:]
    private(set) var closes: [ConnectionID] = []
    private(set) var reading: [ConnectionID: Bool] = [:]
    private var closing: Set<ConnectionID> = []
    private let allocator = ByteBufferAllocator()
    private let metrics: ServerMetrics

    init(metrics: ServerMetrics) { self.metrics = metrics }

    /// Appends one frame; returns its size without the length prefix (what Apache's response metrics count).
    @discardableResult
    private func withBuffer(_ id: ConnectionID, _ body: (inout ByteBuffer) -> Void) -> Int {
        if frames[id] == nil { frames[id] = allocator.buffer(capacity: 512) }
        let start = frames[id]!.writerIndex
        body(&frames[id]!)
        let size = frames[id]!.writerIndex - start - 4
        metrics.clientResponseSize.record(size)
        return size
    }

    func send<R: JuteEncodable>(_ connection: ConnectionID, _ header: ReplyHeader, _ record: R) {
        metrics.responseBytes.increment(by: withBuffer(connection) { $0.writeFrame { b in header.encode(into: &b); record.encode(into: &b) } })
    }

    func send(_ connection: ConnectionID, _ header: ReplyHeader) {
        metrics.responseBytes.increment(by: withBuffer(connection) { $0.writeFrame { b in header.encode(into: &b) } })
    }

    func sendConnectResponse(_ connection: ConnectionID, _ response: ConnectResponse) {
        withBuffer(connection) { $0.writeFrame { b in response.encode(into: &b) } }
    }

    func sendEvent(_ connection: ConnectionID, _ event: WatcherEvent) {
        // 3.8 sends notifications with zxid -1.
        metrics.watchBytes.increment(by: withBuffer(connection) { $0.writeFrame { b in
            ReplyHeader(xid: SpecialXid.notification, zxid: -1, err: 0).encode(into: &b)
            event.encode(into: &b)
        } })
    }

    func close(_ connection: ConnectionID) {
        guard closing.insert(connection).inserted else { return }
        closes.append(connection)
    }

    /// A four-letter word's answer: raw text, then the connection closes.
    func sendText(_ connection: ConnectionID, _ text: String) {
        if frames[connection] == nil { frames[connection] = allocator.buffer(capacity: text.utf8.count) }
        frames[connection]!.writeString(text)
        close(connection)
    }

    func setReading(_ connection: ConnectionID, _ reading: Bool) { self.reading[connection] = reading }

    func take(into ready: inout ReplicaReady) {
        if !reading.isEmpty {
            ready.reading = reading
            reading.removeAll(keepingCapacity: true)
        }
        guard !frames.isEmpty || !closes.isEmpty else { return }
        ready.frames = frames
        ready.closes = closes
        frames.removeAll(keepingCapacity: true)
        closes.removeAll(keepingCapacity: true)
        closing.removeAll(keepingCapacity: true)
    }
}
