import ZKDataTree
import ZKMetrics
import ZKProtocol

/// The four-letter words, in Apache 3.8's output formats.
public enum FourLetterWord: String, CaseIterable, Sendable {
    case ruok, srvr, stat, conf, cons, crst, srst, envi, mntr, wchs, wchc, wchp, dump, isro, dirs, gtmk, stmk, hash

    /// The 4-byte int a client sends in place of a length prefix.
    public var code: Int32 {
        let b = Array(rawValue.utf8)
        return Int32(bitPattern: UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3]))
    }

    public init?(code: Int32) {
        guard let word = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = word
    }
}

/// What the 4lw outputs need that only the shell knows.
public struct ServerEnvironment: Sendable {
    public var clientPort: Int = 2181
    public var secureClientPort: Int = -1
    public var dataDir: String = ""
    public var dataLogDir: String = ""
    public var dataDirSize: Int64 = 0
    public var dataLogSize: Int64 = 0
    public var maxClientCnxns: Int = 60
    public var clientPortListenBacklog: Int = -1
    public var hostName: String = "localhost"
    public var osName: String = "Linux"
    public var osArch: String = "amd64"
    public var osVersion: String = ""
    public var userName: String = ""
    public var userHome: String = ""
    public var workingDirectory: String = ""
    public var openFileDescriptors: Int = 0
    public var maxFileDescriptors: Int = 0
    public var residentMemoryBytes: Int64 = 0
    public var whitelist: Set<String> = ["srvr"]
    public init() {}

    public func isEnabled(_ word: FourLetterWord) -> Bool {
        whitelist.contains("*") || whitelist.contains(word.rawValue)
    }
}

extension ServerCore {
    public var fullVersion: String { "\(settings.version), built on 2026-11-22 00:00 UTC" }

    /// The text a four-letter word answers; the connection closes after it. `argument`: stmk's mask.
    public func fourLetterWord(_ word: FourLetterWord, argument: Int64? = nil, environment env: ServerEnvironment, now: Now) -> String {
        lastNow = now
        guard env.isEnabled(word) else { return "\(word.rawValue) is not executed because it is not in the whitelist.\n" }
        if !role.isServing && Self.needsServingServer.contains(word) {
            return "This ZooKeeper instance is not currently serving requests\n"
        }
        switch word {
        case .ruok: return "imok"
        case .srvr: return serverSummary(statClients: false)
        case .stat: return serverSummary(statClients: true)
        case .conf: return configuration(env) + (ensembleStatus?.confSection ?? "")
        case .cons:
            return connections.values.sorted { $0.id < $1.id }.map { connectionLine($0, brief: false, now: now) + "\n" }.joined() + "\n"
        case .crst:
            for id in connections.keys {
                connections[id]?.packetsReceived = 0
                connections[id]?.packetsSent = 0
            }
            return "Connection stats reset.\n"
        case .srst:
            stats.reset()
            metrics.reset()
            return "Server stats reset.\n"
        case .envi: return environmentText(env)
        case .mntr: return MonitorText.render(monitorSamples(env, now: now))
        case .wchs:
            let table = tree.watches.data
            return "\(table.byWatcher.count) connections watching \(table.paths.count) paths\nTotal watches:\(table.count)\n"
        case .wchc:
            var out = ""
            for (watcher, paths) in tree.watches.data.byWatcher.sorted(by: { $0.key < $1.key }) {
                out += "0x" + String(connections[watcher]?.sessionId ?? 0, radix: 16) + "\n"
                for path in paths.sorted() { out += "\t" + path + "\n" }
            }
            return out
        case .wchp:
            var out = ""
            for (path, watchers) in tree.watches.data.paths.sorted(by: { $0.key < $1.key }) {
                out += path + "\n"
                for watcher in watchers.keys.sorted() {
                    out += "\t0x" + String(connections[watcher]?.sessionId ?? 0, radix: 16) + "\n"
                }
            }
            return out
        case .dump: return dump()
        case .isro: return role == .readOnly ? "ro" : role.isServing ? "rw" : "null"
        case .dirs: return "datadir_size: \(env.dataDirSize)\nlogdir_size: \(env.dataLogSize)\n"
        // Apache prints the mask in decimal with no newline; stmk answers with the new one.
        case .gtmk: return String(traceMask)
        case .stmk:
            if let argument { traceMask = argument }
            return String(traceMask)
        case .hash: return ""
        }
    }

