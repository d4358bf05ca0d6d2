import Foundation
import ZKClient
import ZKProtocol

/// Commands over a whole subtree. Walks check for cancellation between requests, so Ctrl-C stops them, and a
/// node that vanishes during a walk is skipped rather than failing the command.
extension Executor {
    /// One node met by `walk`.
    struct Visit {
        var path: String
        var depth: Int
        var stat: Stat
        var children: [String]
        var isLastSibling: Bool
    }

    /// Depth-first pre-order from `root`, siblings sorted (Apache's visitSubTreeDFS order). Children below
    /// `maxDepth` are listed in the visit but not entered.
    func walk(_ root: String, maxDepth: Int? = nil, _ visit: (Visit) async throws -> Void) async throws {
        var stack: [(path: String, depth: Int, last: Bool)] = [(root, 0, true)]
        while let (path, depth, last) = stack.popLast() {
            try Task.checkCancellation()
            let children: [String], stat: Stat
            do {
                (children, stat) = try await client.getChildren2(path, watch: false)
            } catch let error as ZooKeeperError where error.code == .noNode && path != root {
                continue
            }
            let sorted = children.sorted()
            try await visit(Visit(path: path, depth: depth, stat: stat, children: sorted, isLastSibling: last))
            if let maxDepth, depth >= maxDepth { continue }
            for (index, child) in sorted.enumerated().reversed() {
                stack.append((PathResolution.join(path, child), depth + 1, index == sorted.count - 1))
            }
        }
    }

    /// The path and all its descendants in depth-first pre-order, siblings sorted.
    func subtree(_ root: String) async throws -> [String] {
        var result: [String] = []
        try await walk(root) { result.append($0.path) }
        return result
    }

    /// Deletes deepest first, `batchSize` deletes to a multi; a batch that fails (a node vanished or gained a
    /// child meanwhile) is retried one node at a time so the error names the node. Returns how many went away.
    func deleteAll(_ root: String, batchSize: Int) async throws -> Int {
        var deleted = 0
        let paths = Array(try await subtree(root).reversed())
        var start = 0
        while start < paths.count {
            try Task.checkCancellation()
            let batch = paths[start..<min(start + batchSize, paths.count)]
            start += batch.count
            if batch.count > 1 {
                let ops = batch.map { MultiOp.delete(DeleteRequest(path: $0, version: -1)) }
                if (try? await client.multi(ops)) != nil { deleted += batch.count; continue }
            }
            for path in batch {
                do {
                    try await client.delete(path, version: -1)
                    deleted += 1
                } catch let error as ZooKeeperError where error.code == .noNode && path != root {
                    continue
                }
            }
        }
        return deleted
    }

    func treeEntries(_ root: String, maxDepth: Int?) async throws -> [TreeEntry] {
        var entries: [TreeEntry] = []
        try await walk(root, maxDepth: maxDepth) { visit in
            entries.append(TreeEntry(path: visit.path, depth: visit.depth, dataLength: visit.stat.dataLength,
                                     numChildren: visit.stat.numChildren, ephemeral: visit.stat.ephemeralOwner != 0,
                                     isLastSibling: visit.isLastSibling))
        }
        return entries
    }

    func find(_ root: String, name: String?, ephemeralOnly: Bool, maxDepth: Int?) async throws -> [String] {
        let glob = name.map(Glob.init)
        var found: [String] = []
        try await walk(root, maxDepth: maxDepth) { visit in
            if ephemeralOnly && visit.stat.ephemeralOwner == 0 { return }
            if let glob, !glob.matches(PathResolution.name(visit.path)) { return }
            found.append(visit.path)
        }
        return found
    }

