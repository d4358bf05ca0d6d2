import NIOCore
import NIOHTTP1
import NIOPosix

/// What an HTTP request is answered with.
struct HTTPAnswer: Sendable {
    var status: HTTPResponseStatus = .ok
    var contentType: String
    var body: [UInt8]
}

/// A small HTTP/1.1 server on NIO's codec for the AdminServer and the Prometheus endpoint: each GET is
/// answered by `answer`, which runs on the server's event loop (where the replica lives).
enum HTTPEndpoint {
    typealias Answer = @Sendable (_ method: HTTPMethod, _ uri: String) -> EventLoopFuture<HTTPAnswer>

    static func start(group: any EventLoopGroup, host: String, port: Int, answer: @escaping Answer) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .pausingAcceptOnErrors()
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(answer: answer))
                }
            }
            .bind(host: host, port: port).get()
    }

    private final class RequestHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let answer: Answer
        private var head: HTTPRequestHead?

        init(answer: @escaping Answer) { self.answer = answer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body: break
            case .end:
                guard let head else { return }
                self.head = nil
                let context = NIOLoopBound(context, eventLoop: context.eventLoop)
                let handler = NIOLoopBound(self, eventLoop: context.value.eventLoop)
                answer(head.method, head.uri).hop(to: context.value.eventLoop).whenComplete { result in
                    let reply = (try? result.get()) ?? HTTPAnswer(status: .internalServerError, contentType: "text/plain", body: [])
                    handler.value.respond(reply, to: head, context: context.value)
                }
            }
        }

        private func respond(_ reply: HTTPAnswer, to request: HTTPRequestHead, context: ChannelHandlerContext) {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: reply.contentType)
            headers.add(name: "Content-Length", value: String(reply.body.count))
            let keepAlive = request.isKeepAlive
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: reply.status, headers: headers))),
                          promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: reply.body)))), promise: nil)
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
            if !keepAlive { done.futureResult.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
        }
    }
}
