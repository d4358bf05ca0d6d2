import NIOCore
import NIOPosix

extension ServerBootstrap {
    /// Out of file descriptors (EMFILE, ENFILE) the listening socket stays readable and every accept fails
    /// at once: without a pause the event loop spins on it. Apache's accept thread pauses too; the
    /// descriptors come back as silent connections are reaped (`sessionlessConnectionTimeoutMs`).
    func pausingAcceptOnErrors() -> ServerBootstrap {
        serverChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler(backoffProvider: { _ in .milliseconds(100) }))
            }
        }
    }
}
