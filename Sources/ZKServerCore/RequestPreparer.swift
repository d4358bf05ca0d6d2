import ZKDataTree
import ZKProtocol

/// Turns a write request into a transaction, validating it against the tree plus the changes of
/// transactions prepared but not yet applied (Apache's PrepRequestProcessor and its outstandingChanges).
/// Checks run in Apache's order, so the same bad request fails with the same code.
public struct RequestPreparer {
    /// What a node will look like once pending transactions are applied.
    struct ChangeRecord {
        var zxid: Int64
        var stat: StatPersisted
        var childCount: Int
        var acl: [ACL]
    }

    /// Pending view: nil value = the node will have been deleted.
    private var overlay: [String: ChangeRecord?] = [:]
    /// One entry per change, oldest first, with what the overlay held before it (for rollback).
    /// Entries before `firstLive` are already applied; the array is compacted now and then.
    private var changes: [PendingChange] = []
    private var firstLive = 0
    /// The zxid of each path's newest pending change: only that one may clear the path's overlay entry.
    private var latestZxid: [String: Int64] = [:]

    struct PendingChange {
        var zxid: Int64
        var path: String
        var previous: ChangeRecord??
        var previousLatest: Int64?
    }

    /// Which ACL schemes beyond ip and digest this server has providers for.
    public var providers: AuthProviders

    public init(providers: AuthProviders) { self.providers = providers }

    public struct Context {
        public var sessionId: Int64
        public var authIds: [Id]
        public var zxid: Int64
        public var time: Int64
        public var extendedTypesEnabled: Bool
        public var sessionIsLive: Bool
        public init(sessionId: Int64, authIds: [Id], zxid: Int64, time: Int64, extendedTypesEnabled: Bool, sessionIsLive: Bool) {
            self.sessionId = sessionId; self.authIds = authIds; self.zxid = zxid; self.time = time
            self.extendedTypesEnabled = extendedTypesEnabled; self.sessionIsLive = sessionIsLive
        }
    }

    /// Forgets pending changes that the tree now reflects. Amortised O(1) per change.
    public mutating func applied(through zxid: Int64) {
        while firstLive < changes.count && changes[firstLive].zxid <= zxid {
            let change = changes[firstLive]
            if latestZxid[change.path] == change.zxid {
                overlay[change.path] = nil
                latestZxid[change.path] = nil
            }
            firstLive += 1
        }
        if firstLive == changes.count {
            changes.removeAll(keepingCapacity: true)
            firstLive = 0
        } else if firstLive > 1024 && firstLive * 2 > changes.count {
            changes.removeFirst(firstLive)
            firstLive = 0
        }
    }

    public var hasPendingChanges: Bool { !overlay.isEmpty }

    // MARK: - Lookups

    func record(_ path: String, tree: DataTree) throws(ErrorCode) -> ChangeRecord {
        let key = path.isEmpty ? "/" : path
        if let pending = overlay[key] {
            guard let record = pending else { throw .noNode }
            return record
        }
        guard let node = tree.node(key) else { throw .noNode }
        return ChangeRecord(zxid: node.stat.mzxid, stat: node.stat, childCount: node.children.count, acl: node.acl)
    }

    mutating func add(_ path: String, _ record: ChangeRecord?, zxid: Int64) {
        let key = path.isEmpty ? "/" : path
        changes.append(PendingChange(zxid: zxid, path: key, previous: overlay[key], previousLatest: latestZxid[key]))
        overlay[key] = .some(record)
        latestZxid[key] = zxid
    }

    // MARK: - Preparing

    /// The transaction body for a write; failures come back as `.error(code)`, which Apache also logs.
    public mutating func prepare(_ body: ClientRequest.Body, op: OpCode, context: Context, tree: DataTree) -> TxnBody {
        let mark = changes.count
        do throws(ErrorCode) {
            if case .multi(let multi) = body {
                guard context.sessionIsLive else { throw .sessionExpired }
                return prepareMulti(multi.ops, context: context, tree: tree)
            }
            return try prepareSingle(body, op: op, context: context, tree: tree)
        } catch {
            rollback(to: mark)
            return .error(error)
        }
    }

    private mutating func rollback(to mark: Int) {
        guard changes.count > mark else { return }
        for entry in changes[mark...].reversed() {
            if let previous = entry.previous { overlay[entry.path] = previous } else { overlay[entry.path] = nil }
            latestZxid[entry.path] = entry.previousLatest
        }
        changes.removeSubrange(mark...)
    }

