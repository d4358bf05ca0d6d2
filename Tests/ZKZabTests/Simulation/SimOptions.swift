import ZKSimulation

/// The shape of one simulated run; `random(seed:)` varies it per seed.
struct SimOptions: CustomStringConvertible {
    var participants = 3
    var observers = 0
    /// World ticks with faults, then a liveness phase without.
    var faultTicks = 150
    /// Ticks a healed, fully connected ensemble may take to elect and sync everyone.
    var livenessLimit = 120
    /// Time units per tick; message delays are in units.
    var tickUnits = 10
    var delay = 1...12
    var slowDelay = 20...60
    var slowRate = 0.02
    var flushDelay = 1...25
    var crashRate = 0.01
    var restartDelay = 3...40
    var pauseRate = 0.005
    var pauseLength = 2...20
    var tickJitter = 2
    var partitionRate = 0.01
    var partitionLength = 5...60
    var linkCutRate = 0.002
    var notificationDropRate = 0.05
    var notificationDuplicateRate = 0.03
    var disconnectNoticeRate = 0.5
    var writeRate = 0.6
    var compactRate = 0.01
    var counterLimit: UInt32 = .max

    /// No random faults and no background writes: scenarios inject exactly the faults they describe.
    static func quiet(participants: Int, observers: Int = 0) -> SimOptions {
        var o = SimOptions()
        o.participants = participants
        o.observers = observers
        o.slowRate = 0
        o.crashRate = 0
        o.partitionRate = 0
        o.pauseRate = 0
        o.tickJitter = 0
        o.linkCutRate = 0
        o.notificationDropRate = 0
        o.notificationDuplicateRate = 0
        o.writeRate = 0
        o.compactRate = 0
        return o
    }

    static func random(seed: UInt64) -> SimOptions {
        var rng = SimRandom(seed: seed ^ 0x0505_0505_0505_0505)
        var o = SimOptions()
        o.participants = rng.chance(0.5) ? 3 : 5
        o.observers = rng.chance(0.3) ? 1 : 0
        o.crashRate = [0.0, 0.005, 0.01, 0.03][rng.below(4)]
        o.partitionRate = [0.0, 0.005, 0.01, 0.03][rng.below(4)]
        o.linkCutRate = [0.0, 0.001, 0.005][rng.below(3)]
        o.pauseRate = [0.0, 0.005, 0.02][rng.below(3)]
        o.notificationDropRate = [0.0, 0.05, 0.2][rng.below(3)]
        o.writeRate = [0.2, 0.6, 1.5][rng.below(3)]
        o.compactRate = [0.0, 0.01, 0.05][rng.below(3)]
        o.flushDelay = rng.chance(0.3) ? 1...80 : 1...25
        o.counterLimit = rng.chance(0.15) ? UInt32(rng.range(5...40)) : .max
        return o
    }

    var description: String {
        "participants=\(participants) observers=\(observers) crash=\(crashRate) pause=\(pauseRate) partition=\(partitionRate) "
            + "cut=\(linkCutRate) notifDrop=\(notificationDropRate) write=\(writeRate) compact=\(compactRate) "
            + "flush=\(flushDelay) counterLimit=\(counterLimit)"
    }
}
