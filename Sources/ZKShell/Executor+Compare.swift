import ZKClient
import ZKProtocol

/// diff and du: whole subtrees read, then compared or summed.
extension Executor {
    /// A node's data and ACL by path relative to the walked root ("" for the root).
    func contents(_ root: String) async throws -> [String: (data: [UInt8], acl: [ACL])] {
        var nodes: [String: (data: [UInt8], acl: [ACL])] = [:]
        try await walk(root) { visit in
            if let node = try await dataAndACL(visit, root: root) { nodes[PathResolution.relative(visit.path, to: root)] = node }
        }
        return nodes
    }

    /// The executor for one side of a diff: this session's, or one on the side's own servers.
    func side(_ location: TreeLocation) async throws -> (executor: Executor, close: Bool) {
        guard let servers = location.servers else { return (self, false) }
        guard let connector else { throw ShellError.usage(UsageError("diff: cannot open a second session here")) }
        return (Executor(client: try await connector(servers), io: .silent), true)
    }

    func diff(_ left: TreeLocation, _ right: TreeLocation) async throws -> CommandResult {
        let (leftSide, closeLeft) = try await side(left)
        let (rightSide, closeRight) = try await side(right)
        defer {
            if closeLeft { Task { await leftSide.client.close() } }
            if closeRight { Task { await rightSide.client.close() } }
        }
        let a = try await leftSide.contents(left.path), b = try await rightSide.contents(right.path)
        var differences: [Difference] = []
        // A subtree missing on one side is one difference, not one per node.
        var missingRoots: [String] = []
        for path in Set(a.keys).union(b.keys).sorted() {
            if missingRoots.contains(where: { path.hasPrefix($0 + "/") }) { continue }
            switch (a[path], b[path]) {
            case (nil, _):
                differences.append(Difference(kind: .onlyRight, relativePath: path)); missingRoots.append(path)
            case (_, nil):
                differences.append(Difference(kind: .onlyLeft, relativePath: path)); missingRoots.append(path)
            case (let x?, let y?):
                if x.data != y.data {
                    differences.append(Difference(kind: .data, relativePath: path, left: Self.shown(x.data), right: Self.shown(y.data)))
                }
                if Set(x.acl) != Set(y.acl) {
                    differences.append(Difference(kind: .acl, relativePath: path, left: x.acl.map { ACLSyntax.format([$0]) },
                                                  right: y.acl.map { ACLSyntax.format([$0]) }))
                }
            }
        }
        return .differences(left: left.description, right: right.description, differences)
    }

    /// Data as diff shows it: its lines, each cut to 200 characters.
    static func shown(_ data: [UInt8]) -> [String] {
        let lines = TextRenderer.data(data).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines.map { $0.count > 200 ? String($0.prefix(200)) + "…" : $0 }
    }

    /// Post-order (children before parents): the root, and every node below it that has children.
    func diskUsage(_ root: String, summaryOnly: Bool) async throws -> [DiskUsage] {
        var entries: [TreeEntry] = []
        try await walk(root) { visit in
            entries.append(TreeEntry(path: visit.path, depth: visit.depth, dataLength: visit.stat.dataLength,
                                     numChildren: visit.stat.numChildren, ephemeral: false, isLastSibling: visit.isLastSibling))
        }
        Self.addSubtreeTotals(&entries)
        let usage = { (entry: TreeEntry) in DiskUsage(path: entry.path, bytes: entry.subtreeBytes, nodes: entry.subtreeNodes) }
        if summaryOnly { return entries.first.map { [usage($0)] } ?? [] }
        var result: [DiskUsage] = []
        var open: [TreeEntry] = []
        for entry in entries {
            while let last = open.last, last.depth >= entry.depth { result.append(usage(open.removeLast())) }
            if entry.numChildren > 0 || entry.depth == 0 { open.append(entry) }
        }
        while let last = open.popLast() { result.append(usage(last)) }
        return result
    }
}
