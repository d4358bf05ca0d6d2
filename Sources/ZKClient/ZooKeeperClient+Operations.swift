import NIOCore
import ZKJute
import ZKProtocol

extension ZooKeeperClient {
    // MARK: - Nodes

    /// Creates a node with the given data, ACL and mode.
    ///
    /// ZooKeeper's `create` (opcode 1), or `createContainer` (19) / `createTTL` (21) as the mode requires.
    /// - Parameters:
    ///   - path: The node to create; its parent must exist. For a sequential mode, the prefix of the name.
    ///   - data: The node's content.
    ///   - acl: Who may do what with the node; the default, `ACL.openACLUnsafe`, lets anyone do anything.
    ///   - mode: Persistent, ephemeral (deleted when the session ends), sequential, container or TTL.
    ///   - ttl: Milliseconds, 1 through 2^40 - 1, required by the TTL modes; nil for the others.
    /// - Returns: The path created, relative to the chroot; for a sequential mode it ends in the server's counter.
    /// - Throws: `ZooKeeperError`: `.nodeExists`, `.noNode` (no parent), `.noChildrenForEphemerals`, `.noAuth`,
    ///   `.invalidACL`, `.badArguments` (also thrown locally, unsent, for a `ttl` the mode does not allow),
    ///   `.connectionLoss`, `.sessionExpired`.
    public func create(_ path: String, data: [UInt8] = [], acl: [ACL] = ACL.openACLUnsafe, mode: CreateMode = .persistent,
                       ttl: Int64? = nil) async throws -> String {
        let (op, body) = try createRequest(path, data: data, acl: acl, mode: mode, ttl: ttl, withStat: false)
        let reply = try await call(op, body, path: path)
        // createContainer and createTTL answer with Create2Response; its path comes first.
        return chroot.clientPath(try decode(PathRecord.self, reply, path: path).path)
    }

    /// Creates a node like ``create(_:data:acl:mode:ttl:)`` and also returns the new node's `Stat`.
    ///
    /// ZooKeeper's `create2` (opcode 15), or `createContainer` (19) / `createTTL` (21) as the mode requires.
    /// - Returns: The path created (relative to the chroot) and the node's `Stat`.
    /// - Throws: As ``create(_:data:acl:mode:ttl:)``.
    public func create2(_ path: String, data: [UInt8] = [], acl: [ACL] = ACL.openACLUnsafe, mode: CreateMode = .persistent,
                        ttl: Int64? = nil) async throws -> (path: String, stat: Stat) {
        let (op, body) = try createRequest(path, data: data, acl: acl, mode: mode, ttl: ttl, withStat: true)
        let response = try decode(Create2Response.self, try await call(op, body, path: path), path: path)
        return (chroot.clientPath(response.path), response.stat)
    }

    /// Deletes a node that has no children.
    ///
    /// ZooKeeper's `delete` (opcode 2).
    /// - Parameters:
    ///   - path: The node to delete.
    ///   - version: The data version the node must have (`Stat.version`); -1 deletes whatever the version.
    /// - Throws: `ZooKeeperError`: `.noNode`, `.badVersion`, `.notEmpty`, `.noAuth`, `.connectionLoss`,
    ///   `.sessionExpired`.
    public func delete(_ path: String, version: Int32 = -1) async throws {
        _ = try await call(.delete, .delete(DeleteRequest(path: chroot.serverPath(path), version: version)), path: path)
    }

    /// The node's `Stat`, or nil when the node does not exist.
    ///
    /// ZooKeeper's `exists` (opcode 3).
    /// - Parameters:
    ///   - path: The node to look up.
    ///   - watch: Sets a one-shot watch, even when the node does not exist. It fires once, as a `.watch` event on
    ///     `events` / `makeEvents()`: at the node's data change or deletion, or, if absent, at its creation.
    /// - Returns: The node's `Stat`, or nil for `.noNode` (which is not thrown).
    /// - Throws: `ZooKeeperError`: `.badArguments`, `.connectionLoss`, `.sessionExpired`.
    public func exists(_ path: String, watch: Bool = false) async throws -> Stat? {
        let request = ExistsRequest(path: chroot.serverPath(path), watch: watch)
        let reply = try await connection.submit(.exists, .exists(request)).get()
        if reply.header.error == .noNode { return nil }
        guard reply.header.err == 0 else { throw ZooKeeperError(code: reply.header.error, path: path) }
        return try decode(StatRecord.self, reply.body, path: path).stat
    }

