import NIOCore
import ZKProtocol

/// The opaque identity the I/O shell gives a request; the machine only passes it back.
typealias RequestID = UInt64

/// A reply as the shell hands it to the caller: the header and the undecoded body (a slice of the frame).
struct ClientReply: Sendable, Equatable {
    var header: ReplyHeader
    var body: ByteBuffer
}

extension ClientConnectionStateMachine {
    /// What the shell must do after an event. One action per event keeps the hot paths (submit, reply)
    /// free of allocations; the rare transitions carry lists.
    enum Action: Equatable {
        case none
        /// Open a TCP connection to this host; report `channelActive` or `connectFailed`.
        case connect(HostPort)
        /// Write the handshake (one frame) and flush.
        case sendConnectRequest(ConnectRequest)
        /// Write one request frame; flushing may be coalesced with other writes.
        case send(ClientRequest)
        /// The handshake succeeded: write these frames in order (auth, SetWatches, waiting requests), flush,
        /// then deliver the state event.
        case sessionEstablished(ClientEvent, send: [ClientRequest])
        /// Complete request `id` with its reply, then deliver `events` (local watch-removal events).
        case complete(RequestID, ClientReply, events: [ClientEvent])
        case fail(RequestID, ZooKeeperError)
        case failRequests([RequestID], ZooKeeperError)
        case deliver(ClientEvent)
        /// Close the current channel (protocol error or timeout); `channelInactive` follows.
        case closeChannel
        /// The channel is gone: fail `failed` with ConnectionLoss, deliver `event` if any, and connect to
        /// `reconnect` if given (otherwise a later tick will ask for the connection after a back-off).
        case connectionLost(failed: [RequestID], event: ClientEvent?, reconnect: HostPort?)
        /// The session is over (closed, expired, auth failed): complete `completed` if any, fail `failed`
        /// with `error`, deliver `event`, close the channel and stop.
        case terminate(failed: [RequestID], error: ZooKeeperError, event: ClientEvent, completed: Completed?)
    }

    struct Completed: Equatable {
        var id: RequestID
        var reply: ClientReply
    }
}
