import ZKClient
import ZKProtocol

/// The part of `ZooKeeperClient` the shell uses, so that the executor can run against a fake in tests.
/// Signatures are the client's own; `ZooKeeperClient` conforms as it is.
public protocol ShellClient: Sendable {
    var state: SessionState { get }
    /// "host:port" while connected.
    var connectedHost: String? { get }
    var sessionId: Int64 { get }

    func create2(_ path: String, data: [UInt8], acl: [ACL], mode: CreateMode, ttl: Int64?) async throws -> (path: String, stat: Stat)
    func delete(_ path: String, version: Int32) async throws
    func exists(_ path: String, watch: Bool) async throws -> Stat?
    func getData(_ path: String, watch: Bool) async throws -> (data: [UInt8], stat: Stat)
    func setData(_ path: String, data: [UInt8], version: Int32) async throws -> Stat
    func getChildren(_ path: String, watch: Bool) async throws -> [String]
    func getChildren2(_ path: String, watch: Bool) async throws -> (children: [String], stat: Stat)
    func getACL(_ path: String) async throws -> (acl: [ACL], stat: Stat)
    func setACL(_ path: String, acl: [ACL], version: Int32) async throws -> Stat
    func sync(_ path: String) async throws -> String
    func addAuth(scheme: String, auth: [UInt8]) async throws
    func whoAmI() async throws -> [ClientInfo]
    func getEphemerals(_ prefixPath: String) async throws -> [String]
    func getAllChildrenNumber(_ path: String) async throws -> Int32
    func addWatch(_ path: String, mode: AddWatchMode) async throws
    func removeWatches(_ path: String, type: WatcherType) async throws
    func multi(_ ops: [MultiOp]) async throws -> [MultiOpResult]
    func getConfig(watch: Bool) async throws -> (data: [UInt8], stat: Stat)
    func reconfig(joining: String?, leaving: String?, newMembers: String?, fromConfig: Int64) async throws -> (data: [UInt8], stat: Stat)
    /// Watch notifications and session state changes, from now on.
    func makeEvents() -> AsyncStream<ClientEvent>
    func close() async
}

extension ZooKeeperClient: ShellClient {}