    private func serverSummary(statClients: Bool) -> String {
        var out = "Zookeeper version: \(fullVersion)\n"
        if statClients {
            out += "Clients:\n"
            for connection in connections.values.sorted(by: { $0.id < $1.id }) {
                out += connectionLine(connection, brief: true, now: startedAt) + "\n"
            }
            out += "\n"
        }
        out += "Latency min/avg/max: \(stats.minLatency)/\(javaDouble(stats.averageLatency))/\(stats.maxLatency)\n"
        out += "Received: \(stats.packetsReceived)\n"
        out += "Sent: \(stats.packetsSent)\n"
        out += "Connections: \(connections.count)\n"
        out += "Outstanding: \(outstandingRequests)\n"
        out += "Zxid: 0x\(String(tree.lastProcessedZxid, radix: 16))\n"
        out += "Mode: \(modeName)\n"
        out += "Node count: \(tree.nodeCount)\n"
        if case .leader = role {
            out += "Proposal sizes last/min/max: \(stats.lastProposalSize)/\(stats.minProposalSize)/\(stats.maxProposalSize)\n"
        }
        return out
    }

    func connectionLine(_ c: ConnectionState, brief: Bool, now: Now) -> String {
        var line = " /\(c.remoteHost):\(c.remotePort)[1](queued=0,recved=\(c.packetsReceived),sent=\(c.packetsSent)"
        if !brief && c.sessionId != 0 {
            line += ",sid=0x\(String(c.sessionId, radix: 16)),lop=\(c.lastOp),est=\(c.establishedWallMillis),to=\(c.sessionTimeout)"
            if c.lastCxid >= 0 { line += ",lcxid=0x\(String(c.lastCxid, radix: 16))" }
            line += ",lzxid=0x\(String(c.lastZxid, radix: 16)),lresp=\(c.lastResponseTime),llat=0,minlat=0,avglat=0.0,maxlat=0"
        }
        return line + ")"
    }

    private func configuration(_ env: ServerEnvironment) -> String {
        """
        clientPort=\(env.clientPort)
        secureClientPort=\(env.secureClientPort)
        dataDir=\(env.dataDir)
        dataDirSize=\(env.dataDirSize)
        dataLogDir=\(env.dataLogDir)
        dataLogSize=\(env.dataLogSize)
        tickTime=\(settings.tickTime)
        maxClientCnxns=\(env.maxClientCnxns)
        minSessionTimeout=\(settings.effectiveMinSessionTimeout)
        maxSessionTimeout=\(settings.effectiveMaxSessionTimeout)
        clientPortListenBacklog=\(env.clientPortListenBacklog)
        serverId=\(settings.serverId)

        """
    }

    private func environmentText(_ env: ServerEnvironment) -> String {
        "Environment:\n" + environmentPairs(env).map { "\($0.0)=\($0.1)\n" }.joined()
    }

    /// envi's and the AdminServer environment command's properties, in Apache's order.
    func environmentPairs(_ env: ServerEnvironment) -> [(String, String)] {
        let memoryMB = env.residentMemoryBytes / (1024 * 1024)
        return [
            ("zookeeper.version", fullVersion), ("host.name", env.hostName), ("java.version", "none (zkserver is native)"),
            ("java.vendor", "none"), ("java.home", ""), ("java.class.path", ""), ("java.library.path", ""),
            ("java.io.tmpdir", "/tmp"), ("java.compiler", "<NA>"), ("os.name", env.osName), ("os.arch", env.osArch),
            ("os.version", env.osVersion), ("user.name", env.userName), ("user.home", env.userHome),
            ("user.dir", env.workingDirectory), ("os.memory.free", "0MB"), ("os.memory.max", "\(memoryMB)MB"),
            ("os.memory.total", "\(memoryMB)MB"),
        ]
    }

    /// mntr's key/value pairs, keys without the zk_ prefix.
    public func monitor(_ env: ServerEnvironment, now: Now) -> [(String, String)] {
        MonitorText.pairs(monitorSamples(env, now: now))
    }

