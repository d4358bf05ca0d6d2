import ZKDataTree
import ZKJute
import ZKProtocol

extension ServerCore {
    /// Reads are answered from the tree at once, in order with everything else on the connection.
    func read(_ id: ConnectionID, _ request: ClientRequest, connection: ConnectionState) {
        let xid = request.xid
        do throws(ErrorCode) {
            switch request.body {
            case .exists(let r):
                guard !r.path.utf8.contains(0) else { throw .badArguments }
                if r.watch { tree.watches.data.add(r.path, id, mode: .standard) }
                guard let node = tree.node(r.path) else { throw .noNode }
                reply(id, xid: xid, StatRecord(stat: node.fullStat))
            case .getData(let r):
                let node = try readable(r.path, connection)
                if r.watch { tree.watches.data.add(r.path, id, mode: .standard) }
                reply(id, xid: xid, GetDataResponse(data: node.data, stat: node.fullStat))
            case .getChildren(let r):
                let node = try readable(r.path, connection)
                if r.watch { tree.watches.child.add(r.path, id, mode: .standard) }
                reply(id, xid: xid, StringsRecord(strings: Array(node.children)))
            case .getChildren2(let r):
                let node = try readable(r.path, connection)
                if r.watch { tree.watches.child.add(r.path, id, mode: .standard) }
                reply(id, xid: xid, GetChildren2Response(children: Array(node.children), stat: node.fullStat))
            case .getACL(let r):
                guard let node = tree.node(r.path) else { throw .noNode }
                guard AccessControl.check(node.acl, [.read, .admin], authIds: connection.authIds, providers: settings.authProviders) else { throw .noAuth }
                if AccessControl.check(node.acl, .admin, authIds: connection.authIds, providers: settings.authProviders) {
                    reply(id, xid: xid, GetACLResponse(acl: node.acl, stat: node.fullStat))
                } else {
                    // Without ADMIN the digest hashes are withheld, as Apache does.
                    let redacted = node.acl.map { acl -> ACL in
                        guard acl.id.scheme == "digest" else { return acl }
                        let user = acl.id.id.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                        return ACL(perms: acl.perms, id: Id(scheme: "digest", id: user + ":x"))
                    }
                    reply(id, xid: xid, GetACLResponse(acl: redacted, stat: node.fullStat))
                }
            case .getAllChildrenNumber(let r):
                _ = try readable(r.path, connection)
                reply(id, xid: xid, IntRecord(value: Int32(clamping: tree.descendantCount(r.path))))
            case .getEphemerals(let r):
                let all = tree.ephemerals[connection.sessionId] ?? []
                let prefix = String(r.path.trimmingBlanks())
                let matching = (prefix.isEmpty || prefix == "/") ? Array(all) : all.filter { $0.hasPrefix(prefix) }
                reply(id, xid: xid, StringsRecord(strings: matching.sorted()))
            case .addWatch(let r):
                guard let mode = AddWatchMode(rawValue: r.type) else { throw .badArguments }
                tree.watches.addPersistent(r.path, id, recursive: mode == .persistentRecursive)
                reply(id, xid: xid, IntRecord(value: 0))
            case .checkWatches(let r):
                guard let type = WatcherType(rawValue: r.type) else { throw .badArguments }
                guard tree.watches.contains(r.path, type: type, id) else { throw .noWatcher }
                reply(id, xid: xid, .ok)
            case .removeWatches(let r):
                guard let type = WatcherType(rawValue: r.type) else { throw .badArguments }
                guard tree.watches.remove(r.path, type: type, id) else { throw .noWatcher }
                reply(id, xid: xid, .ok)
            case .whoAmI:
                let infos = JavaHashOrder.concurrentHashMapOrder(connection.authIds).map { authId -> ClientInfo in
                    let user = authId.scheme == "digest" ? (authId.id.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "") : authId.id
                    return ClientInfo(authScheme: authId.scheme, user: user)
                }
                reply(id, xid: xid, WhoAmIResponse(clientInfo: infos))
            case .multiRead(let multi):
                var results: [MultiOpResult] = []
                results.reserveCapacity(multi.ops.count)
                // As Apache: its record refuses reads mixed with writes (MarshallingError, no body); writes
                // alone decode, and the first one ends the multiRead (MarshallingError, no results).
                if multi.ops.contains(where: { !$0.isRead }) {
                    if multi.ops.contains(where: \.isRead) { throw .marshallingError }
                    return reply(id, xid: xid, MultiResponse(results: []), err: .marshallingError)
                }
                for op in multi.ops { results.append(readOp(op, id: id, connection: connection)) }
                reply(id, xid: xid, MultiResponse(results: results))
            default:
                throw .unimplemented
            }
        } catch {
            reply(id, xid: xid, error)
        }
    }

    private func readable(_ path: String, _ connection: ConnectionState) throws(ErrorCode) -> ZNode {
        guard let node = tree.node(path) else { throw .noNode }
        guard AccessControl.check(node.acl, .read, authIds: connection.authIds, providers: settings.authProviders) else { throw .noAuth }
        return node
    }

    private func readOp(_ op: MultiOp, id: ConnectionID, connection: ConnectionState) -> MultiOpResult {
        do throws(ErrorCode) {
            switch op {
            case .getData(let r):
                let node = try readable(r.path, connection)
                if r.watch { tree.watches.data.add(r.path, id, mode: .standard) }
                return .getData(node.data ?? [], node.fullStat)
            case .getChildren(let r):
                let node = try readable(r.path, connection)
                if r.watch { tree.watches.child.add(r.path, id, mode: .standard) }
                return .getChildren(Array(node.children))
            default:
                return .error(.badArguments)
            }
        } catch {
            return .error(error)
        }
    }

    /// SetWatches after a reconnect: changes missed while away fire now, the rest are re-armed.
    func setWatches(_ id: ConnectionID, _ request: SetWatches) {
        var sink = OutputWatchSink(output: output, metrics: metrics)
        let relative = request.relativeZxid
        func fire(_ type: EventType, _ path: String) {
            sink.deliver(WatcherEvent(type: type, state: .syncConnected, path: path), to: id)
        }
        for path in request.dataWatches {
            if let node = tree.node(path) {
                if node.stat.mzxid > relative { fire(.nodeDataChanged, path) } else { tree.watches.data.add(path, id, mode: .standard) }
            } else {
                fire(.nodeDeleted, path)
            }
        }
        for path in request.existWatches {
            if tree.node(path) != nil { fire(.nodeCreated, path) } else { tree.watches.data.add(path, id, mode: .standard) }
        }
        for path in request.childWatches {
            if let node = tree.node(path) {
                if node.stat.pzxid > relative { fire(.nodeChildrenChanged, path) } else { tree.watches.child.add(path, id, mode: .standard) }
            } else {
                fire(.nodeDeleted, path)
            }
        }
        for path in request.persistentWatches ?? [] { tree.watches.addPersistent(path, id, recursive: false) }
        for path in request.persistentRecursiveWatches ?? [] { tree.watches.addPersistent(path, id, recursive: true) }
    }
}

