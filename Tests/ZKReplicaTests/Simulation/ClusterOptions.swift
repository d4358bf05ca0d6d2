import ZKReplica
import ZKSimulation

/// The shape of one simulated run; `random(seed:)` varies it per seed.
struct ClusterOptions: CustomStringConvertible {
    var participants = 3
    var observers = 0
    var clients = 4
    var faultMillis = 6_000
    var quietMillis = 5_000
    var nemesisEvery = 100
    var crashRate = 0.03
    var restartMillis = 100...1_500
    /// Every member crashes at once.
    var powerCutRate = 0.005
    var partitionRate = 0.03
    var partitionMillis = 200...2_000
    var latency = 1...6
    var slowLinkRate = 0.01
    var slowLinkMillis = 20...300
    var fsyncMillis = 1...8
    var snapshotRate = 0.002
    var clientPause = 5...60
    /// How often a client moves its session to another member on purpose.
    var moveRate = 0.02
    var keys = 3
    var faults: InjectedFaults = []

    static func random(seed: UInt64) -> ClusterOptions {
        var rng = SimRandom(seed: seed ^ 0x5A5A_5A5A_5A5A_5A5A)
        var options = ClusterOptions()
        options.observers = rng.chance(0.3) ? 1 : 0
        options.participants = rng.chance(0.2) ? 5 : 3
        options.clients = rng.range(2...5)
        options.crashRate = [0.0, 0.02, 0.05][rng.below(3)]
        options.partitionRate = [0.0, 0.02, 0.05][rng.below(3)]
        options.powerCutRate = [0.0, 0.01, 0.02][rng.below(3)]
        options.fsyncMillis = [1...4, 2...20, 5...40][rng.below(3)]
        options.keys = rng.range(2...4)
        return options
    }

    var description: String {
        "participants=\(participants) observers=\(observers) clients=\(clients) crash=\(crashRate) powerCut=\(powerCutRate) partition=\(partitionRate) "
            + "fsync=\(fsyncMillis) keys=\(keys) faults=\(faults.rawValue)"
    }
}