    /// What mntr, the AdminServer's monitor and Prometheus report: Apache's MonitorCommand values, the gauges
    /// its servers register for their role, then ServerMetrics.
    public func monitorSamples(_ env: ServerEnvironment, now: Now) -> [MetricSample] {
        var samples: [MetricSample] = [MetricSample("version", .text(fullVersion)), MetricSample("server_state", .text(modeName))]
        if let status = ensembleStatus { samples.append(MetricSample("peer_state", .text(status.peerState))) }
        func integer(_ name: String, _ value: Int64) { samples.append(MetricSample(name, .integer(value))) }
        func integer(_ name: String, _ value: Int) { samples.append(MetricSample(name, .integer(Int64(value)))) }
        samples.append(MetricSample("avg_latency", .gauge(stats.averageLatency)))
        integer("max_latency", stats.maxLatency)
        integer("min_latency", stats.minLatency)
        integer("packets_received", stats.packetsReceived)
        integer("packets_sent", stats.packetsSent)
        integer("num_alive_connections", connections.count)
        integer("outstanding_requests", outstandingRequests)
        integer("uptime", now.monotonicMillis - startedAt.monotonicMillis)
        integer("znode_count", tree.nodeCount)
        integer("watch_count", tree.watches.totalCount)
        integer("ephemerals_count", tree.ephemeralCount)
        integer("approximate_data_size", tree.approximateDataSize)
        integer("global_sessions", sessions.sessions.count)
        integer("local_sessions", 0)
        integer("open_file_descriptor_count", env.openFileDescriptors)
        integer("max_file_descriptor_count", env.maxFileDescriptors)
        samples.append(MetricSample("connection_drop_probability", .gauge(throttle.drop)))
        // TLS and its handshakes arrive with secureClientPort; until then these stay 0, as on Apache without it.
        integer("outstanding_tls_handshake", 0)
        integer("auth_failed_count", stats.authFailedCount)
        integer("non_mtls_remote_conn_count", 0)
        integer("non_mtls_local_conn_count", 0)
        if let status = ensembleStatus {
            integer("quorum_size", status.quorumSize)
            if case .leader = role {
                integer("learners", status.learners)
                integer("synced_followers", status.syncedFollowers)
                integer("synced_non_voting_followers", 0)
                integer("synced_observers", status.syncedObservers)
                integer("pending_syncs", leaderState?.pendingSyncs.values.reduce(0) { $0 + $1.count } ?? 0)
                integer("leader_uptime", leaderSince.map { now.monotonicMillis - $0.monotonicMillis } ?? 0)
                integer("last_proposal_size", stats.lastProposalSize)
                integer("min_proposal_size", stats.minProposalSize)
                integer("max_proposal_size", stats.maxProposalSize)
            }
        }
        return samples + metrics.samples()
    }

    /// Requests received and not yet answered: writes waiting for their commit and what waits behind them.
    var outstandingRequests: Int { deferred.values.reduce(0) { $0 + $1.count } }

    /// Apache's words that answer "not currently serving" while an ensemble member elects or syncs.
    static let needsServingServer: Set<FourLetterWord> = [.srvr, .stat, .cons, .crst, .srst, .dump, .wchs, .wchc, .wchp, .mntr, .dirs]

    /// srvr's Mode and mntr's server_state.
    var modeName: String {
        switch role {
        case .standalone: return "standalone"
        case .leader: return "leader"
        case .follower: return "follower"
        case .observer: return "observer"
        case .notServing: return "looking"
        case .readOnly: return "read-only"
        }
    }

    private func dump() -> String {
        var out = "SessionTracker dump:\nSession Sets (\(sessions.sessions.count))/(\(sessions.sessions.count)):\n"
        for session in sessions.sessions.values.sorted(by: { $0.id < $1.id }) {
            out += "0x\(String(session.id, radix: 16))\n"
        }
        let withEphemerals = tree.ephemerals.sorted { $0.key < $1.key }
        out += "ephemeral nodes dump:\nSessions with Ephemerals (\(withEphemerals.count)):\n"
        for (session, paths) in withEphemerals {
            out += "0x\(String(session, radix: 16)):\n"
            for path in paths.sorted() { out += "\t\(path)\n" }
        }
        out += "Connections dump:\nConnections Sets (\(connections.count))/(\(connections.count))\n"
        return out
    }
}
