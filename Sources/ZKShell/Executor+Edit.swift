import ZKClient
import ZKProtocol

/// edit: the data in $EDITOR, saved with the version it was read at, so a change made meanwhile is not lost.
extension Executor {
    func edit(_ path: String) async throws -> CommandResult {
        let (data, stat) = try await client.getData(path, watch: false)
        let file = try LocalFile.temporary(named: PathResolution.name(path), contents: data)
        try LocalFile.runEditor(on: file)
        let edited = try LocalFile.read(file)
        guard edited != data else {
            LocalFile.remove(file)
            return .edited(path: path, stat: nil, changed: false)
        }
        do {
            let saved = try await client.setData(path, data: edited, version: stat.version)
            LocalFile.remove(file)
            return .edited(path: path, stat: saved, changed: true)
        } catch let error as ZooKeeperError where error.code == .badVersion {
            let now = try? await client.getData(path, watch: false)
            var report = "edit: \(path) changed while it was being edited (version \(stat.version)"
                + (now.map { " → \($0.stat.version)" } ?? "") + "); nothing saved, the edit is kept in \(file)"
            if let now {
                report += "\nwhat changed meanwhile:\n--- version \(stat.version)\n+++ version \(now.stat.version)\n"
                    + LineDiff.lines(Self.shown(data), Self.shown(now.data)).joined(separator: "\n")
            }
            throw ShellError.incomplete(.zookeeper(error), report: report)
        }
    }
}

/// A line diff for people: common lines as "  x", removed "- x", added "+ x" (longest common subsequence).
enum LineDiff {
    static func lines(_ old: [String], _ new: [String]) -> [String] {
        // Past this the table gets large; show both sides whole instead.
        guard old.count * new.count <= 4_000_000 else { return old.map { "-" + $0 } + new.map { "+" + $0 } }
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                lcs[i][j] = old[i] == new[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                out.append(" " + old[i]); i += 1; j += 1
            } else if j < new.count, i == old.count || lcs[i][j + 1] >= lcs[i + 1][j] {
                out.append("+" + new[j]); j += 1
            } else {
                out.append("-" + old[i]); i += 1
            }
        }
        return out
    }
}
