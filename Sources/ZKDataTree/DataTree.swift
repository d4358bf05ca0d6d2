import ZKProtocol

/// The replicated state: the znodes, which sessions own which ephemerals, and the watches set on them.
/// A deterministic state machine: `apply` of the same transactions in the same order gives the same tree.
/// Invariant: every node but the root is in its parent's `children`; `ephemerals[s]` holds exactly the
/// nodes whose ephemeralOwner is session s.
public final class DataTree {
    public internal(set) var nodes: [String: ZNode] = [:]
    public internal(set) var ephemerals: [Int64: Set<String>] = [:]
    public internal(set) var containers: Set<String> = []
    public internal(set) var ttlNodes: Set<String> = []
    public var watches = WatchRegistry()
    /// The zxid of the last transaction applied.
    public internal(set) var lastProcessedZxid: Int64 = 0
    /// Sum over nodes of path length plus data length, as Apache's approximate_data_size.
    public internal(set) var approximateDataSize: Int = 0
    public let extendedTypesEnabled: Bool
    /// Paths with a quota (a zookeeper_limits node under /zookeeper/quota); usually empty, so the write path
    /// pays one emptiness check.
    var quotaRoots: Set<String> = []
    var aclLists = ACLInterner()

    public static let zookeeperPath = "/zookeeper"
    public static let quotaPath = "/zookeeper/quota"
    public static let configPath = "/zookeeper/config"

    public init(extendedTypesEnabled: Bool = false) {
        self.extendedTypesEnabled = extendedTypesEnabled
        nodes["/"] = ZNode(data: [], acl: ACL.openACLUnsafe, stat: StatPersisted(), children: ["zookeeper"])
        nodes[Self.zookeeperPath] = ZNode(data: [], acl: ACL.openACLUnsafe, stat: StatPersisted(), children: ["quota", "config"])
        nodes[Self.quotaPath] = ZNode(data: [], acl: ACL.openACLUnsafe, stat: StatPersisted())
        var configStat = StatPersisted()
        configStat.aversion = -1  // Apache sets its read-only ACL with version -1 and stores that as aversion
        nodes[Self.configPath] = ZNode(data: [], acl: ACL.readACLUnsafe, stat: configStat)
        approximateDataSize = nodes.keys.reduce(0) { $0 + $1.utf8.count }
    }

    /// The nodes a client may not delete (Apache's isSpecialPath).
    public static func isSpecialPath(_ path: String) -> Bool {
        path == "/" || path == zookeeperPath || path == quotaPath || path == configPath
    }

    /// "" is the root too, as in Apache's tree (a read of the empty path answers the root).
    public func node(_ path: String) -> ZNode? { path.isEmpty ? nodes["/"] : nodes[path] }
    /// Apache's node count includes its second key for the root (""), so a fresh tree has 5.
    public var nodeCount: Int { nodes.count + 1 }
    public var ephemeralCount: Int { ephemerals.values.reduce(0) { $0 + $1.count } }

    public func ephemeralKind(of node: ZNode) -> EphemeralKind {
        EphemeralKind(owner: node.stat.ephemeralOwner, extendedTypes: extendedTypesEnabled)
    }

    /// Number of descendants of `path` (getAllChildrenNumber).
    public func descendantCount(_ path: String) -> Int {
        guard let node = nodes[path] else { return 0 }
        var count = 0
        var stack: [(String, ZNode)] = [(path, node)]
        while let (p, n) = stack.popLast() {
            for child in n.children {
                let childPath = ZNodePath.join(p, child)
                count += 1
                if let c = nodes[childPath] { stack.append((childPath, c)) }
            }
        }
        return count
    }

    /// Replaces the contents wholesale (snapshot load).
    public func load(nodes: [String: ZNode], lastProcessedZxid: Int64) {
        self.nodes = nodes
        self.lastProcessedZxid = lastProcessedZxid
        ephemerals = [:]; containers = []; ttlNodes = []; approximateDataSize = 0
        for (path, node) in nodes {
            approximateDataSize += path.utf8.count + (node.data?.count ?? 0)
            index(path, owner: node.stat.ephemeralOwner)
        }
        rebuildQuotas()
    }

    /// The ensemble's configuration text in /zookeeper/config, written as Apache's initConfigInZKDatabase
    /// does (DataTree.setData with version -1), through the accounting and watches of any data change.
    public func setConfigData<S: WatchSink>(_ data: [UInt8], zxid: Int64, time: Int64, sink: inout S) {
        guard let node = nodes[Self.configPath] else { return }
        setNodeData(node, Self.configPath, data, version: -1, zxid: zxid, time: time, sink: &sink)
    }

    func approximateDataSizeAdjust(_ delta: Int) { approximateDataSize += delta }
    func insertIndex(_ path: String, owner: Int64) { index(path, owner: owner) }
    func removeIndex(_ path: String, owner: Int64) { unindex(path, owner: owner) }

    private func index(_ path: String, owner: Int64) {
        switch EphemeralKind(owner: owner, extendedTypes: extendedTypesEnabled) {
        case .none: break
        case .container: containers.insert(path)
        case .ttl: ttlNodes.insert(path)
        case .session(let session): ephemerals[session, default: []].insert(path)
        }
    }

    private func unindex(_ path: String, owner: Int64) {
        switch EphemeralKind(owner: owner, extendedTypes: extendedTypesEnabled) {
        case .none: break
        case .container: containers.remove(path)
        case .ttl: ttlNodes.remove(path)
        case .session(let session):
            ephemerals[session]?.remove(path)
            if ephemerals[session]?.isEmpty == true { ephemerals[session] = nil }
        }
    }
}
