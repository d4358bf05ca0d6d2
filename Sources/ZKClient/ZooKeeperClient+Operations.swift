import NIOCore
import ZKJute
import ZKProtocol

extension ZooKeeperClient {
    // MARK: - Nodes

    public func create(_ path: String, data: [UInt8] = [], acl: [ACL] = ACL.openACLUnsafe, mode: CreateMode = .persistent,
                       ttl: Int64? = nil) async throws -> String {
        let (op, body) = try createRequest(path, data: data, acl: acl, mode: mode, ttl: ttl, withStat: false)
        let reply = try await call(op, body, path: path)
        // createContainer and createTTL answer with Create2Response; its path comes first.
        return chroot.clientPath(try decode(PathRecord.self, reply, path: path).path)
    }

    /// Uses create2, createContainer or createTTL as the mode requires.
    public func create2(_ path: String, data: [UInt8] = [], acl: [ACL] = ACL.openACLUnsafe, mode: CreateMode = .persistent,
                        ttl: Int64? = nil) async throws -> (path: String, stat: Stat) {
        let (op, body) = try createRequest(path, data: data, acl: acl, mode: mode, ttl: ttl, withStat: true)
        let response = try decode(Create2Response.self, try await call(op, body, path: path), path: path)
        return (chroot.clientPath(response.path), response.stat)
    }

    public func delete(_ path: String, version: Int32 = -1) async throws {
        _ = try await call(.delete, .delete(DeleteRequest(path: chroot.serverPath(path), version: version)), path: path)
    }

    /// nil when the node does not exist; a watch is then still set, for its creation.
    public func exists(_ path: String, watch: Bool = false) async throws -> Stat? {
        let request = ExistsRequest(path: chroot.serverPath(path), watch: watch)
        let reply = try await connection.submit(.exists, .exists(request)).get()
        if reply.header.error == .noNode { return nil }
        guard reply.header.err == 0 else { throw ZooKeeperError(code: reply.header.error, path: path) }
        return try decode(StatRecord.self, reply.body, path: path).stat
    }

    public func getData(_ path: String, watch: Bool = false) async throws -> (data: [UInt8], stat: Stat) {
        let body = try await call(.getData, .getData(GetDataRequest(path: chroot.serverPath(path), watch: watch)), path: path)
        let response = try decode(GetDataResponse.self, body, path: path)
        return (response.data ?? [], response.stat)
    }

    public func setData(_ path: String, data: [UInt8], version: Int32 = -1) async throws -> Stat {
        let request = SetDataRequest(path: chroot.serverPath(path), data: data, version: version)
        return try decode(StatRecord.self, try await call(.setData, .setData(request), path: path), path: path).stat
    }

    public func getChildren(_ path: String, watch: Bool = false) async throws -> [String] {
        let request = GetChildrenRequest(path: chroot.serverPath(path), watch: watch)
        return try decode(StringsRecord.self, try await call(.getChildren, .getChildren(request), path: path), path: path).strings
    }

    public func getChildren2(_ path: String, watch: Bool = false) async throws -> (children: [String], stat: Stat) {
        let request = GetChildren2Request(path: chroot.serverPath(path), watch: watch)
        let response = try decode(GetChildren2Response.self, try await call(.getChildren2, .getChildren2(request), path: path), path: path)
        return (response.children, response.stat)
    }

    public func getACL(_ path: String) async throws -> (acl: [ACL], stat: Stat) {
        let body = try await call(.getACL, .getACL(GetACLRequest(path: chroot.serverPath(path))), path: path)
        let response = try decode(GetACLResponse.self, body, path: path)
        return (response.acl, response.stat)
    }

    public func setACL(_ path: String, acl: [ACL], version: Int32 = -1) async throws -> Stat {
        let request = SetACLRequest(path: chroot.serverPath(path), acl: acl, version: version)
        return try decode(StatRecord.self, try await call(.setACL, .setACL(request), path: path), path: path).stat
    }

    public func sync(_ path: String) async throws -> String {
        let body = try await call(.sync, .sync(SyncRequest(path: chroot.serverPath(path))), path: path)
        return chroot.clientPath(try decode(SyncResponse.self, body, path: path).path)
    }

    public func getEphemerals(_ prefixPath: String = "/") async throws -> [String] {
        let body = try await call(.getEphemerals, .getEphemerals(GetEphemeralsRequest(path: chroot.serverPath(prefixPath))),
                                  path: prefixPath)
        return try decode(GetEphemeralsResponse.self, body, path: prefixPath).strings.map(chroot.clientPath)
    }

    public func getAllChildrenNumber(_ path: String) async throws -> Int32 {
        let request = GetAllChildrenNumberRequest(path: chroot.serverPath(path))
        return try decode(GetAllChildrenNumberResponse.self, try await call(.getAllChildrenNumber, .getAllChildrenNumber(request), path: path),
                          path: path).value
    }

    // MARK: - Transactions

    /// Throws the code of the first failing op, with every op's result in `multiResults`.
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

    /// Each op succeeds or fails on its own; failures come back as `.error` results.
    public func multiRead(_ ops: [MultiOp]) async throws -> [MultiOpResult] {
        let body = try await call(.multiRead, .multiRead(MultiRequest(ops: ops.map(chroot.serverOp))), path: nil)
        return try decode(MultiResponse.self, body, path: nil).results.map(chroot.clientResult)
    }

    // MARK: - Auth and watches

    /// Adds an identity to the session (and to every later reconnect). AuthFailed ends the session.
    public func addAuth(scheme: String, auth: [UInt8]) async throws {
        let reply = try await connection.addAuth(AuthPacket(type: 0, scheme: scheme, auth: auth)).get()
        guard reply.header.err == 0 else { throw ZooKeeperError(code: reply.header.error) }
    }

    public func addWatch(_ path: String, mode: AddWatchMode) async throws {
        _ = try await call(.addWatch, .addWatch(AddWatchRequest(path: chroot.serverPath(path), type: mode.rawValue)), path: path)
    }

    public func checkWatches(_ path: String, type: WatcherType) async throws {
        let request = CheckWatchesRequest(path: chroot.serverPath(path), type: type.rawValue)
        _ = try await call(.checkWatches, .checkWatches(request), path: path)
    }

    public func removeWatches(_ path: String, type: WatcherType) async throws {
        let request = RemoveWatchesRequest(path: chroot.serverPath(path), type: type.rawValue)
        _ = try await call(.removeWatches, .removeWatches(request), path: path)
    }

    public func whoAmI() async throws -> [ClientInfo] {
        try decode(WhoAmIResponse.self, try await call(.whoAmI, .whoAmI, path: nil), path: nil).clientInfo
    }

    // MARK: - Configuration

    public func reconfig(joining: String?, leaving: String?, newMembers: String?, fromConfig: Int64 = -1) async throws -> (data: [UInt8], stat: Stat) {
        let request = ReconfigRequest(joiningServers: joining, leavingServers: leaving, newMembers: newMembers, curConfigId: fromConfig)
        let response = try decode(GetDataResponse.self, try await call(.reconfig, .reconfig(request), path: nil), path: nil)
        return (response.data ?? [], response.stat)
    }

    /// getData on /zookeeper/config, outside any chroot.
    public func getConfig(watch: Bool = false) async throws -> (data: [UInt8], stat: Stat) {
        let path = "/zookeeper/config"
        let response = try decode(GetDataResponse.self, try await call(.getData, .getData(GetDataRequest(path: path, watch: watch)), path: path),
                                  path: path)
        return (response.data ?? [], response.stat)
    }

    /// Sends any request as-is and returns the raw reply header and body (for compatibility tests).
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
