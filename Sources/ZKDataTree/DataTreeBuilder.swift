import ZKProtocol

/// Builds a tree's nodes from a depth-first listing (a snapshot), linking each node to its parent as it
/// comes: the parent is on the stack of the current path's ancestors, so no lookup by path is needed.
public struct DataTreeBuilder {
    public struct MissingParent: Error, Equatable, CustomStringConvertible {
        public var path: String
        public var description: String { "no parent before \(path)" }
    }

    public private(set) var nodes: [String: ZNode] = [:]
    private var ancestors: [(path: String, node: ZNode)] = []

    public init(expectedCount: Int = 16) { nodes.reserveCapacity(max(16, expectedCount)) }

    public mutating func add(path: String, data: [UInt8]?, acl: [ACL], stat: StatPersisted) throws(MissingParent) {
        let node = ZNode(data: data, acl: acl, stat: stat)
        nodes[path] = node
        if path != "/" {
            while let top = ancestors.last, !Self.isParent(top.path, of: path) { ancestors.removeLast() }
            if let parent = ancestors.last?.node {
                parent.children.insert(String(ZNodePath.childName(of: path)))
            } else if let parentPath = ZNodePath.parentKey(of: path), let parent = nodes[parentPath] {
                parent.children.insert(String(ZNodePath.childName(of: path)))
            } else {
                throw MissingParent(path: path)
            }
        }
        ancestors.append((path, node))
    }

    /// Whether `parent` is the parent path of `child`, without building strings.
    static func isParent(_ parent: String, of child: String) -> Bool {
        let p = parent.utf8, c = child.utf8
        guard let lastSlash = c.lastIndex(of: UInt8(ascii: "/")) else { return false }
        let parentLength = c.distance(from: c.startIndex, to: lastSlash)
        if parent == "/" { return parentLength == 0 }
        return parentLength == p.count && c.starts(with: p)
    }
}
