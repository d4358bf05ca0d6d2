import ZKDataTree
import ZKReplica
import ZKServerCore

/// The invariants checked on the members after every event: one leader per epoch, a new leader holding
/// everything clients saw committed, equal trees at equal zxid, and no ephemeral without its session.
struct ClusterChecker {
    /// The digest of the (replicated part of the) tree at each zxid some member has reached.
    var digestAt: [Int64: UInt64] = [:]
    /// Per member, the zxid last checked, so a tree is only digested when it changed.
    var checkedZxid: [Int64: Int64] = [:]
    var comparisons = 0
    /// The highest zxid any client has seen in a reply: the member that sent it had applied it, so a quorum
    /// had committed it.
    var highestSeen: Int64 = 0
    /// Epochs whose leader has been checked for holding everything committed before it, and who led them.
    var checkedEpochs: Set<Int64> = []
    var leaderOf: [Int64: Int64] = [:]

    mutating func forget(_ id: Int64) { checkedZxid[id] = nil }

    mutating func checkMembers(_ world: ClusterWorld) {
        for id in world.ids {
            guard let replica = world.members[id]?.replica else { continue }
            let tree = replica.core.tree
            let zxid = tree.lastProcessedZxid
            if case .leader(let epoch) = replica.core.role, let other = leaderOf[epoch], other != id {
                return world.fail("members \(other) and \(id) both led epoch \(epoch)")
            }
            if case .leader(let epoch) = replica.core.role { leaderOf[epoch] = id }
            if case .leader(let epoch) = replica.core.role, checkedEpochs.insert(epoch).inserted,
               zxid < highestSeen, highestSeen >> 32 < epoch {
                return world.fail("member \(id) leads epoch \(epoch) from zxid 0x\(String(zxid, radix: 16)) but a client already "
                                  + "saw 0x\(String(highestSeen, radix: 16)) committed: acknowledged writes were lost")
            }
            guard checkedZxid[id] != zxid else { continue }
            checkedZxid[id] = zxid
            let digest = Self.digest(tree)
            comparisons += 1
            if let known = digestAt[zxid] {
                if known != digest { return world.fail("member \(id)'s tree at zxid 0x\(String(zxid, radix: 16)) differs from another member's") }
            } else {
                digestAt[zxid] = digest
            }
            guard replica.core.role.isServing, replica.core.role != .readOnly else { continue }
            for (path, node) in tree.nodes {
                guard case .session(let owner) = tree.ephemeralKind(of: node) else { continue }
                if replica.core.sessions.sessions[owner] == nil {
                    return world.fail("member \(id) at zxid 0x\(String(zxid, radix: 16)) holds ephemeral \(path) of session "
                                      + "0x\(String(node.stat.ephemeralOwner, radix: 16)), which has ended")
                }
            }
        }
    }

    /// Order-independent: a sum of per-node hashes over everything replicated (not /zookeeper, which each
    /// member sets itself).
    static func digest(_ tree: DataTree) -> UInt64 {
        var sum: UInt64 = 0
        for (path, node) in tree.nodes where !path.hasPrefix("/zookeeper") {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            func mix<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
                for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
            }
            mix(path.utf8)
            mix(node.data ?? [])
            let s = node.stat
            for field in [s.czxid, s.mzxid, s.ctime, s.mtime, Int64(s.version), Int64(s.cversion), s.ephemeralOwner, s.pzxid] {
                h = (h ^ UInt64(bitPattern: field)) &* 0x100_0000_01b3
            }
            // Children need no hashing of their own: each is a node of the sum, and cversion and pzxid count them.
            sum &+= h
        }
        return sum
    }

    /// Every client's writes and sync+reads, key by key, must be linearizable.
    func checkLinearizable(clients: [SimClient], failure: inout String?) {
        var byKey: [String: [HistoryOp]] = [:]
        for client in clients {
            for var op in client.history where !op.discarded {
                if op.result == .pending { if op.kind == .read { continue } else { op.result = .unknown } }
                if op.result == .unknown { op.ret = nil }
                byKey[op.key, default: []].append(op)
            }
        }
        for key in byKey.keys.sorted() {
            let ops = byKey[key]!.sorted { $0.call < $1.call }
            if !Linearizability.check(ops) {
                // The shortest prefix (by call time) that already fails, and the operations that lead to it.
                // The earliest time by which the history already cannot be explained: every operation called
                // before it, with its outcome.
                let cutoffs = Set(ops.compactMap(\.ret)).sorted()
                let cutoff = cutoffs.first { time in !Linearizability.check(ops.filter { $0.call <= time }) } ?? Int.max
                let shown = ops.filter { $0.call <= cutoff }
                failure = "history of \(key) is not linearizable by t=\(cutoff) (\(shown.count) of \(ops.count) operations):\n    "
                    + shown.suffix(25).map(\.description).joined(separator: "\n    ")
                return
            }
        }
    }
}