    private mutating func prepareMulti(_ ops: [MultiOp], context: Context, tree: DataTree) -> TxnBody {
        let mark = changes.count
        var bodies: [TxnBody] = []
        var failed = false
        for op in ops {
            if failed {
                bodies.append(.error(.runtimeInconsistency))
                continue
            }
            do throws(ErrorCode) {
                bodies.append(try prepareSingle(op.asRequestBody, op: op.opCode, context: context, tree: tree))
            } catch {
                failed = true
                bodies.append(.error(error))
                rollback(to: mark)
            }
        }
        return .multi(bodies)
    }

    private mutating func prepareSingle(_ body: ClientRequest.Body, op: OpCode, context: Context, tree: DataTree) throws(ErrorCode) -> TxnBody {
        switch body {
        case .create(let r):
            return try prepareCreate(path: r.path, data: r.data, acl: r.acl, flags: r.flags, ttl: -1, op: op, context: context, tree: tree)
        case .createTTL(let r):
            return try prepareCreate(path: r.path, data: r.data, acl: r.acl, flags: r.flags, ttl: r.ttl, op: op, context: context, tree: tree)
        case .delete(let r):
            guard context.sessionIsLive else { throw .sessionExpired }
            let path = r.path
            guard let parentPath = ZNodePath.parent(of: path), !path.utf8.contains(0), !DataTree.isSpecialPath(path) else {
                throw .badArguments
            }
            var parent = try record(parentPath, tree: tree)
            guard AccessControl.check(parent.acl, .delete, authIds: context.authIds, providers: providers) else { throw .noAuth }
            let node = try record(path, tree: tree)
            _ = try Self.checkVersion(node.stat.version, expected: r.version)
            guard node.childCount == 0 else { throw .notEmpty }
            parent.childCount -= 1
            parent.stat.pzxid = context.zxid
            add(parentPath, parent, zxid: context.zxid)
            add(path, nil, zxid: context.zxid)
            return .delete(DeleteTxn(path: path))
        case .setData(let r):
            guard context.sessionIsLive else { throw .sessionExpired }
            guard ZNodePath.isValid(r.path) else { throw .badArguments }
            var node = try record(r.path, tree: tree)
            guard AccessControl.check(node.acl, .write, authIds: context.authIds, providers: providers) else { throw .noAuth }
            let newVersion = try Self.checkVersion(node.stat.version, expected: r.version)
            node.stat.version = newVersion
            node.stat.mtime = context.time
            node.stat.mzxid = context.zxid
            add(r.path, node, zxid: context.zxid)
            return .setData(SetDataTxn(path: r.path, data: r.data, version: newVersion))
        case .setACL(let r):
            guard context.sessionIsLive else { throw .sessionExpired }
            guard ZNodePath.isValid(r.path) else { throw .badArguments }
            guard let acl = AccessControl.fixup(r.acl, authIds: context.authIds, providers: providers) else { throw .invalidACL }
            var node = try record(r.path, tree: tree)
            guard AccessControl.check(node.acl, .admin, authIds: context.authIds, providers: providers) else { throw .noAuth }
            let newVersion = try Self.checkVersion(node.stat.aversion, expected: r.version)
            node.stat.aversion = newVersion
            node.acl = acl
            add(r.path, node, zxid: context.zxid)
            return .setACL(SetACLTxn(path: r.path, acl: acl, version: newVersion))
        case .check(let r):
            guard context.sessionIsLive else { throw .sessionExpired }
            guard ZNodePath.isValid(r.path) else { throw .badArguments }
            let node = try record(r.path, tree: tree)
            guard AccessControl.check(node.acl, .read, authIds: context.authIds, providers: providers) else { throw .noAuth }
            return .check(CheckVersionTxn(path: r.path, version: try Self.checkVersion(node.stat.version, expected: r.version)))
        default:
            throw .badArguments
        }
    }

