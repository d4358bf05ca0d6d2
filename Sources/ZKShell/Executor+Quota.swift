import ZKClient
import ZKProtocol

/// zkCli.sh's quota commands, done the way it does them: a quota on /a is the node
/// /zookeeper/quota/a/zookeeper_limits (StatsTrack text), next to zookeeper_stats, which the server keeps.
extension Executor {
    static let quotaRoot = "/zookeeper/quota"

    static func limitsPath(_ path: String) -> String { quotaRoot + path + "/zookeeper_limits" }
    static func statsPath(_ path: String) -> String { quotaRoot + path + "/zookeeper_stats" }

    func listQuota(_ path: String) async throws -> CommandResult {
        let limits: QuotaStats
        do {
            limits = QuotaText.parse(try await client.getData(Self.limitsPath(path), watch: false).data)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return .quota(path: path, limits: nil, usage: nil)
        }
        let usage = try? await QuotaText.parse(client.getData(Self.statsPath(path), watch: false).data)
        return .quota(path: path, limits: limits, usage: usage)
    }

    func setQuota(_ path: String, limit: QuotaLimit, value: Int64) async throws {
        if path.hasPrefix(Self.quotaRoot) { throw UsageError("setquota: cannot set a quota under the path: \(Self.quotaRoot)") }
        guard try await client.exists(path, watch: false) != nil else {
            throw UsageError("setquota: \(path) does not exist.")
        }
        // A quota may not nest inside another one, in either direction.
        var ancestor = path
        while ancestor != "/" {
            ancestor = PathResolution.parent(ancestor)
            if ancestor != "/", try await client.exists(Self.limitsPath(ancestor), watch: false) != nil {
                throw UsageError("setquota: \(path) has a parent \(ancestor) which has a quota")
            }
        }
        let quotaNode = Self.quotaRoot + (path == "/" ? "" : path)
        if try await client.exists(quotaNode, watch: false) != nil {
            var nested: [String] = []
            try await walk(quotaNode) { visit in
                if visit.path != quotaNode && visit.children.contains("zookeeper_limits") { nested.append(visit.path) }
            }
            if let first = nested.first {
                throw UsageError("setquota: \(path) has a child \(first.dropFirst(Self.quotaRoot.count)) which has a quota")
            }
        }
        var prefix = Self.quotaRoot
        for segment in path.split(separator: "/") {
            prefix += "/" + segment
            do { _ = try await client.create2(prefix, data: [], acl: ACL.openACLUnsafe, mode: .persistent, ttl: nil) } catch let error as ZooKeeperError where error.code == .nodeExists {}
        }
        // zkCli.sh 3.8 writes a new quota with all four limits; an existing one gets only the limit given.
        var limits = QuotaStats(count: -1, bytes: -1, countHardLimit: -1, bytesHardLimit: -1)
        if let existing = try? await client.getData(Self.limitsPath(path), watch: false).data { limits = QuotaText.parse(existing) }
        limits.values[limit.key] = value
        do {
            _ = try await client.create2(Self.limitsPath(path), data: QuotaText.format(limits), acl: ACL.openACLUnsafe,
                                         mode: .persistent, ttl: nil)
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            _ = try await client.setData(Self.limitsPath(path), data: QuotaText.format(limits), version: -1)
        }
        do {
            _ = try await client.create2(Self.statsPath(path), data: QuotaText.format(QuotaStats(count: 0, bytes: 0)),
                                         acl: ACL.openACLUnsafe, mode: .persistent, ttl: nil)
        } catch let error as ZooKeeperError where error.code == .nodeExists {}
    }

    /// Without a flag the whole quota goes; with one, only that limit is reset to -1.
    func delQuota(_ path: String, limit: QuotaLimit?) async throws {
        let limitsPath = Self.limitsPath(path)
        let data: [UInt8]
        do { data = try await client.getData(limitsPath, watch: false).data } catch let error as ZooKeeperError where error.code == .noNode {
            throw UsageError("delquota: Quota does not exist for \(path)")
        }
        guard let limit else {
            _ = try await deleteAll(Self.quotaRoot + path, batchSize: 1000)
            return
        }
        var limits = QuotaText.parse(data)
        limits.values[limit.key] = -1
        _ = try await client.setData(limitsPath, data: QuotaText.format(limits), version: -1)
    }
}

extension QuotaLimit {
    /// The StatsTrack key the flag sets.
    var key: String {
        switch self {
        case .countSoft: return "count"
        case .bytesSoft: return "bytes"
        case .countHard: return "countHardLimit"
        case .bytesHard: return "byteHardLimit"
        }
    }
}

/// StatsTrack's text: "count=N,bytes=N", then any other keys sorted, after a stray "=;" that keeps 3.4-era
/// parsers reading the first two ("count=1,bytes=2=;byteHardLimit=-1;countHardLimit=5").
enum QuotaText {
    static func parse(_ data: [UInt8]) -> QuotaStats {
        var stats = QuotaStats()
        for pair in String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count >= 2, !parts[0].isEmpty else { continue }
            stats.values[String(parts[0])] = parts[1].isEmpty ? -1 : (Int64(parts[1]) ?? -1)
        }
        return stats
    }

    static func describe(_ stats: QuotaStats) -> String {
        var text = "count=\(stats.count),bytes=\(stats.bytes)"
        let others = stats.values.keys.filter { $0 != "count" && $0 != "bytes" }.sorted()
        if !others.isEmpty { text += "=" + others.map { ";\($0)=\(stats.values[$0] ?? -1)" }.joined() }
        return text
    }

    static func format(_ stats: QuotaStats) -> [UInt8] { Array(describe(stats).utf8) }
}
