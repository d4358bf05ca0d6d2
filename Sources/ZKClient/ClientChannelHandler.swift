import NIOCore
import ZKProtocol

/// The per-channel edge: frames in (already split by FrameDecoder), channel life-cycle events out to the
/// connection that owns the session. It holds no protocol state; `generation` tells the connection which
/// of its channels is speaking, so that a late event from an old channel is ignored.
final class ClientChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let connection: ClientConnection
    private let generation: UInt64
    private var active = false

    init(connection: ClientConnection, generation: UInt64) {
        self.connection = connection
        self.generation = generation
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { activate(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        activate(context)
        context.fireChannelActive()
    }

    private func activate(_ context: ChannelHandlerContext) {
        guard !active else { return }
        active = true
        connection.channelActive(context.channel, generation: generation)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.frameReceived(unwrapInboundIn(data), generation: generation)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        connection.flushIfNeeded(generation: generation)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if active {
            active = false
            connection.channelInactive(generation: generation)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A malformed or oversized frame, a socket or TLS error: drop the connection; inactive follows.
        connection.channelFailed(error, generation: generation)
        context.close(promise: nil)
    }
}
