import Foundation
import Testing
import ZKZab

/// Runs the simulator over many seeds. `ZAB_SIM_SEEDS` sets how many (default below) and
/// `ZAB_SIM_FIRST_SEED` where to start, for longer soak runs; `ZAB_SIM_SEED=N` runs just that seed
/// and prints its full trace.
@Suite struct SimulationSweepTests {
    static let defaultSeeds = 1200
    static let chunks = 8

    static var seedCount: Int { Int(ProcessInfo.processInfo.environment["ZAB_SIM_SEEDS"] ?? "") ?? defaultSeeds }
    static var firstSeed: UInt64 { UInt64(ProcessInfo.processInfo.environment["ZAB_SIM_FIRST_SEED"] ?? "") ?? 1 }

    /// One simulated run; returns the failure report, if any.
    static func runSeed(_ seed: UInt64) -> (failure: String?, world: SimWorld) {
        let world = SimWorld(seed: seed, options: SimOptions.random(seed: seed))
        _ = world.runStandard()
        return (world.failure.map { _ in world.report }, world)
    }

    @Test(arguments: 0..<chunks)
    func sweep(chunk: Int) {
        let count = Self.seedCount
        var failures: [UInt64] = []
        var events = 0
        var worstLiveness = (ticks: 0, seed: UInt64(0))
        var seed = Self.firstSeed + UInt64(chunk)
        while seed < Self.firstSeed + UInt64(count) {
            if ProcessInfo.processInfo.environment["ZAB_SIM_VERBOSE"] != nil { print("zab sim seed \(seed)") }
            let (failure, world) = Self.runSeed(seed)
            events += world.eventsProcessed
            if world.livenessTicks > worstLiveness.ticks { worstLiveness = (world.livenessTicks, seed) }
            if let failure {
                failures.append(seed)
                if failures.count <= 2 { Issue.record("\(failure)") }
            }
            seed += UInt64(Self.chunks)
        }
        print("zab sim chunk \(chunk): \(events) events, worst liveness \(worstLiveness.ticks) ticks (seed \(worstLiveness.seed)), failing seeds \(failures)")
        #expect(failures.isEmpty, "failing seeds: \(failures)")
    }

    /// A seed is a complete description of a run.
    @Test func runsAreDeterministic() {
        let (_, first) = Self.runSeed(42)
        let (_, second) = Self.runSeed(42)
        #expect(first.eventsProcessed == second.eventsProcessed)
        #expect(first.checker.history == second.checker.history)
        #expect(first.traceText == second.traceText)
    }

    @Test func singleSeedFromEnvironment() {
        guard let text = ProcessInfo.processInfo.environment["ZAB_SIM_SEED"], let seed = UInt64(text) else { return }
        let world = SimWorld(seed: seed, options: SimOptions.random(seed: seed))
        world.traceCapacity = 100_000
        _ = world.runStandard()
        print(world.report)
        #expect(world.failure == nil)
    }
}
