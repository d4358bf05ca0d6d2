import ZKMetrics

/// The AdminServer's commands (Apache's admin/Commands.java): a primary name, the aliases it also answers
/// to, and whether it needs a server that is serving.
public enum AdminCommand: String, CaseIterable, Sendable {
    case configuration, connectionStatReset = "connection_stat_reset", connections, dirs, dump, environment
    case getTraceMask = "get_trace_mask", hash, initialConfiguration = "initial_configuration", isReadOnly = "is_read_only"
    case lastSnapshot = "last_snapshot", leader, monitor, observerConnectionStatReset = "observer_connection_stat_reset"
    case observers, ruok, serverStats = "server_stats", setTraceMask = "set_trace_mask", statReset = "stat_reset", stats
    case systemProperties = "system_properties", votingView = "voting_view", watchSummary = "watch_summary", watches
    case watchesByPath = "watches_by_path", zabstate

    public var aliases: [String] {
        switch self {
        case .configuration: ["conf", "config"]
        case .connectionStatReset: ["crst"]
        case .connections: ["cons"]
        case .environment: ["env", "envi"]
        case .getTraceMask: ["gtmk"]
        case .initialConfiguration: ["icfg"]
        case .isReadOnly: ["isro"]
        case .lastSnapshot: ["lsnp"]
        case .leader: ["lead"]
        case .monitor: ["mntr"]
        case .observerConnectionStatReset: ["orst"]
        case .observers: ["obsr"]
        case .serverStats: ["srvr"]
        case .setTraceMask: ["stmk"]
        case .statReset: ["srst"]
        case .stats: ["stat"]
        case .systemProperties: ["sysp"]
        case .watches: ["wchc"]
        case .watchesByPath: ["wchp"]
        case .watchSummary: ["wchs"]
        case .dirs, .dump, .hash, .ruok, .votingView, .zabstate: []
        }
    }

    /// By primary name or alias, as the URL names it.
    public init?(named name: String) {
        guard let command = Self.allCases.first(where: { $0.rawValue == name || $0.aliases.contains(name) }) else { return nil }
        self = command
    }

    /// Apache answers these with an error while the server is not serving (electing, syncing).
    var needsServingServer: Bool {
        switch self {
        case .ruok, .configuration, .environment, .getTraceMask, .setTraceMask, .hash, .initialConfiguration, .isReadOnly,
             .leader, .systemProperties, .votingView, .zabstate, .observers, .observerConnectionStatReset, .lastSnapshot:
            false
        default:
            true
        }
    }
}

/// What the AdminServer reports that only the shell knows.
public struct AdminEnvironment: Sendable {
    /// zoo.cfg as read at start (initial_configuration).
    public var initialConfiguration = ""
    /// The -D properties the server was started with, then the process's own (system_properties).
    public var systemProperties: [(String, String)] = []
    /// The newest snapshot: its zxid and when it was written (seconds since the epoch).
    public var lastSnapshot: (zxid: Int64, seconds: Int64) = (0, 0)
    public init() {}
}

