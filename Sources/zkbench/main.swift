import Foundation
import NIOPosix
import ZKClient
import ZKProtocol

/// zkbench: load against any ZooKeeper server, reporting throughput and latency percentiles.
///   zkbench -server host:port [--clients 8] [--inflight 16] [--seconds 5] [--mode read|write|create|mixed]
///           [--size 100] [--keys 1000] [--json]
struct Options {
    var server = "127.0.0.1:2181"
    var clients = 8
    var inflight = 16
    var seconds = 5.0
    var mode = "read"
    var size = 100
    var keys = 1000
    var json = false
}

func parseOptions() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst().makeIterator()
    while let a = args.next() {
        switch a {
        case "-server", "--server": o.server = args.next() ?? o.server
        case "--clients": o.clients = Int(args.next() ?? "") ?? o.clients
        case "--inflight": o.inflight = Int(args.next() ?? "") ?? o.inflight
        case "--seconds": o.seconds = Double(args.next() ?? "") ?? o.seconds
        case "--mode": o.mode = args.next() ?? o.mode
        case "--size": o.size = Int(args.next() ?? "") ?? o.size
        case "--keys": o.keys = Int(args.next() ?? "") ?? o.keys
        case "--json": o.json = true
        default:
            FileHandle.standardError.write(Data("zkbench: unknown option \(a)\n".utf8))
            exit(2)
        }
    }
    return o
}

if CommandLine.arguments.dropFirst().first == "make-snapshot" {
    do {
        try MakeSnapshot.run(Array(CommandLine.arguments.dropFirst(2)))
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("usage: zkbench make-snapshot DATADIR --nodes N [--size B]: \(error)\n".utf8))
        exit(2)
    }
}
let options = parseOptions()
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
let mode = options.mode
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
