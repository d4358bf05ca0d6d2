import Testing

/// Seeds that once exposed a bug, rerun as they are. The code has changed since, so a seed may no
/// longer reach the same interleaving; the named scenario in ScenarioTests pins each bug for good.
@Suite struct PinnedSeedTests {
    static let seeds: [UInt64] = [
        25,  // leader counted an epoch quorum without itself and wrote currentEpoch over a non-durable log
        248,  // followers reported different peer epochs for one leader; a restarted server never joined
        682,  // a learner that promised a higher epoch was refused forever
        904,  // a snapshot covering unflushed sync entries never released the NEWLEADER ack
        1044,  // followers decided before their leader; FOLLOWERINFO was lost and they waited initLimit
        101,  // a slow message timed a follower out; writes forwarded by it were (correctly) lost
        349,  // (under a mutation) a stale UPTODATE reached a learner's new connection before LEADERINFO
        732,  // a follower waited initLimit on a chosen leader that had settled elsewhere
    ]

    @Test(arguments: seeds)
    func seedStillPasses(_ seed: UInt64) {
        let (failure, _) = SimulationSweepTests.runSeed(seed)
        #expect(failure == nil, "\(failure ?? "")")
    }
}
