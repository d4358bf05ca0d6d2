import ArgumentParser
import Foundation
import NIOPosix
import ZKClient
import ZKProtocol

/// zkbench: load against any ZooKeeper server, reporting throughput and latency percentiles; or
/// `zkbench make-snapshot` to write a large snapshot both servers can be timed loading.
struct Bench: ParsableCommand {
    enum Mode: String, ExpressibleByArgument, CaseIterable { case read, write, create, mixed }

    static let configuration = CommandConfiguration(
        commandName: "zkbench", abstract: "Load against a ZooKeeper server: throughput and latency percentiles.",
        subcommands: [MakeSnapshotCommand.self])

    @Option(name: [.customLong("server"), .customLong("server", withSingleDash: true)], help: "host:port") var server = "127.0.0.1:2181"
    @Option(help: "Client sessions.") var clients = 8
    @Option(help: "Requests in flight per client.") var inflight = 16
    @Option(help: "How long to run.") var seconds = 5.0
    @Option(help: "read, write (setData), create, or mixed (1 write in 10).") var mode = Mode.read
    @Option(help: "Bytes per znode.") var size = 100
    @Option(help: "Znodes read and written.") var keys = 1000
    @Flag(help: "One JSON document instead of a line of text.") var json = false

    func validate() throws {
        guard clients > 0 else { throw ValidationError("--clients must be at least 1, not \(clients)") }
        guard inflight > 0 else { throw ValidationError("--inflight must be at least 1, not \(inflight)") }
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be a positive number, not \(seconds)") }
        guard (0...1_048_576).contains(size) else { throw ValidationError("--size must be 0 to 1048576 bytes (jute.maxbuffer), not \(size)") }
        guard keys > 0 else { throw ValidationError("--keys must be at least 1, not \(keys)") }
        guard (try? ConnectString(parsing: server)) != nil else { throw ValidationError("--server must be host:port[,host:port...], not \(server)") }
    }
}

struct MakeSnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-snapshot",
        abstract: "Write a snapshot of N nodes (/bench/dXXXX/kYYYY, a thousand per parent) in Apache's format.")
    @Argument(help: "The data dir (version-2 is made in it).") var dataDir: String
    @Option(help: "Nodes to write.") var nodes = 1_000_000
    @Option(help: "Bytes per node.") var size = 100

    func validate() throws {
        guard nodes > 0 else { throw ValidationError("--nodes must be at least 1, not \(nodes)") }
        guard (0...1_048_576).contains(size) else { throw ValidationError("--size must be 0 to 1048576 bytes, not \(size)") }
    }

    func run() throws { try MakeSnapshot.run(dataDir: dataDir, nodes: nodes, size: size) }
}

// ArgumentParser's entry point is synchronous here: make-snapshot runs and exits inside it; the load run
// goes on below with the parsed options (its tasks need the top level's async context).
let options: Bench
do {
    var command = try Bench.parseAsRoot()
    guard let bench = command as? Bench else {
        try command.run()
        Bench.exit()
    }
    options = bench
} catch {
    Bench.exit(withError: error)
}
let root = "/zkbench"
let payload = [UInt8](repeating: 0x61, count: options.size)
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

func connect() async throws -> ZooKeeperClient {
    try await ZooKeeperClient.connect(ZooKeeperClient.Configuration(connectString: options.server, sessionTimeout: .seconds(30)), eventLoopGroup: group)
}

// Set-up: the key space the readers and writers use.
let setup = try await connect()
_ = try? await setup.create(root)
for key in 0..<options.keys {
    do { _ = try await setup.create("\(root)/k\(key)", data: payload) } catch let e as ZooKeeperError where e.code == .nodeExists {}
}

final class Recorder: @unchecked Sendable {
    var latencies: [Int64] = []
    var errors = 0
}

let clients = try await withThrowingTaskGroup(of: ZooKeeperClient.self) { g in
    for _ in 0..<options.clients { g.addTask { try await connect() } }
    var all: [ZooKeeperClient] = []
    for try await c in g { all.append(c) }
    return all
}

let clock = ContinuousClock()
let deadline = clock.now.advanced(by: .milliseconds(Int(options.seconds * 1000)))
let mode = options.mode.rawValue
let keys = options.keys
let recorders = (0..<(options.clients * options.inflight)).map { _ in Recorder() }
let started = clock.now
await withTaskGroup(of: Void.self) { g in
    for (ci, client) in clients.enumerated() {
        for slot in 0..<options.inflight {
            let recorder = recorders[ci * options.inflight + slot]
            g.addTask {
                var i = ci * 7919 + slot * 104729
                var created = 0
                while clock.now < deadline {
                    i &+= 1
                    let key = "\(root)/k\(i % keys)"
                    let t0 = clock.now
                    do {
                        switch mode {
                        case "write": _ = try await client.setData(key, data: payload)
                        case "create":
                            created += 1
                            _ = try await client.create("\(root)/c\(ci)-\(slot)-\(created)", data: payload)
                        case "mixed":
                            if i % 10 == 0 { _ = try await client.setData(key, data: payload) } else { _ = try await client.getData(key) }
                        default: _ = try await client.getData(key)
                        }
                        let d = clock.now - t0
                        recorder.latencies.append(d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000)
                    } catch {
                        recorder.errors += 1
                    }
                }
            }
        }
    }
}
let elapsed = clock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let all = recorders.flatMap(\.latencies).sorted()
let errors = recorders.reduce(0) { $0 + $1.errors }
func percentile(_ p: Double) -> Double {
    guard !all.isEmpty else { return 0 }
    return Double(all[min(all.count - 1, Int(Double(all.count) * p))]) / 1e6
}
let throughput = Double(all.count) / seconds
if options.json {
    print(#"{"mode":"\#(mode)","clients":\#(options.clients),"inflight":\#(options.inflight),"ops":\#(all.count),"errors":\#(errors),"seconds":\#(String(format: "%.2f", seconds)),"ops_per_sec":\#(String(format: "%.0f", throughput)),"p50_ms":\#(String(format: "%.3f", percentile(0.5))),"p99_ms":\#(String(format: "%.3f", percentile(0.99))),"p999_ms":\#(String(format: "%.3f", percentile(0.999)))}"#)
} else {
    print(String(format: "%@: %d ops in %.2fs = %.0f ops/s; latency p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms; %d errors",
                 mode, all.count, seconds, throughput, percentile(0.5), percentile(0.99), percentile(0.999), errors))
}
for client in clients { await client.close() }
await setup.close()
try? await group.shutdownGracefully()