    private mutating func prepareCreate(
        path requestedPath: String, data: [UInt8]?, acl: [ACL], flags: Int32, ttl: Int64, op: OpCode, context: Context, tree: DataTree
    ) throws(ErrorCode) -> TxnBody {
        guard let mode = CreateMode(rawValue: flags) else { throw .badArguments }
        // validateCreateRequest
        if mode.isTTL && !context.extendedTypesEnabled { throw .unimplemented }
        if mode.isTTL {
            guard ttl > 0 && ttl <= EphemeralKind.maxTTL else { throw .badArguments }
        } else if ttl >= 0 {
            throw .badArguments
        }
        guard context.sessionIsLive else { throw .sessionExpired }
        // validatePathForCreate
        guard let parentPath = ZNodePath.parent(of: requestedPath), !requestedPath.utf8.contains(0) else { throw .badArguments }
        guard let fixedACL = AccessControl.fixup(acl, authIds: context.authIds, providers: providers) else { throw .invalidACL }
        var parent = try record(parentPath, tree: tree)
        guard AccessControl.check(parent.acl, .create, authIds: context.authIds, providers: providers) else { throw .noAuth }
        var path = requestedPath
        if mode.isSequential { path += Self.sequenceSuffix(parent.stat.cversion) }
        guard ZNodePath.isValid(path) else { throw .badArguments }
        if (try? record(path, tree: tree)) != nil { throw .nodeExists }
        if case .session = EphemeralKind(owner: parent.stat.ephemeralOwner, extendedTypes: context.extendedTypesEnabled) {
            throw .noChildrenForEphemerals
        }
        let newCVersion = parent.stat.cversion &+ 1
        let owner: Int64
        let body: TxnBody
        // Only createContainer (19) makes a container, as Apache's PrepRequestProcessor does: create and create2
        // with the container flag write a CreateTxn, a plain persistent node that is never reaped.
        if op == .createContainer {
            owner = EphemeralKind.containerOwner
            body = .createContainer(CreateContainerTxn(path: path, data: data, acl: fixedACL, parentCVersion: newCVersion))
        } else if mode.isTTL {
            owner = EphemeralKind.ttlOwner(ttl)
            body = .createTTL(CreateTTLTxn(path: path, data: data, acl: fixedACL, parentCVersion: newCVersion, ttl: ttl))
        } else {
            owner = mode.isEphemeral ? context.sessionId : 0
            body = .create(CreateTxn(path: path, data: data, acl: fixedACL, ephemeral: mode.isEphemeral, parentCVersion: newCVersion))
        }
        parent.childCount += 1
        parent.stat.cversion = newCVersion
        parent.stat.pzxid = context.zxid
        add(parentPath, parent, zxid: context.zxid)
        var stat = StatPersisted()
        stat.czxid = context.zxid; stat.mzxid = context.zxid; stat.pzxid = context.zxid
        stat.ctime = context.time; stat.mtime = context.time; stat.ephemeralOwner = owner
        add(path, ChangeRecord(zxid: context.zxid, stat: stat, childCount: 0, acl: fixedACL), zxid: context.zxid)
        return body
    }

    /// The close of a session: its ephemerals, counting those created or deleted by pending transactions.
    public mutating func prepareCloseSession(_ sessionId: Int64, context: Context, tree: DataTree) -> TxnBody {
        var paths = tree.ephemerals[sessionId] ?? []
        for (path, pending) in overlay {
            if let record = pending {
                if record.stat.ephemeralOwner == sessionId { paths.insert(path) }
            } else {
                paths.remove(path)
            }
        }
        let sorted = paths.sorted()
        for path in sorted {
            if let parentPath = ZNodePath.parent(of: path), var parent = try? record(parentPath, tree: tree) {
                parent.childCount -= 1
                parent.stat.pzxid = context.zxid
                add(parentPath, parent, zxid: context.zxid)
            }
            add(path, nil, zxid: context.zxid)
        }
        return .closeSession(ephemerals: sorted)
    }

    /// The "%010d" suffix of sequential nodes; a negative cversion (after overflow) prints with its sign.
    public static func sequenceSuffix(_ cversion: Int32) -> String {
        if cversion < 0 {
            let digits = String(-Int64(cversion))
            return "-" + String(repeating: "0", count: max(0, 9 - digits.count)) + digits
        }
        let digits = String(cversion)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    static func checkVersion(_ current: Int32, expected: Int32) throws(ErrorCode) -> Int32 {
        if expected != -1 && expected != current { throw .badVersion }
        return current &+ 1
    }
}

extension MultiOp {
    var asRequestBody: ClientRequest.Body {
        switch self {
        case .create(let r, _): return .create(r)
        case .createTTL(let r): return .createTTL(r)
        case .delete(let r): return .delete(r)
        case .setData(let r): return .setData(r)
        case .check(let r): return .check(r)
        case .getChildren(let r): return .getChildren(r)
        case .getData(let r): return .getData(r)
        }
    }
}
