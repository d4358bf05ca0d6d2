/// Apache's PurgeTxnLog: keep the newest `retain` snapshots and the logs needed to replay from the
/// oldest of them; everything older goes.
public enum Purge {
    public struct Plan: Equatable, Sendable {
        public var deleteSnapshots: [String]
        public var deleteLogs: [String]
    }

    public static func plan(snapshotDirectory: String, logDirectory: String, retain: Int) -> Plan {
        let snapshots = Recovery.snapshotFiles(snapshotDirectory)  // newest first
        let keep = max(retain, 3)
        guard snapshots.count > keep else { return Plan(deleteSnapshots: [], deleteLogs: []) }
        let oldestKept = snapshots[keep - 1].zxid
        let logs = Recovery.logFiles(logDirectory)  // oldest first
        // The newest log starting at or before the oldest kept snapshot may hold transactions after it.
        let needed = logs.last { $0.zxid <= oldestKept }?.zxid ?? Int64.min
        return Plan(deleteSnapshots: snapshots[keep...].map(\.path),
                    deleteLogs: logs.filter { $0.zxid < needed }.map(\.path))
    }

    @discardableResult
    public static func run(snapshotDirectory: String, logDirectory: String, retain: Int) -> Plan {
        let plan = plan(snapshotDirectory: snapshotDirectory, logDirectory: logDirectory, retain: retain)
        for path in plan.deleteSnapshots + plan.deleteLogs { FileSystem.remove(path) }
        return plan
    }
}
