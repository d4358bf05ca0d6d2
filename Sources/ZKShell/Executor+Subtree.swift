import ZKClient
import ZKProtocol

/// Commands over a whole subtree. Walks check for cancellation between requests, so Ctrl-C stops them, and a
/// node that vanishes during a walk is skipped rather than failing the command. In text mode the listing
/// commands print each result as the walk meets it.
extension Executor {
    /// One node met by `walk`.
    struct Visit {
        var path: String
        var depth: Int
        var stat: Stat
        var children: [String]
        var isLastSibling: Bool
        /// Its children are visited next (the depth limit did not cut them).
        var entered: Bool
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
            let entered = !sorted.isEmpty && (maxDepth.map { depth < $0 } ?? true)
            try await visit(Visit(path: path, depth: depth, stat: stat, children: sorted, isLastSibling: last, entered: entered))
            guard entered else { continue }
            for (index, child) in sorted.enumerated().reversed() {
                stack.append((PathResolution.join(path, child), depth + 1, index == sorted.count - 1))
            }
        }
    }

    /// A visited node's data and ACL; nil when it vanished since the walk met it (the root must stay).
    func dataAndACL(_ visit: Visit, root: String) async throws -> (data: [UInt8], acl: [ACL])? {
        do {
            let (data, _) = try await client.getData(visit.path, watch: false)
            let (acl, _) = try await client.getACL(visit.path)
            return (data, acl)
        } catch let error as ZooKeeperError where error.code == .noNode && visit.path != root {
            return nil
        }
    }

    /// The path and all its descendants in depth-first pre-order, siblings sorted.
    func subtree(_ root: String) async throws -> [String] {
        var result: [String] = []
        try await walk(root) { result.append($0.path) }
        return result
    }

    func listSubtree(_ root: String) async throws -> CommandResult {
        guard io.streams else { return .subtreePaths(path: root, paths: try await subtree(root)) }
        var count = 0
        try await walk(root) { visit in
            io.stream(visit.path + "\n")
            count += 1
        }
        return .streamed(command: "ls", summary: "", count: count)
    }

    // MARK: - deleteall

    /// The nodes ZooKeeper keeps for itself: the server refuses to delete them.
    static func isSystemNode(_ path: String) -> Bool {
        path == "/" || path == "/zookeeper" || path == "/zookeeper/quota" || path == "/zookeeper/config"
    }

    func deleteAllCommand(_ root: String, batchSize: Int, change: ChangeOptions) async throws -> CommandResult {
        // zkCli.sh sends / or /zookeeper as one multi that the server refuses whole, so nothing goes; zkcli
        // refuses before deleting anything, rather than removing every user node and then failing.
        if Self.isSystemNode(root) {
            throw ShellError.refused("deleteall \(root): ZooKeeper's own nodes (/, /zookeeper, /zookeeper/quota, "
                + "/zookeeper/config) cannot be deleted; nothing was deleted")
        }
        let paths = Array(try await subtree(root).reversed())
        if change.dryRun {
            return .plan(DryRun(command: "deleteall", path: root, entries: paths.map { PlannedChange(path: $0) },
                                summary: "would delete \(Self.count(paths.count))"))
        }
        try await confirm(paths.count, "deleteall \(root): delete \(Self.count(paths.count))?", change)
        return .deleted(path: root, count: try await delete(paths, batchSize: batchSize, root: root), recursive: true)
    }

    /// Deletes `paths` (children before parents), `batchSize` deletes to a multi; a batch that fails (a node
    /// vanished or gained a child meanwhile) is retried one node at a time so the error names the node.
    /// Returns how many went away.
    func delete(_ paths: [String], batchSize: Int, root: String) async throws -> Int {
        var deleted = 0
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

    /// The subtree's nodes and all their children below `root`, deepest first.
    func deleteAll(_ root: String, batchSize: Int) async throws -> Int {
        try await delete(Array(try await subtree(root).reversed()), batchSize: batchSize, root: root)
    }

    // MARK: - tree, find, grep

    func tree(_ root: String, maxDepth: Int?, sizes: Bool) async throws -> CommandResult {
        var entries: [TreeEntry] = []
        var drawer = TreeDrawer()
        var count = 0, bytes: Int64 = 0
        // Subtree totals are known only once a subtree is walked, so -s draws at the end.
        let streaming = io.streams && !sizes
        try await walk(root, maxDepth: maxDepth) { visit in
            let entry = TreeEntry(path: visit.path, depth: visit.depth, dataLength: visit.stat.dataLength,
                                  numChildren: visit.stat.numChildren, ephemeral: visit.stat.ephemeralOwner != 0,
                                  isLastSibling: visit.isLastSibling, entered: visit.entered)
            count += 1
            bytes += Int64(entry.dataLength)
            if streaming { io.stream(drawer.line(entry, sizes: false)) } else { entries.append(entry) }
        }
        if streaming { return .streamed(command: "tree", summary: TreeDrawer.summary(nodes: count, bytes: bytes, human: false), count: count) }
        if sizes { Self.addSubtreeTotals(&entries) }
        return .tree(path: root, entries: entries, sizes: sizes)
    }

    /// Fills each entry's subtree totals from the pre-order list.
    static func addSubtreeTotals(_ entries: inout [TreeEntry]) {
        // Walking backwards, every entry's descendants come right after it and are already summed.
        var open: [(depth: Int, bytes: Int64, nodes: Int)] = []
        for index in entries.indices.reversed() {
            var bytes = Int64(entries[index].dataLength), nodes = 1
            while let last = open.last, last.depth > entries[index].depth {
                bytes += last.bytes; nodes += last.nodes
                open.removeLast()
            }
            entries[index].subtreeBytes = bytes
            entries[index].subtreeNodes = nodes
            open.append((entries[index].depth, bytes, nodes))
        }
    }

    func find(_ root: String, name: String?, ephemeralOnly: Bool, maxDepth: Int?) async throws -> CommandResult {
        let glob = name.map(Glob.init)
        var found: [String] = []
        try await walk(root, maxDepth: maxDepth) { visit in
            if ephemeralOnly && visit.stat.ephemeralOwner == 0 { return }
            if let glob, !glob.matches(PathResolution.name(visit.path)) { return }
            if io.streams { io.stream(visit.path + "\n") }
            found.append(visit.path)
        }
        return io.streams ? .streamed(command: "find", summary: "", count: found.count) : .found(path: root, paths: found)
    }

    /// Longer matching lines are cut to this many characters around the first match in text mode.
    static let grepLineLimit = 200

    func grep(_ root: String, pattern: String, ignoreCase: Bool, pathsOnly: Bool) async throws -> CommandResult {
        var regex = try Regex(pattern)
        if ignoreCase { regex = regex.ignoresCase() }
        var matches: [GrepMatch] = []
        try await walk(root) { visit in
            guard visit.stat.dataLength > 0 else { return }
            let data: [UInt8]
            do { data = try await client.getData(visit.path, watch: false).data } catch let error as ZooKeeperError where error.code == .noNode { return }
            var lines = TextRenderer.data(data).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0.contains(regex) }.map(String.init)
            guard !lines.isEmpty else { return }
            if io.streams {
                lines = lines.map { Self.excerpt($0, around: regex) }
                io.stream(TextRenderer.grepLines(GrepMatch(path: visit.path, lines: lines), pathsOnly: pathsOnly))
            }
            matches.append(GrepMatch(path: visit.path, lines: lines))
        }
        if io.streams { return .streamed(command: "grep", summary: "", count: matches.count) }
        return .matches(path: root, matches: matches, pathsOnly: pathsOnly)
    }

    /// A long line cut to the part around its first match, marked with "…" where text was left out.
    static func excerpt(_ line: String, around regex: Regex<AnyRegexOutput>) -> String {
        guard line.count > grepLineLimit, let match = line.firstMatch(of: regex) else { return line }
        let before = 60
        let start = line.index(match.range.lowerBound, offsetBy: -before, limitedBy: line.startIndex) ?? line.startIndex
        let end = line.index(start, offsetBy: grepLineLimit, limitedBy: line.endIndex) ?? line.endIndex
        return (start == line.startIndex ? "" : "…") + line[start..<end] + (end == line.endIndex ? "" : "…")
    }
}
