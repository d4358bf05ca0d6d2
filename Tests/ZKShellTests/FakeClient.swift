import Foundation
import ZKClient
import ZKProtocol
@testable import ZKShell

/// An in-memory ZooKeeper good enough for the executor: a tree with versions, ACLs, ephemerals and
/// sequential names; no watches. Every call is logged so tests can check what was sent.
final class FakeClient: ShellClient, @unchecked Sendable {
    struct Node {
        var data: [UInt8]
        var acl: [ACL]
        var stat: Stat
    }

    private let lock = NSLock()
    private var nodes: [String: Node] = [:]
    private var zxid: Int64 = 0
    private var sequence: [String: Int32] = [:]
    private var auth: [ClientInfo] = [ClientInfo(authScheme: "ip", user: "127.0.0.1")]
    private(set) var calls: [String] = []
    private(set) var closed = false
    /// Thrown by the next call instead of answering.
    var failNext: ZooKeeperError?
    let sessionId: Int64 = 0x1234
    var state: SessionState { lock.withLock { closed ? .closed : .connected } }
    var connectedHost: String? { "fake:2181" }

    init() {
        nodes["/"] = Node(data: [], acl: ACL.openACLUnsafe, stat: Stat())
    }

    private func call<T>(_ name: String, _ body: () throws -> T) throws -> T {
        try lock.withLock {
            calls.append(name)
            if let error = failNext { failNext = nil; throw error }
            return try body()
        }
    }

    static func parent(_ path: String) -> String {
        let index = path.lastIndex(of: "/")!
        return index == path.startIndex ? "/" : String(path[..<index])
    }

    private func children(_ path: String) -> [String] {
        nodes.keys.filter { $0 != "/" && Self.parent($0) == path }.map { String($0.split(separator: "/").last!) }
    }

    private func node(_ path: String) throws -> Node {
        guard let node = nodes[path] else { throw ZooKeeperError(code: .noNode, path: path) }
        return node
    }

    private func statWithCounts(_ path: String) throws -> Stat {
        var stat = try node(path).stat
        stat.numChildren = Int32(children(path).count)
        stat.dataLength = Int32(try node(path).data.count)
        return stat
    }

    func create2(_ path: String, data: [UInt8], acl: [ACL], mode: CreateMode, ttl: Int64?) async throws -> (path: String, stat: Stat) {
        try call("create \(path)") {
            let parent = Self.parent(path)
            guard nodes[parent] != nil else { throw ZooKeeperError(code: .noNode, path: path) }
            var name = path
            if mode.isSequential {
                let n = sequence[parent, default: 0]
                sequence[parent] = n + 1
                let digits = String(n)
                name += String(repeating: "0", count: 10 - digits.count) + digits
            }
            guard nodes[name] == nil else { throw ZooKeeperError(code: .nodeExists, path: path) }
            zxid += 1
            var stat = Stat()
            stat.czxid = zxid; stat.mzxid = zxid; stat.pzxid = zxid
            stat.ctime = 1_700_000_000_000; stat.mtime = stat.ctime
            stat.ephemeralOwner = mode.isEphemeral ? sessionId : 0
            nodes[name] = Node(data: data, acl: acl, stat: stat)
            nodes[parent]!.stat.cversion += 1
            nodes[parent]!.stat.pzxid = zxid
            return (name, try statWithCounts(name))
        }
    }

    func delete(_ path: String, version: Int32) async throws {
        try call("delete \(path)") {
            let node = try node(path)
            guard version == -1 || version == node.stat.version else { throw ZooKeeperError(code: .badVersion, path: path) }
            guard children(path).isEmpty else { throw ZooKeeperError(code: .notEmpty, path: path) }
            nodes[path] = nil
        }
    }

    func exists(_ path: String, watch: Bool) async throws -> Stat? {
        try call("exists \(path)") { nodes[path] == nil ? nil : try statWithCounts(path) }
    }

    func getData(_ path: String, watch: Bool) async throws -> (data: [UInt8], stat: Stat) {
        try call("getData \(path)") { (try node(path).data, try statWithCounts(path)) }
    }

    func setData(_ path: String, data: [UInt8], version: Int32) async throws -> Stat {
        try call("setData \(path) v\(version)") {
            let node = try node(path)
            guard version == -1 || version == node.stat.version else { throw ZooKeeperError(code: .badVersion, path: path) }
            zxid += 1
            nodes[path]!.data = data
            nodes[path]!.stat.version += 1
            nodes[path]!.stat.mzxid = zxid
            return try statWithCounts(path)
        }
    }

    func getChildren(_ path: String, watch: Bool) async throws -> [String] {
        try call("getChildren \(path)") { _ = try node(path); return children(path) }
    }

