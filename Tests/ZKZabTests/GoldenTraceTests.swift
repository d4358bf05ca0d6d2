import Foundation
import Testing
import ZKZab

/// The full protocol trace of small, fault-free runs, compared with checked-in files (etcd raft's
/// testdata style): a reviewer reads the protocol in them, and any change to the message flow shows up
/// as a diff. `ZAB_REWRITE_TRACES=1` rewrites the files.
@Suite struct GoldenTraceTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Traces")

    func check(_ name: String, _ world: SimWorld) throws {
        let text = world.traceText.split(separator: "\n").filter { !$0.contains(" PING ") }.joined(separator: "\n") + "\n"
        let url = Self.directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["ZAB_REWRITE_TRACES"] != nil {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "trace differs from \(name); rerun with ZAB_REWRITE_TRACES=1 and review the diff")
    }

    @Test func threeServersElectSyncAndCommit() throws {
        let world = SimWorld(seed: 1, options: .quiet(participants: 3))
        world.traceCapacity = 10_000
        world.run(ticks: 60) { world.stableLeader() != nil }
        let leader = try #require(world.stableLeader())
        world.submit(to: leader)
        world.submit(to: leader)
        world.run(ticks: 10) { world.allApplied && world.checker.history.count == 2 }
        #expect(world.failure == nil)
        try check("three-servers-elect-and-commit.txt", world)
    }

    @Test func restartedFollowerIsTruncatedAndCatchesUp() throws {
        let world = SimWorld(seed: 2, options: .quiet(participants: 3, observers: 1))
        world.run(ticks: 60) { world.stableLeader() != nil }
        let leader = try #require(world.stableLeader())
        world.submit(to: leader)
        world.run(ticks: 10) { world.allApplied && world.checker.history.count == 1 }
        world.traceCapacity = 10_000
        let partition = world.partition([leader])
        world.submit(to: leader)
        world.run(ticks: 40) { world.ids.contains { $0 != leader && world.peer($0)?.servingEpoch != nil && world.peer($0)?.state == .leading } }
        let next = try #require(world.ids.first { world.peer($0)?.state == .leading && $0 != leader })
        world.submit(to: next)
        world.heal(partition)
        world.run(ticks: 60) { world.stableLeader() != nil && world.allApplied }
        #expect(world.failure == nil)
        try check("old-leader-rejoins-with-trunc.txt", world)
    }
}
