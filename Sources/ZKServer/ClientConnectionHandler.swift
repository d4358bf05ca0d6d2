import NIOCore
import NIOSSL
import NIOTLS
import ZKSecurity
import ZKJute
import ZKProtocol
import ZKServerCore

/// One client socket after ClientFrameDecoder: the handshake, then requests, each handed to the runtime;
/// one flush at the end of each read batch. A frame that does not decode closes this connection only.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ClientFrame

    private let runtime: ServerRuntime
    private var id: ConnectionID?
    private var handshakeDone = false

    init(runtime: ServerRuntime) { self.runtime = runtime }

    /// The handlers of one client channel, in order.
    static func handlers(runtime: ServerRuntime) -> [any ChannelHandler] {
        [ByteToMessageHandler(ClientFrameDecoder(maxFrameLength: runtime.config.juteMaxBuffer)),
         ClientConnectionHandler(runtime: runtime)]
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let id = runtime.register(context.channel) else {
            context.close(promise: nil)
            return
        }
        self.id = id
        context.fireChannelActive()
    }

    /// A TLS client's certificate is its x509 identity, known before its first request is read.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let id, case .handshakeCompleted = event as? TLSUserEvent {
            let certificate = (try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self))?.peerCertificate
            let subject = certificate.flatMap { try? X509Name.subject(ofCertificateDER: $0.toDERBytes()) }
            if certificate != nil && subject == nil {
                // A certificate the trust store accepted but whose name does not parse: no identity to give it.
                runtime.close(id)
            } else {
                runtime.certificatePresented(id, subject: subject)
            }
            runtime.flush()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id { runtime.unregister(id) }
        id = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let id else { return }
        switch unwrapInboundIn(data) {
        case .fourLetterWord(let word, let argument):
            runtime.replica.core.metrics.bytesReceivedCount.increment(by: 4)
            runtime.answer(id, word, argument: argument)
        case .frame(var frame):
            // With its length prefix, as Apache counts.
            runtime.replica.core.metrics.bytesReceivedCount.increment(by: frame.readableBytes + 4)
            do {
                if handshakeDone {
                    runtime.receive(id, try ClientRequest(clientFrame: &frame))
                } else {
                    let request = try ConnectRequest(from: &frame)
                    handshakeDone = true
                    runtime.receiveConnect(id, request)
                }
            } catch {
                runtime.close(id)
            }
        }
    }

    /// A client that stops reading its replies stops being read: what it sends waits in the kernel rather
    /// than as replies in the server's memory (100,000 pipelined reads would otherwise queue 200 MB).
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let id { runtime.updateReading(context.channel, id) }
        context.fireChannelWritabilityChanged()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        runtime.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // FrameDecoder's oversized or negative length: this connection only. A registered one is closed by
        // the runtime after the replies already made are written; closing it here too could drop them.
        guard let id else { return context.close(promise: nil) }
        runtime.close(id)
        runtime.flush()
    }
}