    func getChildren2(_ path: String, watch: Bool) async throws -> (children: [String], stat: Stat) {
        try call("getChildren2 \(path)") { _ = try node(path); return (children(path), try statWithCounts(path)) }
    }

    func getACL(_ path: String) async throws -> (acl: [ACL], stat: Stat) {
        try call("getACL \(path)") { (try node(path).acl, try statWithCounts(path)) }
    }

    func setACL(_ path: String, acl: [ACL], version: Int32) async throws -> Stat {
        try call("setACL \(path) v\(version)") {
            let node = try node(path)
            guard version == -1 || version == node.stat.aversion else { throw ZooKeeperError(code: .badVersion, path: path) }
            nodes[path]!.acl = acl
            nodes[path]!.stat.aversion += 1
            return try statWithCounts(path)
        }
    }

    func sync(_ path: String) async throws -> String { try call("sync \(path)") { path } }

    func addAuth(scheme: String, auth: [UInt8]) async throws {
        try call("addAuth \(scheme)") {
            let user = String(decoding: auth, as: UTF8.self).split(separator: ":").first.map(String.init) ?? ""
            self.auth.append(ClientInfo(authScheme: scheme, user: user))
        }
    }

    func whoAmI() async throws -> [ClientInfo] { try call("whoAmI") { auth } }

    func getEphemerals(_ prefixPath: String) async throws -> [String] {
        try call("getEphemerals \(prefixPath)") {
            nodes.filter { $0.value.stat.ephemeralOwner == sessionId && $0.key.hasPrefix(prefixPath) }.map(\.key)
        }
    }

    func getAllChildrenNumber(_ path: String) async throws -> Int32 {
        try call("getAllChildrenNumber \(path)") {
            _ = try node(path)
            let prefix = path == "/" ? "/" : path + "/"
            return Int32(nodes.keys.filter { $0 != path && $0.hasPrefix(prefix) }.count)
        }
    }

    func addWatch(_ path: String, mode: AddWatchMode) async throws {
        try call("addWatch \(path) \(mode)") { _ = try node(path) }
    }

    func removeWatches(_ path: String, type: WatcherType) async throws {
        try call("removeWatches \(path) \(type)") {}
    }

    /// All or nothing, like the server: the tree is put back when an op fails.
    func multi(_ ops: [MultiOp]) async throws -> [MultiOpResult] {
        let saved = lock.withLock { (nodes, zxid, sequence) }
        try call("multi \(ops.count)") {}
        do {
            for op in ops {
                switch op {
                case .create(let request, _):
                    _ = try await create2(request.path, data: request.data ?? [], acl: request.acl, mode: .persistent, ttl: nil)
                case .delete(let request):
                    try await delete(request.path, version: request.version)
                case .setData(let request):
                    _ = try await setData(request.path, data: request.data ?? [], version: request.version)
                default:
                    throw ZooKeeperError(code: .unimplemented)
                }
            }
        } catch {
            lock.withLock { (nodes, zxid, sequence) = saved }
            throw error
        }
        return []
    }

    var config: [UInt8] = []

    func getConfig(watch: Bool) async throws -> (data: [UInt8], stat: Stat) {
        try call("getConfig") { (config, Stat()) }
    }

    func reconfig(joining: String?, leaving: String?, newMembers: String?, fromConfig: Int64) async throws -> (data: [UInt8], stat: Stat) {
        try call("reconfig") { throw ZooKeeperError(code: .reconfigDisabled) }
    }

    private var continuations: [AsyncStream<ClientEvent>.Continuation] = []

    func makeEvents() -> AsyncStream<ClientEvent> {
        let (stream, continuation) = AsyncStream<ClientEvent>.makeStream()
        lock.withLock { continuations.append(continuation) }
        return stream
    }

    /// Delivers an event to every stream, as the connection would.
    func deliver(_ event: ClientEvent) {
        for continuation in lock.withLock({ continuations }) { continuation.yield(event) }
    }

    func close() async {
        let streams = lock.withLock { closed = true; return continuations }
        for continuation in streams { continuation.finish() }
    }

    /// Test setup without going through the log.
    func seed(_ path: String, _ data: String = "") async {
        _ = try? await create2(path, data: Array(data.utf8), acl: ACL.openACLUnsafe, mode: .persistent, ttl: nil)
        lock.withLock { calls.removeAll() }
    }

    func has(_ path: String) -> Bool { lock.withLock { nodes[path] != nil } }
    func data(_ path: String) -> String? { lock.withLock { nodes[path].map { String(decoding: $0.data, as: UTF8.self) } } }
    func acl(_ path: String) -> [ACL]? { lock.withLock { nodes[path]?.acl } }
    func callLog() -> [String] { lock.withLock { calls } }
}
