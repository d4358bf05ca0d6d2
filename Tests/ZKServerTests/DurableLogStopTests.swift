import NIOCore
import NIOPosix
import Testing
import ZKTestSupport
@testable import ZKServer

/// Stopping the log while a write is queued for its thread: the thread pool's shutdown cancels what is still
/// queued, and a cancelled write once stopped the process on SIGTERM under load. The write begun before the
/// stop is finished and acknowledged before the stop completes.
@Suite(.timeLimit(.minutes(1))) struct DurableLogStopTests {
    @Test func aWriteBegunBeforeStopIsAcknowledgedBeforeStopCompletes() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        for round in 0..<50 {
            let dir = TemporaryDirectory.make("durable-log-stop")
            let log = try DurableLog(eventLoop: loop, logDirectory: dir + "/log", snapshotDirectory: dir + "/snap",
                                     forceSync: false, snapCount: 100_000)
            let durableThrough = try await loop.flatSubmit { () -> EventLoopFuture<Int64> in
                let durable = NIOLoopBoundBox(Int64(0), eventLoop: loop)
                log.onDurable = { durable.value = $0 }
                log.append(serialized: ByteBuffer(repeating: UInt8(round), count: 64), zxid: Int64(round + 1))
                log.commitIfNeeded()
                return log.stop().map { durable.value }
            }.get()
            log.shutdownThreads()
            #expect(durableThrough == Int64(round + 1))
            TemporaryDirectory.remove(dir)
        }
        try await group.shutdownGracefully()
    }
}
