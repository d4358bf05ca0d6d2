import NIOCore
import ZKJute
import ZKProtocol
import ZKServerCore

/// One client socket: frames in, core calls, and a flush at the end of each read batch.
/// A malformed or oversized frame closes this connection only.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let runtime: ServerRuntime
    private var id: ConnectionID?
    private var cumulation: ByteBuffer?
    private var handshakeDone = false
    private var firstBytesChecked = false

    init(runtime: ServerRuntime) { self.runtime = runtime }

    func channelActive(context: ChannelHandlerContext) {
        guard let id = runtime.register(context.channel) else {
            context.close(promise: nil)
            return
        }
        self.id = id
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id { runtime.unregister(id) }
        id = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let id else { return }
        var incoming = unwrapInboundIn(data)
        if cumulation == nil {
            cumulation = incoming
        } else {
            cumulation!.writeBuffer(&incoming)
        }
        do {
            try process(id: id)
        } catch {
            runtime.close(id)
            cumulation = nil
        }
        if let c = cumulation, c.readableBytes == 0 { cumulation = nil }
    }

    private func process(id: ConnectionID) throws {
        if !firstBytesChecked {
            guard let code = cumulation?.getInteger(at: cumulation!.readerIndex, as: Int32.self) else { return }
            let word = FourLetterWord(code: code)
            // stmk carries its mask in the 8 bytes after the word.
            var argument: Int64?
            if word == .stmk {
                guard let mask = cumulation?.getInteger(at: cumulation!.readerIndex + 4, as: Int64.self) else { return }
                argument = mask
            }
            firstBytesChecked = true
            if let word {
                cumulation = nil
                if word == .dirs || word == .conf { runtime.refreshDirectorySizes() }
                let text = runtime.core.fourLetterWord(word, argument: argument, environment: runtime.environment, now: SystemClock.now())
                runtime.sendText(id, text)
                return
            }
        }
        let now = SystemClock.now()
        while var frame = try FrameDecoder.nextFrame(from: &cumulation!, maxFrameLength: runtime.config.juteMaxBuffer) {
            if !handshakeDone {
                let request = try ConnectRequest(from: &frame)
                handshakeDone = true
                runtime.core.receiveConnect(id, request, now: now)
            } else {
                let request = try ClientRequest(frame: &frame)
                runtime.core.receive(id, request, now: now)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        runtime.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