extension ServerCore {
    /// One AdminServer command's answer: its data, then `command` and `error`, as Apache's CommandResponse.
    public func admin(_ command: AdminCommand, parameters: [String: String], environment env: ServerEnvironment,
                      admin: AdminEnvironment, now: Now) -> AdminValue {
        lastNow = now
        if command.needsServingServer && !role.isServing {
            return .object([("command", .string(command.rawValue)), ("error", "This ZooKeeper instance is not currently serving requests")])
        }
        var data: [(String, AdminValue)]
        switch command {
        case .ruok, .connectionStatReset, .statReset, .observerConnectionStatReset:
            data = []
            if command == .connectionStatReset { _ = fourLetterWord(.crst, environment: Self.everyWord(env), now: now) }
            if command == .statReset { _ = fourLetterWord(.srst, environment: Self.everyWord(env), now: now) }
        case .serverStats, .stats:
            data = serverStatsData(env, now: now)
            if command == .stats {
                data.append(("connections", .array(sortedConnections.map { connectionData($0, brief: true) })))
                data.append(("secure_connections", .array([])))
            }
        case .monitor:
            data = monitorSamples(env, now: now).flatMap(Self.adminValues)
        case .configuration:
            data = [("client_port", .int(env.clientPort)), ("data_dir", .string(env.dataDir + "/version-2")),
                    ("data_log_dir", .string(env.dataLogDir + "/version-2")), ("tick_time", .int(Int(settings.tickTime))),
                    ("max_client_cnxns", .int(env.maxClientCnxns)),
                    ("min_session_timeout", .int(Int(settings.effectiveMinSessionTimeout))),
                    ("max_session_timeout", .int(Int(settings.effectiveMaxSessionTimeout))),
                    ("server_id", .int(settings.serverId)), ("client_port_listen_backlog", .int(env.clientPortListenBacklog))]
        case .connections:
            data = [("connections", .array(sortedConnections.map { connectionData($0, brief: false) })),
                    ("secure_connections", .array([]))]
        case .environment:
            data = environmentPairs(env).map { ($0.0, .string($0.1)) }
        case .dump:
            // A learner tracks no expiry (Apache's LearnerSessionTracker answers an empty map): the leader decides.
            var byExpiry: [Int64: [Int64]] = [:]
            if !role.isLearner {
                for session in sessions.sessions.values { byExpiry[session.deadline, default: []].append(session.id) }
            }
            data = [("expiry_time_to_session_ids", .object(byExpiry.sorted { $0.key < $1.key }.map {
                        (String($0.key), .array($0.value.sorted().map { .int($0) }))
                    })),
                    ("session_id_to_ephemeral_paths", .object(tree.ephemerals.sorted { $0.key < $1.key }.map {
                        (String($0.key), .array($0.value.sorted().map { .string($0) }))
                    }))]
        case .dirs:
            data = [("datadir_size", .int(env.dataDirSize)), ("logdir_size", .int(env.dataLogSize))]
        case .watchSummary:
            let table = tree.watches.data
            data = [("num_connections", .int(table.byWatcher.count)), ("num_paths", .int(table.paths.count)),
                    ("num_total_watches", .int(table.count))]
        case .watches:
            data = [("session_id_to_watched_paths", .object(tree.watches.data.byWatcher.sorted { $0.key < $1.key }.map { watcher, paths in
                (String(connections[watcher]?.sessionId ?? 0), .array(paths.sorted().map { .string($0) }))
            }))]
        case .watchesByPath:
            data = [("path_to_session_ids", .object(tree.watches.data.paths.sorted { $0.key < $1.key }.map { path, watchers in
                (path, .array(watchers.keys.sorted().map { .int(connections[$0]?.sessionId ?? 0) }))
            }))]
        case .isReadOnly:
            data = [("read_only", .bool(role == .readOnly))]
        case .lastSnapshot:
            data = [("zxid", .string(String(admin.lastSnapshot.zxid, radix: 16))), ("timestamp", .int(admin.lastSnapshot.seconds))]
        case .getTraceMask:
            data = [("tracemask", .int(traceMask))]
        case .setTraceMask:
            guard let text = parameters["traceMask"], let mask = Int64(text) else {
                return .object([("error", "setTraceMask requires long traceMask argument"), ("command", .string(command.rawValue))])
            }
            traceMask = mask
            data = [("tracemask", .int(mask))]
        case .hash:
            data = [("digests", .array([]))]
        case .initialConfiguration:
            data = [("initial_configuration", .string(admin.initialConfiguration))]
        case .systemProperties:
            data = admin.systemProperties.map { ($0.0, .string($0.1)) }
        case .leader, .votingView, .zabstate, .observers:
            guard let status = ensembleStatus else { return standaloneQuorumAnswer(command) }
            data = quorumData(command, status)
        }
        return .object(data + [("command", .string(command.rawValue)), ("error", .null)])
    }

    /// The 4lw words run on behalf of the AdminServer, whatever the 4lw whitelist says (Apache's commands
    /// do not consult it).
    private static func everyWord(_ env: ServerEnvironment) -> ServerEnvironment {
        var env = env
        env.whitelist = ["*"]
        return env
    }

    private var sortedConnections: [ConnectionState] { connections.values.sorted { $0.id < $1.id } }

