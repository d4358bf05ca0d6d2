import NIOCore
import NIOSSL

/// client.portUnification: one port for TLS and plain clients, as Apache's UnifiedServerSocket and Netty's
/// DualModeSslHandler tell them apart: a connection whose first byte is a TLS handshake record (0x16) gets
/// the TLS handler in front; any other first byte is a plain client. Either way this handler then leaves.
final class PortUnificationHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let context: NIOSSLContext
    private var decided = false

    init(tls context: NIOSSLContext) { self.context = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !decided, let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            return context.fireChannelRead(data)
        }
        decided = true
        if first == 0x16 {
            do {
                try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: self.context), position: .after(self))
            } catch {
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
