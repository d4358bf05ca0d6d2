import Foundation
import Testing
import ZKReplica

/// The whole server in the simulator: real replicas (core, tree, request pipeline and Zab peer) over a
/// simulated network, disks and clock, checked after every event and for linearizability at the end.
@Suite struct ClusterSimulationTests {
    /// Seeds per CI run; ZK_CLUSTER_SEEDS runs more (or fewer) locally.
    static let sweepSeeds = Int(ProcessInfo.processInfo.environment["ZK_CLUSTER_SEEDS"] ?? "") ?? 2000
    static let firstSeed = UInt64(ProcessInfo.processInfo.environment["ZK_CLUSTER_FIRST_SEED"] ?? "") ?? 1

    static func run(_ seed: UInt64, faults: InjectedFaults = []) -> (failure: String?, world: ClusterWorld) {
        var options = ClusterOptions.random(seed: seed)
        options.faults = faults
        let world = ClusterWorld(seed: seed, options: options)
        return (world.run(), world)
    }

    /// One seed, with its trace: ZK_CLUSTER_SEED=n swift test --filter oneSeed.
    @Test func oneSeed() {
        guard let seed = UInt64(ProcessInfo.processInfo.environment["ZK_CLUSTER_SEED"] ?? "") else { return }
        let (failure, world) = Self.run(seed)
        print("seed \(seed): \(world.eventsProcessed) events")
        #expect(failure == nil, "\(failure ?? "")")
    }

    /// Seeds that caught a bug, each failing again if its fix is undone.
    @Test(arguments: [
        (127, "a moved session's refused write left its change pending at the leader"),
        (180, "a moved session's refused write left its change pending at the leader"),
        (1, "a learner held a sync back, so a later write was answered first"),
        (22, "a learner held a sync back, so a later write was answered first"),
        (5, "a learner answered a write committed in the batch before a sync's answer ahead of the sync"),
        (14, "a learner answered a write committed in the batch before a sync's answer ahead of the sync"),
    ] as [(UInt64, String)])
    func pinnedSeed(seed: UInt64, found: String) {
        let (failure, _) = Self.run(seed)
        #expect(failure == nil, "\(found): \(failure ?? "")")
    }

    /// Seeds in chunks, so the test runner spreads them over the cores.
    static let chunks = 8

    @Test(arguments: 0..<chunks) func sweep(chunk: Int) {
        let start = Date()
        var events = 0, ops = 0, failures: [String] = []
        for seed in stride(from: Self.firstSeed + UInt64(chunk), to: Self.firstSeed + UInt64(Self.sweepSeeds), by: Self.chunks) {
            let (failure, world) = Self.run(seed)
            events += world.eventsProcessed
            ops += world.clients.reduce(0) { $0 + $1.history.count }
            if let failure { failures.append(failure) }
            if failures.count >= 3 { break }
        }
        let seconds = Date().timeIntervalSince(start)
        print("cluster sweep chunk \(chunk): \(events) events, \(ops) client ops, \(Int(Double(events) / seconds)) events/s")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }

    /// Each deliberately broken replica is caught: the share of seeds whose run a checker stops, and by what.
    @Test(arguments: [("acknowledge before durable", InjectedFaults.acknowledgeBeforeDurable),
                      ("apply out of order", .applyOutOfOrder),
                      ("drop an ephemeral's close", .dropEphemeralClose),
                      ("answer a sync locally", .answerSyncLocally)])
    func brokenReplicasAreCaught(name: String, fault: InjectedFaults) {
        let seeds = UInt64(Self.faultSeeds)
        var caught = 0
        var by: [String: Int] = [:]
        for seed in 1...seeds {
            guard let failure = Self.run(seed, faults: fault).failure else { continue }
            caught += 1
            by[Self.checkerName(failure), default: 0] += 1
        }
        print("broken replica (\(name)): caught in \(caught) of \(seeds) seeds, by \(by.sorted { $0.key < $1.key })")
        #expect(caught > 0)
    }

    static let faultSeeds = Int(ProcessInfo.processInfo.environment["ZK_CLUSTER_FAULT_SEEDS"] ?? "") ?? 40

    /// Which check a failure report comes from.
    static func checkerName(_ failure: String) -> String {
        for (needle, name) in [("not linearizable", "linearizability"), ("tree at zxid", "equal trees"),
                               ("holds ephemeral", "ephemerals"), ("out of order", "reply order"),
                               ("behind", "zxid order"), ("watch", "watches"), ("cannot start", "recovery"),
                               ("quiet phase", "liveness"), ("were lost", "durability"), ("both led", "one leader per epoch")] where failure.contains(needle) {
            return name
        }
        return "other"
    }
}