    /// The node's data and `Stat`.
    ///
    /// ZooKeeper's `getData` (opcode 4).
    /// - Parameters:
    ///   - path: The node to read.
    ///   - watch: Sets a one-shot watch that fires once, at the node's next data change or deletion, as a
    ///     `.watch` event on `events` / `makeEvents()`. Not set when the node does not exist.
    /// - Returns: The data (empty for a node without data) and the node's `Stat`.
    /// - Throws: `ZooKeeperError`: `.noNode`, `.noAuth`, `.connectionLoss`, `.sessionExpired`.
    public func getData(_ path: String, watch: Bool = false) async throws -> (data: [UInt8], stat: Stat) {
        let body = try await call(.getData, .getData(GetDataRequest(path: chroot.serverPath(path), watch: watch)), path: path)
        let response = try decode(GetDataResponse.self, body, path: path)
        return (response.data ?? [], response.stat)
    }

    /// Replaces the node's data.
    ///
    /// ZooKeeper's `setData` (opcode 5).
    /// - Parameters:
    ///   - path: The node to write.
    ///   - data: The new content.
    ///   - version: The data version the node must have (`Stat.version`); -1 writes whatever the version.
    /// - Returns: The node's `Stat` after the write.
    /// - Throws: `ZooKeeperError`: `.noNode`, `.badVersion`, `.noAuth`, `.connectionLoss`, `.sessionExpired`.
    public func setData(_ path: String, data: [UInt8], version: Int32 = -1) async throws -> Stat {
        let request = SetDataRequest(path: chroot.serverPath(path), data: data, version: version)
        return try decode(StatRecord.self, try await call(.setData, .setData(request), path: path), path: path).stat
    }

    /// The names (not paths) of the node's children, in no particular order.
    ///
    /// ZooKeeper's `getChildren` (opcode 8).
    /// - Parameters:
    ///   - path: The parent node.
    ///   - watch: Sets a one-shot watch that fires once, when a child is created or deleted or the node itself is
    ///     deleted, as a `.watch` event on `events` / `makeEvents()`. Not set when the node does not exist.
    /// - Throws: `ZooKeeperError`: `.noNode`, `.noAuth`, `.connectionLoss`, `.sessionExpired`.
    public func getChildren(_ path: String, watch: Bool = false) async throws -> [String] {
        let request = GetChildrenRequest(path: chroot.serverPath(path), watch: watch)
        return try decode(StringsRecord.self, try await call(.getChildren, .getChildren(request), path: path), path: path).strings
    }

    /// The names of the node's children, as ``getChildren(_:watch:)``, with the node's `Stat`.
    ///
    /// ZooKeeper's `getChildren2` (opcode 12). Watch and errors as ``getChildren(_:watch:)``.
    public func getChildren2(_ path: String, watch: Bool = false) async throws -> (children: [String], stat: Stat) {
        let request = GetChildren2Request(path: chroot.serverPath(path), watch: watch)
        let response = try decode(GetChildren2Response.self, try await call(.getChildren2, .getChildren2(request), path: path), path: path)
        return (response.children, response.stat)
    }

    /// The node's ACL and `Stat`; `Stat.aversion` is the ACL version that ``setACL(_:acl:version:)`` checks.
    ///
    /// ZooKeeper's `getACL` (opcode 6). Needs READ or ADMIN permission; the server may withhold digest hashes
    /// from a session without ADMIN.
    /// - Throws: `ZooKeeperError`: `.noNode`, `.noAuth`, `.connectionLoss`, `.sessionExpired`.
    public func getACL(_ path: String) async throws -> (acl: [ACL], stat: Stat) {
        let body = try await call(.getACL, .getACL(GetACLRequest(path: chroot.serverPath(path))), path: path)
        let response = try decode(GetACLResponse.self, body, path: path)
        return (response.acl, response.stat)
    }

    /// Replaces the node's ACL.
    ///
    /// ZooKeeper's `setACL` (opcode 7).
    /// - Parameters:
    ///   - path: The node.
    ///   - acl: The new ACL.
    ///   - version: The ACL version the node must have (`Stat.aversion`); -1 sets it whatever the version.
    /// - Returns: The node's `Stat` after the change.
    /// - Throws: `ZooKeeperError`: `.noNode`, `.badVersion`, `.noAuth`, `.invalidACL`, `.connectionLoss`,
    ///   `.sessionExpired`.
    public func setACL(_ path: String, acl: [ACL], version: Int32 = -1) async throws -> Stat {
        let request = SetACLRequest(path: chroot.serverPath(path), acl: acl, version: version)
        return try decode(StatRecord.self, try await call(.setACL, .setACL(request), path: path), path: path).stat
    }

