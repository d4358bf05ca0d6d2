import ZKProtocol

/// The result of applying one transaction, from which the reply is made.
public enum TxnResult: Sendable, Equatable {
    case created(path: String, stat: Stat)
    case deleted
    case setData(Stat)
    case setACL(Stat)
    case checked
    case multi([TxnResult])
    case error(ErrorCode)
    case sessionCreated
    case sessionClosed

    public var errorCode: ErrorCode {
        switch self {
        case .error(let code): return code
        default: return .ok
        }
    }
}

extension DataTree {
    /// Applies a transaction and fires the watches it triggers. Failures here mean the transaction does not
    /// fit the tree (possible only when replaying a log over a fuzzy snapshot) and are reported, not fatal.
    public func apply<S: WatchSink>(_ txn: Transaction, sink: inout S) -> TxnResult {
        let result = apply(txn.body, header: txn.header, sink: &sink)
        if txn.header.zxid > lastProcessedZxid { lastProcessedZxid = txn.header.zxid }
        return result
    }

    private func apply<S: WatchSink>(_ body: TxnBody, header: TxnHeader, sink: inout S) -> TxnResult {
        switch body {
        case .create(let t):
            return createNode(t.path, data: t.data, acl: t.acl, owner: t.ephemeral ? header.clientId : 0,
                              parentCVersion: t.parentCVersion, zxid: header.zxid, time: header.time, sink: &sink)
        case .createContainer(let t):
            return createNode(t.path, data: t.data, acl: t.acl, owner: EphemeralKind.containerOwner,
                              parentCVersion: t.parentCVersion, zxid: header.zxid, time: header.time, sink: &sink)
        case .createTTL(let t):
            return createNode(t.path, data: t.data, acl: t.acl, owner: EphemeralKind.ttlOwner(t.ttl),
                              parentCVersion: t.parentCVersion, zxid: header.zxid, time: header.time, sink: &sink)
        case .delete(let t), .deleteContainer(let t):
            return deleteNode(t.path, zxid: header.zxid, sink: &sink)
        case .setData(let t):
            guard let node = nodes[t.path] else { return .error(.noNode) }
            setNodeData(node, t.path, t.data, version: t.version, zxid: header.zxid, time: header.time, sink: &sink)
            return .setData(node.fullStat)
        case .reconfig(let t):
            guard let node = nodes[Self.configPath] else { return .error(.noNode) }
            setNodeData(node, Self.configPath, t.data, version: t.version, zxid: header.zxid, time: header.time, sink: &sink)
            return .setData(node.fullStat)
        case .setACL(let t):
            guard let node = nodes[t.path] else { return .error(.noNode) }
            node.acl = aclLists.intern(t.acl)
            node.stat.aversion = t.version
            return .setACL(node.fullStat)
        case .check:
            return .checked
        case .error(let code):
            return .error(code)
        case .createSession:
            return .sessionCreated
        case .closeSession(let paths):
            // Newest logs name the ephemerals to delete; older ones leave it to the tree's index.
            let doomed = paths.isEmpty ? Array(ephemerals[header.clientId] ?? []) : paths
            for path in doomed.sorted(by: >) { _ = deleteNode(path, zxid: header.zxid, sink: &sink) }
            ephemerals[header.clientId] = nil
            return .sessionClosed
        case .multi(let bodies):
            return applyMulti(bodies, header: header, sink: &sink)
        }
    }

    /// A multi whose preparation failed carries an ErrorTxn for the failing op; then nothing is applied,
    /// the ops before it answer OK and those after it RuntimeInconsistency, as Apache's DataTree does.
    private func applyMulti<S: WatchSink>(_ bodies: [TxnBody], header: TxnHeader, sink: inout S) -> TxnResult {
        let failed = bodies.contains { if case .error = $0 { return true } else { return false } }
        guard failed else { return .multi(bodies.map { apply($0, header: header, sink: &sink) }) }
        var results: [TxnResult] = []
        var afterFailure = false
        for body in bodies {
            if case .error(let code) = body {
                afterFailure = true
                results.append(.error(code))
            } else {
                results.append(.error(afterFailure ? .runtimeInconsistency : .ok))
            }
        }
        return .multi(results)
    }

    /// Apache's DataTree.setData: new data with the size and quota accounting, the stat, and the data watches.
    func setNodeData<S: WatchSink>(_ node: ZNode, _ path: String, _ data: [UInt8]?, version: Int32, zxid: Int64, time: Int64,
                                   sink: inout S) {
        let delta = (data?.count ?? 0) - (node.data?.count ?? 0)
        approximateDataSizeAdjust(delta)
        node.data = data
        quotaDataChanged(path, bytesDelta: delta)
        node.stat.mtime = time
        node.stat.mzxid = zxid
        node.stat.version = version
        watches.data.trigger(path, .nodeDataChanged, sink: &sink)
    }

    func createNode<S: WatchSink>(
        _ path: String, data: [UInt8]?, acl: [ACL], owner: Int64, parentCVersion: Int32, zxid: Int64, time: Int64,
        sink: inout S
    ) -> TxnResult {
        guard let parentPath = ZNodePath.parentKey(of: path), let parent = nodes[parentPath] else { return .error(.noNode) }
        let name = String(ZNodePath.childName(of: path))
        guard !parent.children.contains(name) else { return .error(.nodeExists) }
        let newCVersion = parentCVersion == -1 ? parent.stat.cversion + 1 : parentCVersion
        if newCVersion > parent.stat.cversion {
            parent.stat.cversion = newCVersion
            parent.stat.pzxid = zxid
        }
        var stat = StatPersisted()
        stat.czxid = zxid; stat.mzxid = zxid; stat.pzxid = zxid
        stat.ctime = time; stat.mtime = time
        stat.ephemeralOwner = owner
        let node = ZNode(data: data, acl: aclLists.intern(acl), stat: stat)
        parent.children.insert(name)
        nodes[path] = node
        approximateDataSizeAdjust(path.utf8.count + (data?.count ?? 0))
        insertIndex(path, owner: owner)
        quotaNodeCreated(path, parentPath: parentPath, name: name, dataLength: data?.count ?? 0)
        watches.data.trigger(path, .nodeCreated, sink: &sink)
        watches.child.trigger(parentPath, .nodeChildrenChanged, sink: &sink)
        return .created(path: path, stat: node.fullStat)
    }

    func deleteNode<S: WatchSink>(_ path: String, zxid: Int64, sink: inout S) -> TxnResult {
        guard let parentPath = ZNodePath.parentKey(of: path), let parent = nodes[parentPath] else { return .error(.noNode) }
        parent.children.remove(String(ZNodePath.childName(of: path)))
        if zxid > parent.stat.pzxid { parent.stat.pzxid = zxid }
        guard let node = nodes.removeValue(forKey: path) else { return .error(.noNode) }
        approximateDataSizeAdjust(-(path.utf8.count + (node.data?.count ?? 0)))
        removeIndex(path, owner: node.stat.ephemeralOwner)
        quotaNodeDeleted(path, parentPath: parentPath, name: String(ZNodePath.childName(of: path)), dataLength: node.data?.count ?? 0)
        let notified = watches.data.trigger(path, .nodeDeleted, sink: &sink)
        watches.child.trigger(path, .nodeDeleted, sink: &sink, suppress: notified)
        watches.child.trigger(parentPath, .nodeChildrenChanged, sink: &sink)
        return .deleted
    }
}
