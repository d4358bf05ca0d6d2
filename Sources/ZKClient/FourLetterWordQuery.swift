import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A four-letter word (ruok, srvr, mntr…) sent on its own connection: the server writes its answer and
/// closes, so the answer is everything read until end of stream.
public enum FourLetterWordQuery {
    /// Why a query gave no answer.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// Connected, but the server did not finish its answer (close the connection) within the timeout.
        case timedOut
        /// The answer passed 16 MiB; the connection was closed.
        case tooLarge
        /// No connection, or it failed: the reason in words ("connection refused", "timed out connecting"…).
        case connection(String)

        /// The failure in words, for a user.
        public var description: String {
            switch self {
            case .timedOut: return "no answer in time"
            case .tooLarge: return "answer larger than 16 MiB"
            case .connection(let message): return message
            }
        }
    }

    /// Sends a four-letter word and returns the server's answer.
    ///
    /// - Parameters:
    ///   - word: The command, e.g. "ruok" (answered "imok"), "srvr", "mntr"; sent as its UTF-8 bytes.
    ///   - server: Where to send it: the server's client port.
    ///   - timeout: Bounds the TCP connect and, separately, the wait for the whole answer.
    ///   - group: Where the connection runs; NIO's shared singleton group by default.
    /// - Returns: Everything the server wrote before closing, decoded as UTF-8.
    /// - Throws: ``Failure``.
    public static func send(_ word: String, to server: HostPort, timeout: Duration = .seconds(5),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws(Failure) -> String {
        try await send(bytes: Array(word.utf8), to: server, timeout: timeout, group: group)
    }

    /// Sends raw bytes, for a word with an argument: stmk is followed by its mask as 8 big-endian bytes.
    ///
    /// Parameters, result and failures as ``send(_:to:timeout:group:)``.
    public static func send(bytes request: [UInt8], to server: HostPort, timeout: Duration = .seconds(5),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws(Failure) -> String {
        let eventLoop = group.next()
        let answer = eventLoop.makePromise(of: [UInt8].self)
        let timeoutNanos = Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        do {
            let channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(.nanoseconds(timeoutNanos))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(answer)) }
                }
                .connect(host: server.host, port: server.port).get()
            let deadline = eventLoop.scheduleTask(in: .nanoseconds(timeoutNanos)) {
                answer.fail(Failure.timedOut)
                channel.close(promise: nil)
            }
            var buffer = channel.allocator.buffer(capacity: request.count)
            buffer.writeBytes(request)
            channel.writeAndFlush(buffer, promise: nil)
            let bytes = try await answer.futureResult.get()
            deadline.cancel()
            return String(decoding: bytes, as: UTF8.self)
        } catch let failure as Failure {
            throw failure
        } catch {
            answer.fail(error)
            throw .connection(ConnectError.reason(error))
        }
    }

    /// Gathers the answer and completes the promise when the server closes.
    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<[UInt8]>
        var bytes: [UInt8] = []

        init(_ promise: EventLoopPromise<[UInt8]>) { self.promise = promise }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
            if bytes.count > 16 << 20 {
                promise.fail(Failure.tooLarge)
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) { promise.succeed(bytes) }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            promise.fail(error)
            context.close(promise: nil)
        }
    }
}
