import ZKReplica
import ZKServerCore
import ZKStorage
import ZKZab

/// A replicated server's view of its ensemble, from zoo.cfg's server.N lines and dataDir/myid.
struct EnsembleSettings: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var myId: Int64
    var members: [Int64: QuorumServerSpec]
    var zab: ZabConfig
    /// Zab ticks per tickTime: elections and pings move in tenths of a tick, as Apache's millisecond timers
    /// (finalizeWait 200 ms) do, while initLimit and syncLimit keep their meaning in ticks.
    static let subTicks = 10
    var subTickMillis: Int64

    /// nil when zoo.cfg describes a standalone server.
    static func from(_ config: ZooConfig, myIdText: String?) throws -> EnsembleSettings? {
        guard config.peers.count > 1 || (config.peers.count == 1 && !config.standaloneEnabled) else { return nil }
        guard let text = myIdText else {
            throw Failure(description: "\(config.dataDir)/myid is missing: a server of an ensemble needs its id there")
        }
        guard let myId = Int64(text.filter { !$0.isWhitespace }) else {
            throw Failure(description: "\(config.dataDir)/myid: not a server id: \(text)")
        }
        var members: [Int64: QuorumServerSpec] = [:]
        for peer in config.peers { members[peer.id] = peer }
        guard members[myId] != nil else {
            throw Failure(description: "myid is \(myId) but zoo.cfg has no server.\(myId) line")
        }
        // peerType=observer marks this server an observer even if its server.N line does not say so.
        if config.peerType == "observer" { members[myId]?.observer = true }
        let participants = Set(members.values.filter { !$0.observer }.map(\.id))
        let observers = Set(members.values.filter(\.observer).map(\.id))
        guard !participants.isEmpty else { throw Failure(description: "the ensemble has no participants, only observers") }
        var zab = ZabConfig(id: myId, participants: participants, observers: observers,
                            initLimit: config.initLimit * subTicks, syncLimit: config.syncLimit * subTicks,
                            finalizeWait: 1, resendInterval: 2, maxResendInterval: 2 * subTicks, pingInterval: subTicks / 2,
                            counterLimit: config.zxidCounterLimit)
        zab.membership = QuorumConfig(servers: members, version: config.configVersion).membership
        zab.reconfigEnabled = config.reconfigEnabled
        return EnsembleSettings(myId: myId, members: members, zab: zab,
                                subTickMillis: max(10, Int64(config.tickTime) / Int64(subTicks)))
    }

    var me: QuorumServerSpec { members[myId]! }

    /// Apache starts read-only mode max(2 s, tickTime) after a member loses its quorum; in Zab ticks.
    var readOnlyAfterTicks: Int {
        let millis = max(2000, subTickMillis * Int64(Self.subTicks))
        return Int((millis + subTickMillis - 1) / subTickMillis)
    }
    var isObserver: Bool { zab.learnerType == .observer }
}

extension EnsembleSettings {
    /// What the pure replica needs of this: its ids, Zab's timing and the texts it reports.
    func replicaSettings(_ config: ZooConfig) -> ReplicaSettings {
        let me = self.me
        let confSection = """
            initLimit=\(config.initLimit)
            syncLimit=\(config.syncLimit)
            electionAlg=3
            electionPort=\(me.electionPort)
            quorumPort=\(me.quorumPort)
            peerType=\(isObserver ? 1 : 0)

            """
        return ReplicaSettings(myId: myId, zab: zab, confSection: confSection,
                               readOnlyModeEnabled: config.readOnlyModeEnabled, readOnlyAfterTicks: readOnlyAfterTicks)
    }

    /// Where Apache keeps acceptedEpoch and currentEpoch: FileTxnSnapLog's snapshot directory.
    static func epochDirectory(_ dataDir: String) -> String { dataDir + "/version-2" }

    /// The Zab peer as recovery left it, and what loading the epoch files did. Disk state a peer cannot start
    /// from is an error that names the files, never a trap.
    func recoveredPeer(dataDir: String, recovered: Recovery.State) throws -> (peer: ZabPeer, notes: [String]) {
        let directory = Self.epochDirectory(dataDir)
        let lastZxid = max(recovered.tree.lastProcessedZxid, recovered.logTail.last?.zxid ?? 0)
        let epochs = try EpochFile.load(directory: directory, legacyDirectory: dataDir, lastZxid: lastZxid)
        var snapshot: Snapshot?
        if let path = recovered.snapshotPath {
            snapshot = Snapshot(zxid: Zxid(rawValue: recovered.snapshotZxid), data: try FileSystem.readFile(path))
        }
        let entries = recovered.logTail.map { Replica.logEntry(zxid: $0.zxid, payload: $0.payload) }
        // A server that crashed between its two epoch files can hold currentEpoch > acceptedEpoch; the larger
        // promise is the one kept.
        let state = PersistentState(acceptedEpoch: max(epochs.accepted, epochs.current), currentEpoch: epochs.current,
                                    snapshot: snapshot, log: entries)
        do {
            return (try ZabPeer(config: zab, state: state), epochs.notes)
        } catch {
            throw Recovery.Failure(file: "\(directory)/\(EpochFile.accepted), \(EpochFile.current) and the logs in \(directory)",
                                   reason: "\(error)")
        }
    }
}