    /// Lets the connected server catch up with the leader, so that reads issued after it see every write committed
    /// before it.
    ///
    /// ZooKeeper's `sync` (opcode 9).
    /// - Returns: The path the server echoes, relative to the chroot.
    /// - Throws: `ZooKeeperError`: `.connectionLoss`, `.sessionExpired`, or another code the server returns.
    public func sync(_ path: String) async throws -> String {
        let body = try await call(.sync, .sync(SyncRequest(path: chroot.serverPath(path))), path: path)
        return chroot.clientPath(try decode(SyncResponse.self, body, path: path).path)
    }

    /// The paths of this session's ephemeral nodes that start with `prefixPath` (a string prefix, not only
    /// a parent); "/" for all of them.
    ///
    /// ZooKeeper's `getEphemerals` (opcode 103).
    /// - Returns: Full paths, relative to the chroot.
    /// - Throws: `ZooKeeperError`: `.connectionLoss`, `.sessionExpired`, or another code the server returns.
    public func getEphemerals(_ prefixPath: String = "/") async throws -> [String] {
        let body = try await call(.getEphemerals, .getEphemerals(GetEphemeralsRequest(path: chroot.serverPath(prefixPath))),
                                  path: prefixPath)
        return try decode(GetEphemeralsResponse.self, body, path: prefixPath).strings.map(chroot.clientPath)
    }

    /// How many descendants the node has, at every depth, not counting the node itself.
    ///
    /// ZooKeeper's `getAllChildrenNumber` (opcode 104).
    /// - Throws: `ZooKeeperError`: `.noNode`, `.noAuth`, `.connectionLoss`, `.sessionExpired`.
    public func getAllChildrenNumber(_ path: String) async throws -> Int32 {
        let request = GetAllChildrenNumberRequest(path: chroot.serverPath(path))
        return try decode(GetAllChildrenNumberResponse.self, try await call(.getAllChildrenNumber, .getAllChildrenNumber(request), path: path),
                          path: path).value
    }

    // MARK: - Transactions

    /// Runs the ops as one transaction: all of them are applied, or none.
    ///
    /// ZooKeeper's `multi` (opcode 14). Paths in ops and results are relative to the chroot.
    /// - Parameter ops: Creates, deletes, setData and version checks, applied in order.
    /// - Returns: One result per op, in order.
    /// - Throws: `ZooKeeperError` with the code of the first failing op (e.g. `.badVersion`, `.noNode`,
    ///   `.nodeExists`), that op's path and, when the server sent them, every op's result in `multiResults`;
    ///   or `.connectionLoss`, `.sessionExpired`.
    public func multi(_ ops: [MultiOp]) async throws -> [MultiOpResult] {
        let reply = try await connection.submit(.multi, .multi(MultiRequest(ops: ops.map(chroot.serverOp)))).get()
        var results: [MultiOpResult]?
        if reply.body.readableBytes > 0 {
            results = try? decode(MultiResponse.self, reply.body, path: nil).results.map(chroot.clientResult)
        }
        let failing = results?.firstIndex { if case .error(let code) = $0 { return code != .ok } else { return false } }
        let failingPath = failing.flatMap { $0 < ops.count ? ops[$0].path : nil }
        if reply.header.err != 0 {
            throw ZooKeeperError(code: reply.header.error, path: failingPath, multiResults: results)
        }
        guard let results else { throw ZooKeeperError(code: .marshallingError) }
        if let failing, case .error(let code) = results[failing] {
            throw ZooKeeperError(code: code, path: failingPath, multiResults: results)
        }
        return results
    }

    /// Runs read ops in one request; each succeeds or fails on its own, and failures come back as `.error` results.
    ///
    /// ZooKeeper's `multiRead` (opcode 22). Only `.getData` and `.getChildren` ops are allowed. A watch asked for
    /// in an op is not recorded by the client, so it is not re-registered after a reconnect.
    /// - Returns: One result per op, in order; paths relative to the chroot.
    /// - Throws: `ZooKeeperError`: `.connectionLoss`, `.sessionExpired`, or a code for the request as a whole.
    public func multiRead(_ ops: [MultiOp]) async throws -> [MultiOpResult] {
        let body = try await call(.multiRead, .multiRead(MultiRequest(ops: ops.map(chroot.serverOp))), path: nil)
        return try decode(MultiResponse.self, body, path: nil).results.map(chroot.clientResult)
    }

    // MARK: - Auth and watches

