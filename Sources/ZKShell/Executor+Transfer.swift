import Foundation
import ZKClient
import ZKProtocol

/// cp, mv, export and import: subtrees carried with their data and ACLs.
///
/// A server shows a digest ACL with its hash replaced by "x" to a session without ADMIN on the node
/// (Apache's FinalRequestProcessor). Writing such an ACL back would lock its owner out, so these commands
/// refuse unless `-A acl` names the ACL to use instead.
extension Executor {
    /// A node as export and cp carry it: path relative to the subtree's root ("" for the root itself).
    struct PortableNode {
        var relativePath: String
        var data: [UInt8]
        var acl: [ACL]
    }

    /// The subtree's persistent nodes with their data and ACLs. Ephemeral nodes belong to their sessions and
    /// are left out. Redacted ACLs become `replacement`, or make the command fail naming the first such node.
    func collect(_ root: String, command: String, replacement: [ACL]?) async throws -> [PortableNode] {
        var nodes: [PortableNode] = []
        try await walk(root) { visit in
            guard visit.stat.ephemeralOwner == 0, let (data, acl) = try await dataAndACL(visit, root: root) else { return }
            let kept = try Self.unredacted(acl, path: visit.path, command: command, replacement: replacement)
            nodes.append(PortableNode(relativePath: PathResolution.relative(visit.path, to: root), data: data, acl: kept))
        }
        return nodes
    }

    static func unredacted(_ acl: [ACL], path: String, command: String, replacement: [ACL]?) throws(ShellError) -> [ACL] {
        guard let redacted = acl.first(where: ACLSyntax.isRedacted) else { return acl }
        if let replacement { return replacement }
        throw .refused("\(command): the server redacted the digest ACL of \(path) (\(ACLSyntax.format([redacted]))); "
            + "authenticate as its owner (addauth digest user:password) or give -A acl to use instead")
    }

    /// Below these a move is one multi, so it happens entirely or not at all.
    static let atomicMoveMaxNodes = 1000
    static let atomicMoveMaxBytes = 512 * 1024

    func copy(from: String, to: String, move: Bool, change: ChangeOptions, replacement: [ACL]?) async throws -> CommandResult {
        let name = move ? "mv" : "cp"
        let nodes = try await collect(from, command: name, replacement: replacement)
        let bytes = nodes.reduce(0) { $0 + $1.data.count + $1.relativePath.count + to.count }
        let atomic = nodes.count <= Self.atomicMoveMaxNodes && bytes <= Self.atomicMoveMaxBytes
        let how = atomic ? "one atomic multi" : "in steps, not atomic"
        if change.dryRun {
            return .plan(DryRun(command: name, path: from, entries: nodes.map { PlannedChange(path: from + $0.relativePath) },
                                summary: "would \(move ? "move" : "copy") \(Self.count(nodes.count)) from \(from) to \(to) (\(how))"))
        }
        if move { try await confirm(nodes.count, "mv \(from) \(to): move \(Self.count(nodes.count))?", change) }
        let creates = nodes.map { node in
            MultiOp.create(CreateRequest(path: to + node.relativePath, data: node.data, acl: node.acl, flags: 0), op: .create)
        }
        if atomic {
            let deletes = move ? nodes.reversed().map { MultiOp.delete(DeleteRequest(path: from + $0.relativePath, version: -1)) } : []
            _ = try await client.multi(creates + deletes)
            return .copied(from: from, to: to, count: nodes.count, moved: move, atomic: true)
        }
        io.notice("\(name): \(Self.count(nodes.count)) (\(bytes) bytes) do not fit in one multi (at most "
            + "\(Self.atomicMoveMaxNodes) nodes and \(Self.atomicMoveMaxBytes / 1024) KiB): \(move ? "moving" : "copying") "
            + "in steps, not atomically\n")
        for node in nodes {
            try Task.checkCancellation()
            _ = try await client.create2(to + node.relativePath, data: node.data, acl: node.acl, mode: .persistent, ttl: nil)
        }
        if move { _ = try await deleteAll(from, batchSize: 1000) }
        return .copied(from: from, to: to, count: nodes.count, moved: move, atomic: false)
    }

    static let exportFormat = "zkcli-export"