    func grep(_ root: String, pattern: String, ignoreCase: Bool) async throws -> [GrepMatch] {
        var regex = try Regex(pattern)
        if ignoreCase { regex = regex.ignoresCase() }
        var matches: [GrepMatch] = []
        try await walk(root) { visit in
            guard visit.stat.dataLength > 0 else { return }
            let data: [UInt8]
            do { data = try await client.getData(visit.path, watch: false).data } catch let error as ZooKeeperError where error.code == .noNode { return }
            let lines = TextRenderer.data(data).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0.contains(regex) }.map(String.init)
            if !lines.isEmpty { matches.append(GrepMatch(path: visit.path, lines: lines)) }
        }
        return matches
    }

    // MARK: - Copy, move, export, import

    /// A node as export and cp carry it: path relative to the subtree's root ("" for the root itself).
    struct PortableNode {
        var relativePath: String
        var data: [UInt8]
        var acl: [ACL]
    }

    /// The subtree's persistent nodes with their data and ACLs. Ephemeral nodes belong to their sessions and
    /// are left out.
    func collect(_ root: String) async throws -> [PortableNode] {
        var nodes: [PortableNode] = []
        try await walk(root) { visit in
            guard visit.stat.ephemeralOwner == 0 else { return }
            do {
                let (data, _) = try await client.getData(visit.path, watch: false)
                let (acl, _) = try await client.getACL(visit.path)
                nodes.append(PortableNode(relativePath: String(visit.path.dropFirst(root.count)), data: data, acl: acl))
            } catch let error as ZooKeeperError where error.code == .noNode && visit.path != root {
                return
            }
        }
        return nodes
    }

    /// Below these a move is one multi, so it happens entirely or not at all.
    static let atomicMoveMaxNodes = 1000
    static let atomicMoveMaxBytes = 512 * 1024

    func copy(from: String, to: String, move: Bool) async throws -> CommandResult {
        let nodes = try await collect(from)
        let bytes = nodes.reduce(0) { $0 + $1.data.count + $1.relativePath.count + to.count }
        let creates = nodes.map { node in
            MultiOp.create(CreateRequest(path: to + node.relativePath, data: node.data, acl: node.acl, flags: 0), op: .create)
        }
        if nodes.count <= Self.atomicMoveMaxNodes && bytes <= Self.atomicMoveMaxBytes {
            let deletes = move ? nodes.reversed().map { MultiOp.delete(DeleteRequest(path: from + $0.relativePath, version: -1)) } : []
            _ = try await client.multi(creates + deletes)
            return .copied(from: from, to: to, count: nodes.count, moved: move, atomic: true)
        }
        for node in nodes {
            try Task.checkCancellation()
            _ = try await client.create2(to + node.relativePath, data: node.data, acl: node.acl, mode: .persistent, ttl: nil)
        }
        if move { _ = try await deleteAll(from, batchSize: 1000) }
        return .copied(from: from, to: to, count: nodes.count, moved: move, atomic: false)
    }

    static let exportFormat = "zkcli-export"

    /// {"format": "zkcli-export", "version": 1, "path": root, "node": {name, data, encoding, acl, children}}.
    func export(_ root: String) async throws -> (JSONValue, Int) {
        let nodes = try await collect(root)
        // Relative paths: "" for the root, "/a", "/a/b" below it.
        var children: [String: [String]] = [:]
        var byPath: [String: PortableNode] = [:]
        for node in nodes {
            byPath[node.relativePath] = node
            if let slash = node.relativePath.lastIndex(of: "/") {
                children[String(node.relativePath[..<slash]), default: []].append(node.relativePath)
            }
        }
        func value(_ relative: String) -> JSONValue {
            guard let node = byPath[relative] else { return .null }
            let text = DataText.utf8Text(node.data)
            let acl = node.acl.map { JSONValue.string(ACLSyntax.format([$0])) }
            return .object([("name", .string(PathResolution.name(relative.isEmpty ? root : relative))),
                            ("data", .string(text ?? Base64.encode(node.data))),
                            ("encoding", .string(text == nil ? "base64" : "utf-8")), ("acl", .array(acl)),
                            ("children", .array((children[relative] ?? []).map(value)))])
        }
        let document = JSONValue.object([("format", .string(Self.exportFormat)), ("version", .int(1)),
                                         ("path", .string(root)), ("node", nodes.isEmpty ? .null : value(""))])
        return (document, nodes.count)
    }

    /// Creates export's tree at `root` (the exported root's own data and ACL go to `root`), parents first.
    /// With `update`, a node that exists gets the data and ACL instead.
    func importTree(_ text: String, at root: String, update: Bool) async throws -> CommandResult {
        let document = try JSONValue.parse(text)
        guard document["format"]?.stringValue == Self.exportFormat, let top = document["node"] else {
            throw UsageError("import: not a zkcli export (expected \"format\": \"\(Self.exportFormat)\")")
        }
        var created = 0, updated = 0
        var pending: [(JSONValue, String)] = [(top, root)]
        while let (node, path) = pending.popLast() {
            try Task.checkCancellation()
            let (data, acl) = try Self.decodeNode(node, path: path)
            do {
                _ = try await client.create2(path, data: data, acl: acl, mode: .persistent, ttl: nil)
                created += 1
            } catch let error as ZooKeeperError where error.code == .nodeExists && update {
                _ = try await client.setData(path, data: data, version: -1)
                _ = try await client.setACL(path, acl: acl, version: -1)
                updated += 1
            }
            for child in (node["children"]?.arrayValue ?? []).reversed() {
                guard let name = child["name"]?.stringValue, PathValidation.problem("/" + name) == nil, !name.contains("/") else {
                    throw UsageError("import: invalid child name under \(path)")
                }
                pending.append((child, PathResolution.join(path, name)))
            }
        }
        return .imported(path: root, created: created, updated: updated)
    }

    static func decodeNode(_ node: JSONValue, path: String) throws(UsageError) -> ([UInt8], [ACL]) {
        let text = node["data"]?.stringValue ?? ""
        let data: [UInt8]
        if node["encoding"]?.stringValue == "base64" {
            guard let decoded = Data(base64Encoded: text) else { throw UsageError("import: bad base64 data for \(path)") }
            data = Array(decoded)
        } else {
            data = Array(text.utf8)
        }
        var acl: [ACL] = []
        for entry in node["acl"]?.arrayValue ?? [] {
            guard let text = entry.stringValue else { throw UsageError("import: bad ACL entry for \(path)") }
            do { acl += try ACLSyntax.parse(text) } catch { throw UsageError("import: bad ACL \(text) for \(path): \(error.message)") }
        }
        return (data, acl.isEmpty ? ACL.openACLUnsafe : acl)
    }
}
