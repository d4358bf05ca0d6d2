import Glibc
import NIOCore
import NIOPosix

extension ServerBootstrap {
    /// Out of file descriptors (EMFILE, ENFILE) the listening socket stays readable and every accept fails
    /// at once. Apache's accept thread pauses; so does this, until the descriptors come back as silent
    /// connections are reaped (`sessionlessConnectionTimeoutMs`).
    func pausingAcceptOnErrors() -> ServerBootstrap {
        serverChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(AcceptPauseHandler())
            }
        }
    }
}

/// NIO's AcceptBackoffHandler cannot help here: after a failed accept the channel still counts a read
/// as pending, so it never asks for another and stays registered for readability, and epoll wakes it at
/// once, for ever. Turning autoRead off unregisters the socket; turning it back on after a pause tries again.
final class AcceptPauseHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    static let pause = TimeAmount.milliseconds(100)
    private var paused = false

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let io = error as? IOError, [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(io.errnoCode) else {
            return context.fireErrorCaught(error)
        }
        guard !paused else { return }
        paused = true
        try? context.channel.syncOptions?.setOption(.autoRead, value: false)
        context.eventLoop.assumeIsolated().scheduleTask(in: Self.pause) { [self] in
            paused = false
            try? context.channel.syncOptions?.setOption(.autoRead, value: true)
        }
    }
}