    /// Adds an identity to the session (and to every later reconnect). AuthFailed ends the session.
    ///
    /// ZooKeeper's `auth` packet (opcode 100), answered out of band; sent when connected, else at the next connection.
    /// - Parameters:
    ///   - scheme: The auth scheme, e.g. "digest".
    ///   - auth: The scheme's credentials, e.g. the UTF-8 bytes of "user:password" for digest.
    /// - Throws: `ZooKeeperError`: `.authFailed` (the session is then over, in state `.authFailed`),
    ///   `.connectionLoss`, `.sessionExpired`.
    public func addAuth(scheme: String, auth: [UInt8]) async throws {
        let reply = try await connection.addAuth(AuthPacket(type: 0, scheme: scheme, auth: auth)).get()
        guard reply.header.err == 0 else { throw ZooKeeperError(code: reply.header.error) }
    }

    /// Sets a persistent watch on `path`, which, unlike a one-shot watch, stays after firing until removed with
    /// ``removeWatches(_:type:)``; it is re-registered after every reconnect.
    ///
    /// ZooKeeper's `addWatch` (opcode 106). Events arrive on `events` / `makeEvents()`.
    /// - Parameters:
    ///   - path: The node to watch; it need not exist.
    ///   - mode: `.persistent` for the node itself, `.persistentRecursive` for the node and all its descendants.
    /// - Throws: `ZooKeeperError`: `.badArguments`, `.connectionLoss`, `.sessionExpired`.
    public func addWatch(_ path: String, mode: AddWatchMode) async throws {
        _ = try await call(.addWatch, .addWatch(AddWatchRequest(path: chroot.serverPath(path), type: mode.rawValue)), path: path)
    }

    /// Asks the server whether this session has a watch of `type` on `path`; returns if so.
    ///
    /// ZooKeeper's `checkWatches` (opcode 17).
    /// - Throws: `ZooKeeperError`: `.noWatcher` when there is none, `.connectionLoss`, `.sessionExpired`.
    public func checkWatches(_ path: String, type: WatcherType) async throws {
        let request = CheckWatchesRequest(path: chroot.serverPath(path), type: type.rawValue)
        _ = try await call(.checkWatches, .checkWatches(request), path: path)
    }

    /// Removes this session's watches of `type` on `path` (`.any` for all kinds), one-shot and persistent alike.
    ///
    /// ZooKeeper's `removeWatches` (opcode 18). For each kind of watch the client had recorded, a local
    /// `.dataWatchRemoved`, `.childWatchRemoved` or `.persistentWatchRemoved` event follows on the event streams.
    /// - Throws: `ZooKeeperError`: `.noWatcher` when there is none, `.connectionLoss`, `.sessionExpired`.
    public func removeWatches(_ path: String, type: WatcherType) async throws {
        let request = RemoveWatchesRequest(path: chroot.serverPath(path), type: type.rawValue)
        _ = try await call(.removeWatches, .removeWatches(request), path: path)
    }

    /// The identities the server has for this session, each as an auth scheme and user (see `addAuth`).
    ///
    /// ZooKeeper's `whoAmI` (opcode 107).
    /// - Throws: `ZooKeeperError`: `.connectionLoss`, `.sessionExpired`.
    public func whoAmI() async throws -> [ClientInfo] {
        try decode(WhoAmIResponse.self, try await call(.whoAmI, .whoAmI, path: nil), path: nil).clientInfo
    }

    // MARK: - Configuration

    /// Changes the ensemble's membership, incrementally (`joining` / `leaving`) or wholesale (`newMembers`).
    ///
    /// ZooKeeper's `reconfig` (opcode 16). Server specs are comma-separated, as in the dynamic config file.
    /// - Parameters:
    ///   - joining: Servers to add, or nil.
    ///   - leaving: Server ids to remove, or nil.
    ///   - newMembers: The complete new membership, or nil for an incremental change.
    ///   - fromConfig: The config version (zxid) the change applies to; -1 applies it to whatever is current.
    /// - Returns: The new config, as ``getConfig(watch:)`` would read it, and its `Stat`.
    /// - Throws: `ZooKeeperError`: `.badVersion` when `fromConfig` is not current, `.reconfigDisabled`,
    ///   `.reconfigInProgress`, `.newConfigNoQuorum`, `.noAuth`, `.badArguments`, `.connectionLoss`,
    ///   `.sessionExpired`.
    public func reconfig(joining: String?, leaving: String?, newMembers: String?, fromConfig: Int64 = -1) async throws -> (data: [UInt8], stat: Stat) {
        let request = ReconfigRequest(joiningServers: joining, leavingServers: leaving, newMembers: newMembers, curConfigId: fromConfig)
        let response = try decode(GetDataResponse.self, try await call(.reconfig, .reconfig(request), path: nil), path: nil)
        return (response.data ?? [], response.stat)
    }

