/// Quota usage, kept the way Apache's DataTree keeps it: a quota on /a is the node
/// /zookeeper/quota/a/zookeeper_limits, and the tree itself rewrites /zookeeper/quota/a/zookeeper_stats
/// ("count=N,bytes=N") on every create, delete and setData below /a. The stats node's data changes without
/// a new version or zxid, as in Apache, and is recomputed from the tree on load.
extension DataTree {
    static let quotaLimitsName = "zookeeper_limits"
    static let quotaStatsName = "zookeeper_stats"
    /// "/zookeeper/quota/": the prefix of every quota node (built once; it is checked on every create).
    static let quotaPrefix = quotaPath + "/"

    /// Called after a node was created; `dataLength` is its data's size.
    func quotaNodeCreated(_ path: String, parentPath: String, name: String, dataLength: Int) {
        if parentPath.hasPrefix(Self.quotaPrefix) {
            let quotaOf = String(parentPath.dropFirst(Self.quotaPath.count))
            if name == Self.quotaLimitsName { quotaRoots.insert(quotaOf) }
            if name == Self.quotaStatsName { recomputeQuotaUsage(quotaOf) }
        }
        adjustQuotaUsage(below: path, bytes: dataLength, count: 1)
    }

    func quotaNodeDeleted(_ path: String, parentPath: String, name: String, dataLength: Int) {
        if name == Self.quotaLimitsName && parentPath.hasPrefix(Self.quotaPrefix) {
            quotaRoots.remove(String(parentPath.dropFirst(Self.quotaPath.count)))
        }
        adjustQuotaUsage(below: path, bytes: -dataLength, count: -1)
    }

    func quotaDataChanged(_ path: String, bytesDelta: Int) {
        adjustQuotaUsage(below: path, bytes: bytesDelta, count: 0)
    }

    /// The deepest quota root at or above `path` (Apache's getMaxPrefixWithQuota; "/" never counts).
    func quotaRoot(of path: String) -> String? {
        guard !quotaRoots.isEmpty else { return nil }
        var candidate = path
        while candidate != "/" {
            if quotaRoots.contains(candidate) { return candidate }
            guard let parent = ZNodePath.parentKey(of: candidate) else { return nil }
            candidate = parent
        }
        return nil
    }

    func adjustQuotaUsage(below path: String, bytes: Int, count: Int) {
        guard let root = quotaRoot(of: path), let stats = nodes[Self.quotaPath + root + "/" + Self.quotaStatsName] else { return }
        let (oldCount, oldBytes) = Self.parseUsage(stats.data ?? [])
        setUsage(stats, count: oldCount + count, bytes: oldBytes + bytes)
    }

    /// Counts the subtree (the root included) and writes the stats node (Apache's updateQuotaForPath).
    func recomputeQuotaUsage(_ root: String) {
        guard let stats = nodes[Self.quotaPath + root + "/" + Self.quotaStatsName], nodes[root] != nil else { return }
        var count = 0, bytes = 0
        var stack = [root]
        while let path = stack.popLast() {
            guard let node = nodes[path] else { continue }
            count += 1
            bytes += node.data?.count ?? 0
            stack.append(contentsOf: node.children.map { ZNodePath.join(path, $0) })
        }
        setUsage(stats, count: count, bytes: bytes)
    }

    /// After a snapshot load: find every quota under /zookeeper/quota and recount it (Apache's setupQuota).
    func rebuildQuotas() {
        quotaRoots = []
        var stack = [Self.quotaPath]
        while let path = stack.popLast() {
            guard let node = nodes[path] else { continue }
            if node.children.contains(Self.quotaLimitsName) { quotaRoots.insert(String(path.dropFirst(Self.quotaPath.count))) }
            stack.append(contentsOf: node.children.filter { $0 != Self.quotaLimitsName && $0 != Self.quotaStatsName }
                .map { ZNodePath.join(path, $0) })
        }
        for root in quotaRoots { recomputeQuotaUsage(root) }
    }

    private func setUsage(_ stats: ZNode, count: Int, bytes: Int) {
        let old = stats.data?.count ?? 0
        stats.data = Array("count=\(count),bytes=\(bytes)".utf8)
        approximateDataSizeAdjust((stats.data?.count ?? 0) - old)
    }

    /// count= and bytes= of StatsTrack text; other fields (hard limits) are the limits node's business.
    static func parseUsage(_ data: [UInt8]) -> (count: Int, bytes: Int) {
        var count = 0, bytes = 0
        for pair in String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count >= 2, let value = Int(parts[1]) else { continue }
            if parts[0] == "count" { count = value } else if parts[0] == "bytes" { bytes = value }
        }
        return (count, bytes)
    }
}
