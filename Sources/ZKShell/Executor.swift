import ZKClient
import ZKProtocol

/// Runs one `Command` against a client. No output here: the result goes to a renderer.
public struct Executor: Sendable {
    public let client: any ShellClient

    public init(client: any ShellClient) { self.client = client }

    public func execute(_ command: Command) async throws(ShellError) -> CommandResult {
        do {
            return try await run(command)
        } catch {
            throw ShellError.from(error)
        }
    }

    /// Commands that need no server.
    public static func local(_ command: Command) -> CommandResult? {
        switch command {
        case .version: return .version(ShellVersion.string)
        case .help(let name):
            if let name, let spec = CommandTable.spec(named: name) { return .help([spec], single: true) }
            return .help(CommandTable.all, single: false)
        case .quit: return .quit
        default: return nil
        }
    }

    func run(_ command: Command) async throws -> CommandResult {
        if let result = Self.local(command) { return result }
        switch command {
        case .ls(let path, let stat, let recursive):
            if recursive { return .tree(path: path, paths: try await subtree(path)) }
            let (children, nodeStat) = try await client.getChildren2(path, watch: false)
            return .children(path: path, children: children.sorted(), stat: nodeStat, showStat: stat)
        case .get(let path, let stat):
            let (data, nodeStat) = try await client.getData(path, watch: false)
            return .data(path: path, data: data, stat: nodeStat, showStat: stat)
        case .set(let path, let data, let version, let stat):
            return .nodeStat(path: path, stat: try await client.setData(path, data: data, version: version), showStat: stat)
        case .create(let path, let data, let acl, let mode, let ttl):
            let (created, stat) = try await client.create2(path, data: data, acl: acl, mode: mode, ttl: ttl)
            return .created(path: created, stat: stat)
        case .delete(let path, let version):
            try await client.delete(path, version: version)
            return .deleted(path: path, count: 1)
        case .deleteAll(let path):
            return .deleted(path: path, count: try await deleteAll(path))
        case .stat(let path):
            guard let stat = try await client.exists(path, watch: false) else {
                throw ZooKeeperError(code: .noNode, path: path)
            }
            return .nodeStat(path: path, stat: stat, showStat: true)
        case .getAcl(let path, let stat):
            let (acl, nodeStat) = try await client.getACL(path)
            return .acl(path: path, acl: acl, stat: nodeStat, showStat: stat)
        case .setAcl(let path, let acl, let version, let stat, let recursive):
            let nodeStat = try await client.setACL(path, acl: acl, version: version)
            if recursive {
                // Apache applies the version to the named node only; descendants get any version.
                for descendant in try await subtree(path).dropFirst() {
                    _ = try await client.setACL(descendant, acl: acl, version: -1)
                }
            }
            return .nodeStat(path: path, stat: nodeStat, showStat: stat)
        case .addAuth(let scheme, let auth):
            try await client.addAuth(scheme: scheme, auth: auth)
            return .authAdded(scheme: scheme)
        case .sync(let path):
            _ = try await client.sync(path)
            return .synced(path: path)
        case .whoAmI:
            return .identities(try await client.whoAmI())
        case .getEphemerals(let path):
            return .ephemerals(path: path ?? "/", paths: try await client.getEphemerals(path ?? "/").sorted())
        case .getAllChildrenNumber(let path):
            return .childCount(path: path, count: try await client.getAllChildrenNumber(path))
        case .version, .help, .quit:
            preconditionFailure("answered locally above")
        }
    }

    /// The path and all its descendants in depth-first pre-order, siblings sorted (Apache's visitSubTreeDFS).
    func subtree(_ root: String) async throws -> [String] {
        var result: [String] = []
        var stack = [root]
        while let path = stack.popLast() {
            result.append(path)
            let children: [String]
            do {
                children = try await client.getChildren(path, watch: false)
            } catch let error as ZooKeeperError where error.code == .noNode && path != root {
                continue  // removed while we walked
            }
            stack.append(contentsOf: children.sorted().reversed().map { Self.join(path, $0) })
        }
        return result
    }

    /// Deletes deepest first; a node that vanished meanwhile counts as done. Returns how many this call removed.
    func deleteAll(_ root: String) async throws -> Int {
        var deleted = 0
        for path in try await subtree(root).reversed() {
            do {
                try await client.delete(path, version: -1)
                deleted += 1
            } catch let error as ZooKeeperError where error.code == .noNode && path != root {
                continue
            }
        }
        return deleted
    }

    static func join(_ parent: String, _ child: String) -> String {
        parent == "/" ? "/" + child : parent + "/" + child
    }
}
