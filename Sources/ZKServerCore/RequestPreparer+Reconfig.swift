import ZKDataTree
import ZKProtocol

/// What a leader checks a reconfiguration against (Apache's view from LeaderZooKeeperServer).
public struct ReconfigState: Sendable {
    /// The configuration the change applies to: the newest one logged, committed or not.
    public var lastSeen: QuorumConfig
    /// A reconfiguration is logged but not yet committed.
    public var inProgress: Bool
    /// The voters whose sync with this leader is complete, this leader included (Apache's isQuorumSynced).
    public var syncedVoters: Set<Int64>

    public init(lastSeen: QuorumConfig, inProgress: Bool, syncedVoters: Set<Int64>) {
        self.lastSeen = lastSeen
        self.inProgress = inProgress
        self.syncedVoters = syncedVoters
    }
}

extension RequestPreparer {
    /// A reconfig request's transaction, with Apache's checks in PrepRequestProcessor's order; `state` is nil
    /// on a server that cannot reconfigure (standalone: Unimplemented). `standaloneEnabled` is zoo.cfg's:
    /// with it a configuration needs two voters, without it one.
    public mutating func prepareReconfig(_ r: ReconfigRequest, state: ReconfigState?, standaloneEnabled: Bool, context: Context,
                                         tree: DataTree) -> TxnBody {
        do throws(ErrorCode) {
            guard context.sessionIsLive else { throw .sessionExpired }
            guard let state else { throw .unimplemented }
            guard !state.inProgress else { throw .reconfigInProgress }
            guard r.curConfigId == -1 || r.curConfigId == state.lastSeen.version else { throw .badVersion }
            var next: QuorumConfig
            if let members = r.newMembers { next = try Self.nonIncremental(members) } else { next = try Self.incremental(r, from: state.lastSeen) }
            next.version = context.zxid
            let voters = next.participants
            guard voters.count >= (standaloneEnabled ? 2 : 1) else { throw .badArguments }
            guard 2 * voters.intersection(state.syncedVoters).count > voters.count else { throw .newConfigNoQuorum }
            var node = try record(DataTree.configPath, tree: tree)
            guard AccessControl.check(node.acl, .write, authIds: context.authIds, providers: providers) else { throw .noAuth }
            node.stat.version = -1
            node.stat.mtime = context.time
            node.stat.mzxid = context.zxid
            add(DataTree.configPath, node, zxid: context.zxid)
            return .reconfig(SetDataTxn(path: DataTree.configPath, data: Array(next.text.utf8), version: -1))
        } catch {
            return .error(error)
        }
    }

    /// `newMembers`: the whole new membership, comma or newline separated server lines.
    private static func nonIncremental(_ members: String) throws(ErrorCode) -> QuorumConfig {
        let text = members.replacing(",", with: "\n")
        // A server id that is not a number fails in Java's Long.parseLong, outside the ConfigException that
        // becomes BadArguments: Apache answers MarshallingError.
        for (key, _) in (try? QuorumConfig.properties(text)) ?? [] where key.hasPrefix("server.") {
            guard Int64(key.dropFirst("server.".count)) != nil else { throw .marshallingError }
        }
        do { return try QuorumConfig(text: text) } catch { throw .badArguments }
    }

    /// `joiningServers` and `leavingServers` applied to the last seen configuration.
    private static func incremental(_ r: ReconfigRequest, from lastSeen: QuorumConfig) throws(ErrorCode) -> QuorumConfig {
        var next = lastSeen
        for leaving in items(r.leavingServers, separatedBy: ",") {
            guard let id = Int64(leaving) else { throw .marshallingError }
            next.servers[id] = nil
        }
        for joiner in items(r.joiningServers, separatedBy: ",") {
            // server.x=server_spec;client_spec
            let parts = items(joiner, separatedBy: "=")
            guard parts.count == 2 else { throw .badArguments }
            let key = parts[0]
            let idText = key.lastIndex(of: ".").map { key[key.index(after: $0)...] } ?? Substring(key)
            guard let id = Int64(idText) else { throw .marshallingError }
            let spec: QuorumServerSpec
            do { spec = try QuorumServerSpec(id: id, spec: parts[1]) } catch { throw .badArguments }
            // Each joiner needs its client port as well as its two quorum ports.
            guard spec.clientPort != nil else { throw .badArguments }
            for other in next.servers.values where other.id != id && other.host == spec.host {
                let taken: Set<Int> = [other.quorumPort, other.electionPort]
                if taken.contains(spec.quorumPort) || taken.contains(spec.electionPort) { throw .badArguments }
            }
            next.servers[id] = spec
        }
        return next
    }

    /// ZooKeeper's StringUtils.split: trimmed pieces, empty ones dropped.
    private static func items(_ text: String?, separatedBy separator: Character) -> [String] {
        guard let text else { return [] }
        return text.split(separator: separator, omittingEmptySubsequences: false).map { String($0.trimmingBlanks()) }.filter { !$0.isEmpty }
    }
}
