import ZKZab

/// A replicated server's view of its ensemble, from zoo.cfg's server.N lines and dataDir/myid.
struct EnsembleSettings: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var myId: Int64
    var members: [Int64: ZooConfig.Peer]
    var zab: ZabConfig
    /// Zab ticks per tickTime: elections and pings move in tenths of a tick, as Apache's millisecond timers
    /// (finalizeWait 200 ms) do, while initLimit and syncLimit keep their meaning in ticks.
    static let subTicks = 10
    var subTickMillis: Int64
    /// QuorumVerifier.toString: the members, then the config version; /zookeeper/config and NEWLEADER hold it.
    var configText: String

    /// nil when zoo.cfg describes a standalone server.
    static func from(_ config: ZooConfig, myIdText: String?) throws -> EnsembleSettings? {
        guard config.peers.count > 1 || (config.peers.count == 1 && !config.standaloneEnabled) else { return nil }
        guard let text = myIdText else {
            throw Failure(description: "\(config.dataDir)/myid is missing: a server of an ensemble needs its id there")
        }
        guard let myId = Int64(text.filter { !$0.isWhitespace }) else {
            throw Failure(description: "\(config.dataDir)/myid: not a server id: \(text)")
        }
        var members: [Int64: ZooConfig.Peer] = [:]
        for peer in config.peers { members[peer.id] = peer }
        guard members[myId] != nil else {
            throw Failure(description: "myid is \(myId) but zoo.cfg has no server.\(myId) line")
        }
        // peerType=observer marks this server an observer even if its server.N line does not say so.
        if config.peerType == "observer" { members[myId]?.observer = true }
        let participants = Set(members.values.filter { !$0.observer }.map(\.id))
        let observers = Set(members.values.filter(\.observer).map(\.id))
        guard !participants.isEmpty else { throw Failure(description: "the ensemble has no participants, only observers") }
        let zab = ZabConfig(id: myId, participants: participants, observers: observers,
                            initLimit: config.initLimit * subTicks, syncLimit: config.syncLimit * subTicks,
                            finalizeWait: 1, resendInterval: 2, maxResendInterval: 2 * subTicks, pingInterval: subTicks / 2,
                            counterLimit: config.zxidCounterLimit)
        let lines = members.keys.sorted().compactMap { members[$0] }.map { peer -> String in
            let role = peer.observer ? "observer" : "participant"
            let clientHost = peer.clientHost ?? (peer.clientPort == nil ? nil : "0.0.0.0")
            let client = peer.clientPort.map { ";\(clientHost ?? "0.0.0.0"):\($0)" } ?? ""
            return "server.\(peer.id)=\(peer.host):\(peer.quorumPort):\(peer.electionPort):\(role)\(client)"
        }
        return EnsembleSettings(myId: myId, members: members, zab: zab,
                                subTickMillis: max(10, Int64(config.tickTime) / Int64(subTicks)),
                                configText: (lines + ["version=0"]).joined(separator: "\n"))
    }

    var me: ZooConfig.Peer { members[myId]! }

    /// Apache starts read-only mode max(2 s, tickTime) after a member loses its quorum; in Zab ticks.
    var readOnlyAfterTicks: Int {
        let millis = max(2000, subTickMillis * Int64(Self.subTicks))
        return Int((millis + subTickMillis - 1) / subTickMillis)
    }
    var isObserver: Bool { zab.learnerType == .observer }
}