    /// The ensemble's dynamic configuration: getData (opcode 4) on /zookeeper/config, outside any chroot.
    ///
    /// - Parameter watch: Sets a one-shot watch that fires once, at the next config change.
    /// - Returns: The membership text as UTF-8 (empty on a server without a dynamic config) and the node's `Stat`.
    /// - Throws: `ZooKeeperError`: `.noAuth`, `.connectionLoss`, `.sessionExpired`.
    public func getConfig(watch: Bool = false) async throws -> (data: [UInt8], stat: Stat) {
        let path = "/zookeeper/config"
        let response = try decode(GetDataResponse.self, try await call(.getData, .getData(GetDataRequest(path: path, watch: watch)), path: path),
                                  path: path)
        return (response.data ?? [], response.stat)
    }

    /// Sends any request as-is and returns the raw reply header and body (for compatibility tests).
    ///
    /// Paths in `request` are sent unchanged: the chroot is not applied. A non-zero error code in the header is
    /// returned, not thrown.
    /// - Throws: `ZooKeeperError` only from the client: `.connectionLoss`, `.sessionExpired`, `.authFailed`.
    public func send(_ request: ClientRequest.Body, op: OpCode) async throws -> (header: ReplyHeader, body: ByteBuffer) {
        let reply = try await connection.submit(op, request).get()
        return (reply.header, reply.body)
    }

    // MARK: - Helpers

    /// The reply body of a successful request; a non-zero error code is thrown with the client path.
    func call(_ op: OpCode, _ body: ClientRequest.Body, path: String?) async throws -> ByteBuffer {
        let reply = try await connection.submit(op, body).get()
        guard reply.header.err == 0 else { throw ZooKeeperError(code: reply.header.error, path: path) }
        return reply.body
    }

    func decode<R: JuteDecodable>(_ type: R.Type, _ body: ByteBuffer, path: String?) throws(ZooKeeperError) -> R {
        var buffer = body
        do { return try R(from: &buffer) } catch { throw ZooKeeperError(code: .marshallingError, path: path) }
    }

    func createRequest(_ path: String, data: [UInt8], acl: [ACL], mode: CreateMode, ttl: Int64?,
                       withStat: Bool) throws(ZooKeeperError) -> (OpCode, ClientRequest.Body) {
        let serverPath = chroot.serverPath(path)
        if mode.isTTL {
            // EphemeralType.TTL: 0 < ttl <= 2^40 - 1 ms.
            guard let ttl, ttl > 0, ttl <= (1 << 40) - 1 else { throw ZooKeeperError(code: .badArguments, path: path) }
            return (.createTTL, .createTTL(CreateTTLRequest(path: serverPath, data: data, acl: acl, flags: mode.rawValue, ttl: ttl)))
        }
        if let ttl, ttl >= 0 { throw ZooKeeperError(code: .badArguments, path: path) }
        let op: OpCode = mode.isContainer ? .createContainer : (withStat ? .create2 : .create)
        return (op, .create(CreateRequest(path: serverPath, data: data, acl: acl, flags: mode.rawValue)))
    }
}

extension Chroot {
    /// The op with its path moved under the chroot.
    func serverOp(_ op: MultiOp) -> MultiOp {
        guard prefix != nil else { return op }
        switch op {
        case .create(var r, let code): r.path = serverPath(r.path); return .create(r, op: code)
        case .createTTL(var r): r.path = serverPath(r.path); return .createTTL(r)
        case .delete(var r): r.path = serverPath(r.path); return .delete(r)
        case .setData(var r): r.path = serverPath(r.path); return .setData(r)
        case .check(var r): r.path = serverPath(r.path); return .check(r)
        case .getChildren(var r): r.path = serverPath(r.path); return .getChildren(r)
        case .getData(var r): r.path = serverPath(r.path); return .getData(r)
        }
    }

    /// The result with created paths relative to the chroot.
    func clientResult(_ result: MultiOpResult) -> MultiOpResult {
        guard prefix != nil else { return result }
        switch result {
        case .create(let path): return .create(path: clientPath(path))
        case .create2(let path, let stat, let op): return .create2(path: clientPath(path), stat: stat, op: op)
        default: return result
        }
    }
}