    /// {"format": "zkcli-export", "version": 1, "path": root, "node": {name, data, encoding, acl, children}}.
    func export(_ root: String, replacement: [ACL]?) async throws -> (JSONValue, Int) {
        let nodes = try await collect(root, command: "export", replacement: replacement)
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
                            ("data", .string(text ?? Data(node.data).base64EncodedString())),
                            ("encoding", .string(text == nil ? "base64" : "utf-8")), ("acl", .array(acl)),
                            ("children", .array((children[relative] ?? []).map(value)))])
        }
        let document = JSONValue.object([("format", .string(Self.exportFormat)), ("version", .int(1)),
                                         ("path", .string(root)), ("node", nodes.isEmpty ? .null : value(""))])
        return (document, nodes.count)
    }

    /// A node of an export file, where it goes.
    struct ImportedNode {
        var path: String
        var data: [UInt8]
        var acl: [ACL]
    }

    /// Export's tree laid out at `root` (the exported root's own data and ACL go to `root`), parents first.
    static func importedNodes(_ text: String, at root: String, replacement: [ACL]?) throws(ShellError) -> [ImportedNode] {
        let document: JSONValue
        do { document = try JSONValue.parse(text) } catch { throw .usage(UsageError("import: \(error.message)")) }
        guard document["format"]?.stringValue == exportFormat, let top = document["node"] else {
            throw .usage(UsageError("import: not a zkcli export (expected \"format\": \"\(exportFormat)\")"))
        }
        var nodes: [ImportedNode] = []
        var pending: [(JSONValue, String)] = [(top, root)]
        while let (node, path) = pending.popLast() {
            if node == .null { continue }
            let (data, acl) = try decodeNode(node, path: path)
            nodes.append(ImportedNode(path: path, data: data, acl: try unredacted(acl, path: path, command: "import",
                                                                                   replacement: replacement)))
            for child in (node["children"]?.arrayValue ?? []).reversed() {
                guard let name = child["name"]?.stringValue, PathValidation.problem("/" + name) == nil, !name.contains("/") else {
                    throw .usage(UsageError("import: invalid child name under \(path)"))
                }
                pending.append((child, PathResolution.join(path, name)))
            }
        }
        return nodes
    }

    /// Creates the nodes, parents first; with `update`, a node that exists gets the data and ACL instead.
    /// `atomic`: one multi, all or nothing. Otherwise a failure reports what was and was not applied.
    func importTree(_ text: String, at root: String, update: Bool, atomic: Bool, change: ChangeOptions,
                    replacement: [ACL]?) async throws -> CommandResult {
        let nodes = try Self.importedNodes(text, at: root, replacement: replacement)
        if change.dryRun || atomic {
            var existing: Set<String> = []
            for node in nodes where try await client.exists(node.path, watch: false) != nil { existing.insert(node.path) }
            if change.dryRun { return .plan(Self.importPlan(nodes, existing: existing, update: update, root: root)) }
            return try await importAtomically(nodes, existing: existing, update: update, root: root)
        }
        var created = 0, updated = 0
        for (index, node) in nodes.enumerated() {
            do {
                try Task.checkCancellation()
                do {
                    _ = try await client.create2(node.path, data: node.data, acl: node.acl, mode: .persistent, ttl: nil)
                    created += 1
                } catch let error as ZooKeeperError where error.code == .nodeExists && update {
                    _ = try await client.setData(node.path, data: node.data, version: -1)
                    _ = try await client.setACL(node.path, acl: node.acl, version: -1)
                    updated += 1
                }
            } catch {
                let rest = nodes[index...].map(\.path)
                let shown = rest.prefix(5).joined(separator: ", ") + (rest.count > 5 ? ", …" : "")
                throw ShellError.incomplete(ShellError.from(error), report:
                    "import: applied \(created + updated) of \(Self.count(nodes.count)) (created \(created), updated \(updated)); "
                    + "not applied: \(shown) (\(Self.count(rest.count)))")
            }
        }
        return .imported(path: root, created: created, updated: updated, atomic: false)
    }

    static func importPlan(_ nodes: [ImportedNode], existing: Set<String>, update: Bool, root: String) -> DryRun {
        var entries: [PlannedChange] = []
        var creates = 0, updates = 0, conflicts = 0
        for node in nodes {
            if !existing.contains(node.path) { creates += 1; entries.append(PlannedChange(action: "create", path: node.path)) }
            else if update { updates += 1; entries.append(PlannedChange(action: "update", path: node.path)) }
            else { conflicts += 1; entries.append(PlannedChange(action: "exists", path: node.path)) }
        }
        var summary = "would create \(creates) and update \(updates) nodes"
        if conflicts > 0 { summary += "; \(Self.count(conflicts)) exist already and would fail (-u updates them)" }
        return DryRun(command: "import", path: root, entries: entries, summary: summary)
    }

    func importAtomically(_ nodes: [ImportedNode], existing: Set<String>, update: Bool, root: String) async throws -> CommandResult {
        let bytes = nodes.reduce(0) { $0 + $1.data.count + $1.path.utf8.count }
        guard nodes.count <= Self.atomicMoveMaxNodes && bytes <= Self.atomicMoveMaxBytes else {
            throw ShellError.refused("import -a: \(Self.count(nodes.count)) (\(bytes) bytes) do not fit in one multi (at most "
                + "\(Self.atomicMoveMaxNodes) nodes and \(Self.atomicMoveMaxBytes / 1024) KiB); nothing applied")
        }
        var ops: [MultiOp] = []
        var created = 0
        // A multi cannot set ACLs, so those of updated nodes follow once the data is in.
        var updatedNodes: [ImportedNode] = []
        for node in nodes {
            if existing.contains(node.path) && update {
                ops.append(.setData(SetDataRequest(path: node.path, data: node.data, version: -1)))
                updatedNodes.append(node)
            } else {
                ops.append(.create(CreateRequest(path: node.path, data: node.data, acl: node.acl, flags: 0), op: .create))
                created += 1
            }
        }
        do {
            _ = try await client.multi(ops)
        } catch {
            throw ShellError.incomplete(ShellError.from(error), report: "import: nothing applied (one multi, all or nothing)")
        }
        for node in updatedNodes { _ = try await client.setACL(node.path, acl: node.acl, version: -1) }
        return .imported(path: root, created: created, updated: updatedNodes.count, atomic: true)
    }

    static func decodeNode(_ node: JSONValue, path: String) throws(ShellError) -> ([UInt8], [ACL]) {
        let text = node["data"]?.stringValue ?? ""
        let data: [UInt8]
        if node["encoding"]?.stringValue == "base64" {
            guard let decoded = Data(base64Encoded: text) else { throw .usage(UsageError("import: bad base64 data for \(path)")) }
            data = Array(decoded)
        } else {
            data = Array(text.utf8)
        }
        var acl: [ACL] = []
        for entry in node["acl"]?.arrayValue ?? [] {
            guard let text = entry.stringValue else { throw .usage(UsageError("import: bad ACL entry for \(path)")) }
            do { acl += try ACLSyntax.parse(text) } catch {
                throw .usage(UsageError("import: bad ACL \(text) for \(path): \(error.message)"))
            }
        }
        return (data, acl.isEmpty ? ACL.openACLUnsafe : acl)
    }
}