    private func connectionData(_ c: ConnectionState, brief: Bool) -> AdminValue {
        var pairs: [(String, AdminValue)] = [
            ("remote_socket_address", .string("\(c.remoteHost):\(c.remotePort)")), ("interest_ops", 1),
            ("outstanding_requests", .int(deferred[c.id]?.count ?? 0)), ("packets_received", .int(c.packetsReceived)),
            ("packets_sent", .int(c.packetsSent)),
        ]
        if !brief && c.sessionId != 0 {
            pairs += [("session_id", .int(c.sessionId)), ("last_operation", .string(c.lastOp)),
                      ("established", .int(c.establishedWallMillis)), ("session_timeout", .int(Int(c.sessionTimeout))),
                      ("last_cxid", .int(Int(c.lastCxid))), ("last_zxid", .int(c.lastZxid)),
                      ("last_response_time", .int(c.lastResponseTime)), ("last_latency", 0), ("min_latency", 0),
                      ("avg_latency", 0), ("max_latency", 0)]
        }
        return .object(pairs)
    }

    private func serverStatsData(_ env: ServerEnvironment, now: Now) -> [(String, AdminValue)] {
        let sizes = metrics.clientResponseSize.values
        let bufferStats: AdminValue = .object([("last_buffer_size", .int(sizes.last)), ("min_buffer_size", .int(sizes.min)),
                                                ("max_buffer_size", .int(sizes.max))])
        let serverStats: AdminValue = .object([
            ("packets_sent", .int(stats.packetsSent)), ("packets_received", .int(stats.packetsReceived)),
            ("fsync_threshold_exceed_count", 0), ("client_response_stats", bufferStats),
            ("data_dir_size", .int(env.dataDirSize)), ("log_dir_size", .int(env.dataLogSize)), ("provider_null", false),
            ("server_state", .string(modeName)), ("last_processed_zxid", .int(tree.lastProcessedZxid)),
            ("outstanding_requests", .int(outstandingRequests)), ("avg_latency", .double(Self.rounded(stats.averageLatency))),
            ("max_latency", .int(stats.maxLatency)), ("min_latency", .int(stats.minLatency)),
            ("num_alive_client_connections", .int(connections.count)), ("auth_failed_count", .int(Int(stats.authFailedCount))),
            ("non_mtlsremote_conn_count", 0), ("non_mtlslocal_conn_count", 0),
            ("uptime", .int(now.monotonicMillis - startedAt.monotonicMillis)),
        ])
        var data: [(String, AdminValue)] = [("version", .string(fullVersion)), ("read_only", .bool(role == .readOnly)),
                                            ("server_stats", serverStats), ("client_response", bufferStats)]
        if case .leader = role {
            data.append(("proposal_stats", .object([("last_buffer_size", .int(stats.lastProposalSize)),
                                                    ("min_buffer_size", .int(stats.minProposalSize)),
                                                    ("max_buffer_size", .int(stats.maxProposalSize))])))
        }
        data.append(("node_count", .int(tree.nodeCount)))
        return data
    }

    /// mntr's values as JSON: numbers stay numbers (Apache's monitor command puts the same keys, no zk_).
    private static func adminValues(_ sample: MetricSample) -> [(String, AdminValue)] {
        switch sample.value {
        case .counter(let n), .integer(let n): return [(sample.name, .int(n))]
        case .gauge(let x): return [(sample.name, .double(rounded(x)))]
        case .text(let s): return [(sample.name, .string(s))]
        case .summary(let s):
            var pairs: [(String, AdminValue)] = [("avg_" + sample.name, .double(rounded(s.average))), ("min_" + sample.name, .int(s.min)),
                                                 ("max_" + sample.name, .int(s.max)), ("cnt_" + sample.name, .int(s.count)),
                                                 ("sum_" + sample.name, .int(s.sum))]
            if s.detailed {
                for (label, q) in [("p50_", 0.5), ("p95_", 0.95), ("p99_", 0.99), ("p999_", 0.999)] {
                    pairs.append((label + sample.name, .int(s.quantile(q) ?? 0)))
                }
            }
            return pairs
        }
    }

    /// Apache rounds averages to four decimals.
    static func rounded(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }

    private func quorumData(_ command: AdminCommand, _ status: EnsembleStatus) -> [(String, AdminValue)] {
        let members = status.memberLines.map { (id: $0.id, member: Self.parseMember($0.line)) }
        let isLeader: Bool
        if case .leader = role { isLeader = true } else { isLeader = false }
        switch command {
        case .leader:
            let leaderHost = members.first { $0.id == status.leaderId }?.member.quorum.split(separator: ":").first.map(String.init)
            return [("is_leader", .bool(isLeader)), ("leader_id", status.leaderId.map { .int($0) } ?? .int(-1)),
                    ("leader_ip", leaderHost.map { .string($0) } ?? .null)]
        case .votingView:
            // Apache's client_address is known only for servers whose client port it has learned; zkserver
            // knows it from each server.N line's ;client part.
            return [("current_config", .object(members.filter { !$0.member.observer }.map { id, m in
                (String(id), .object([("server_addresses", .array([.string(m.quorum)])),
                                      ("election_addresses", .array([.string(m.election)])),
                                      ("client_address", .string(m.client)), ("learner_type", "participant")]))
            }))]
        case .zabstate:
            let me = members.first { $0.id == status.myId }?.member
            func address(_ text: String) -> AdminValue {
                let port = text.split(separator: ":").last.flatMap { Int64($0) } ?? 0
                let host = text.split(separator: ":").first.map(String.init) ?? ""
                return .object([("empty", false), ("all_addresses", .array([.string(text)])),
                                ("all_reachable_addresses", .array([.string(text)])), ("one", .string(text)),
                                ("reachable_address", .string(text)), ("wildcard_addresses", .array([.string("0.0.0.0:\(port)")])),
                                ("all_ports", .array([.int(port)])), ("all_host_strings", .array([.string(host)])),
                                ("all_reachable_addresses_or_all", .array([.string(text)])), ("reachable_or_one", .string(text))])
            }
            let phase = status.peerState.components(separatedBy: " - ").last ?? ""
            return [("myid", .int(status.myId)), ("is_leader", .bool(isLeader)), ("quorum_address", address(me?.quorum ?? "")),
                    ("election_address", address(me?.election ?? "")), ("client_address", .string(me?.client ?? "")),
                    ("voting", .bool(!(me?.observer ?? false))), ("last_zxid", .string("0x" + String(status.lastZxid, radix: 16))),
                    ("zab_epoch", .int(status.lastZxid >> 32)), ("zab_counter", .int(status.lastZxid & 0xffff_ffff)),
                    ("zabstate", .string(phase == "election" ? "election" : phase))]
        default:
            let observers: [AdminValue] = isLeader ? status.observers.map { o in
                .object([("remote_socket_address", .string(o.address)), ("sid", .int(o.id)), ("established", .int(o.establishedMillis)),
                         ("queued_packets", 0), ("queued_packets_size", 0), ("packets_received", .int(o.packetsReceived)),
                         ("packets_sent", .int(o.packetsSent)), ("requests", .int(o.requests)), ("last_zxid", .int(o.lastZxid))])
            } : []
            return [("synced_observers", .int(isLeader ? status.syncedObservers : 0)), ("observers", .array(observers))]
        }
    }

    /// One server.N value: host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort].
    static func parseMember(_ line: String) -> (quorum: String, election: String, client: String, observer: Bool) {
        let halves = line.split(separator: ";", maxSplits: 1).map(String.init)
        let parts = halves[0].split(separator: ":").map(String.init)
        guard parts.count >= 3 else { return (halves[0], "", "", false) }
        var client = halves.count > 1 ? halves[1] : ""
        if !client.isEmpty && !client.contains(":") { client = "0.0.0.0:" + client }
        return ("\(parts[0]):\(parts[1])", "\(parts[0]):\(parts[2])", client, parts.count > 3 && parts[3] == "observer")
    }

    private func standaloneQuorumAnswer(_ command: AdminCommand) -> AdminValue {
        let name: AdminValue = .string(command.rawValue)
        switch command {
        case .leader: return .object([("error", "server is not initialized"), ("command", name)])
        case .votingView: return .object([("current_config", .object([])), ("command", name), ("error", .null)])
        case .zabstate: return .object([("voting", false), ("zabstate", ""), ("command", name), ("error", .null)])
        default: return .object([("synced_observers", 0), ("observers", .array([])), ("command", name), ("error", .null)])
        }
    }
}
