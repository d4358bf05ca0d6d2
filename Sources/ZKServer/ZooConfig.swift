import Foundation
import ZKServerCore

/// zoo.cfg as Apache's QuorumPeerConfig reads it (Java properties: `key=value`, `key: value`, `#` and `!`
/// comments), plus the settings Apache also takes as Java system properties (-Dkey=value).
public struct ZooConfig: Sendable {
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var file: String
        public var line: Int
        public var key: String
        public var message: String
        public var description: String { "\(file):\(line): \(key): \(message)" }
    }

    public var path: String = ""
    public var tickTime: Int32 = 3000
    public var initLimit: Int = 10
    public var syncLimit: Int = 5
    public var dataDir: String = ""
    public var dataLogDir: String = ""
    public var clientPort: Int = 2181
    public var clientPortAddress: String = "0.0.0.0"
    public var maxClientCnxns: Int = 60
    public var minSessionTimeout: Int32 = -1
    public var maxSessionTimeout: Int32 = -1
    public var fourLetterWhitelist: Set<String> = ["srvr"]
    public var extendedTypesEnabled = false
    public var juteMaxBuffer: Int = 0xfffff
    public var containerCheckIntervalMs: Int64 = 60_000
    public var sessionlessConnectionTimeoutMs: Int64 = 10_000
    public var outstandingLimit = 1000
    public var connectionThrottle = ConnectionThrottle.Settings()
    /// secureClientPort and the ssl.* keys.
    public var tls = ClientTLSConfig()
    /// sslQuorum with the ssl.quorum.* keys: TLS on the election and quorum ports.
    public var sslQuorum = false
    public var quorumTLS = ClientTLSConfig()
    /// quorum.auth.*: SASL between members.
    var quorumAuth = QuorumAuthSettings()
    public var superDigest: String?
    /// SASL, x509 and enforced authentication (authProvider.N, the JAAS file, enforce.auth.*).
    public var auth = AuthConfig()
    /// zoo.cfg keys Apache does not read itself, as the `zookeeper.<key>` system properties it makes of them.
    var fileSystemProperties: [String: String] = [:]
    public var readOnlyModeEnabled = false
    public var reconfigEnabled = false
    public var standaloneEnabled = true
    public var peerType = "participant"
    public var forceSync = true
    public var snapCount = 100_000
    /// zkserver only, for tests: the zxid counter at which a leader must start a new epoch (Apache: 2^32-1).
    public var zxidCounterLimit: UInt32 = .max
    public var autopurgeSnapRetainCount = 3
    public var autopurgePurgeInterval = 0
    /// The members: zoo.cfg's server.N lines, or the dynamic file's when dynamicConfigFile names one.
    public var peers: [QuorumServerSpec] = []
    /// dynamicConfigFile, and the configuration version its name ends in (`zoo.cfg.dynamic.100000000`).
    public var dynamicConfigFile: String?
    public var configVersion: Int64 = 0
    /// Where server.N lines stood in zoo.cfg, for the error when a dynamic file is named as well.
    var staticServerLines: [(line: Int, key: String)] = []
    /// The AdminServer (Apache's defaults: on, 0.0.0.0:8080, /commands).
    public var adminEnableServer = true
    public var adminServerAddress = "0.0.0.0"
    public var adminServerPort = 8080
    public var adminCommandURL = "/commands"
    /// Prometheus, when metricsProvider.className names Apache's PrometheusMetricsProvider.
    public var prometheusEnabled = false
    public var prometheusHost = "0.0.0.0"
    public var prometheusPort = 7000
    /// The file as read, for the AdminServer's initial_configuration, and the -D properties given.
    public var text = ""
    public var systemProperties: [String: String] = [:]
    /// This server's id in its ensemble (dataDir/myid); 0 standalone. It goes in the top byte of session ids.
    public var serverId: Int64 = 0
    /// Lines about accepted keys that zkserver does not act on (one per key).
    public var warnings: [String] = []

    public init() {}

    /// Keys read as the `zookeeper.<key>` system properties they become (AuthConfig, the connection throttle).
    static let propertyKeys = ["connection_throttle_", "authProvider.", "enforce.auth.", "sessionRequireClientSASLAuth", "allowSaslFailedClients",
                           "superUser", "letAnySaslUserDoX", "sasl.serverconfig", "SASLAuthenticationProvider.",
                           "X509AuthenticationProvider."]

    /// Keys that only the Java server uses; accepted with a warning so an existing zoo.cfg starts unchanged.
    static let javaOnlyPrefixes = ["ssl.", "admin.", "authProvider.", "serverCnxnFactory", "localSessionsEnabled", "localSessionsUpgradingEnabled",
                                   "metricsProvider.", "quorum.", "jvm", "zookeeper.", "sslQuorum", "portUnification",
                                   "clientCnxnSocket", "electionAlg", "leaderServes", "quorumListenOnAllIPs",
                                   "skipACL", "preAllocSize",
                                   "snapSizeLimitInKb", "txnLogSizeLimitInKb", "digest.enabled", "syncEnabled",
                                   "maxCnxns", "clientPortListenBacklog", "connectToLearnerMasterLimit", "multiAddress.",
                                   "audit.", "sasl", "kerberos", "X509", "fips-mode", "enforce", "jute."]

    /// The configuration, or the first problem in it (the server refuses to start on any).
    public static func parse(text: String, path: String, systemProperties: [String: String] = [:]) throws(ParseError) -> ZooConfig {
        let (config, problems) = check(text: text, path: path, systemProperties: systemProperties)
        if let first = problems.first { throw first }
        return config
    }

    /// Every problem in the file, each with its line and key (`zkserver --check-config`), and the
    /// configuration as far as it could be read. `readFile` reads the dynamic configuration file.
    public static func check(text: String, path: String, systemProperties: [String: String] = [:],
                             readFile: (String) throws -> String = { try String(contentsOfFile: $0, encoding: .utf8) })
        -> (ZooConfig, [ParseError]) {
        var config = ZooConfig()
        config.path = path
        config.text = text
        config.systemProperties = systemProperties
        var problems: [ParseError] = []
        var keysInFile: Set<String> = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(rawLine.trimmingBlanks())
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                problems.append(ParseError(file: path, line: lineNumber, key: line, message: "expected key=value"))
                continue
            }
            let key = String(line[..<separator].trimmingBlanks())
            let value = String(line[line.index(after: separator)...].trimmingBlanks())
            keysInFile.insert(key)
            do {
                try config.apply(key: key, value: value, file: path, line: lineNumber)
            } catch {
                problems.append(error)
            }
        }
        if let dynamic = config.dynamicConfigFile {
            problems += config.readDynamicConfig(dynamic, readFile: readFile, path: path)
        }
        // System properties override nothing already set explicitly in the file, except the ones only Apache reads that way.
        // Apache turns a zoo.cfg admin.* line into the zookeeper.admin.* property, over any -D of it.
        for (key, value) in systemProperties.sorted(by: { $0.key < $1.key })
        where !(key.hasPrefix("zookeeper.admin.") && keysInFile.contains(String(key.dropFirst("zookeeper.".count)))) {
            switch key {
            case "zookeeper.DigestAuthenticationProvider.superDigest": config.superDigest = value
            case "zookeeper.extendedTypesEnabled": config.extendedTypesEnabled = value == "true"
            case "readonlymode.enabled": config.readOnlyModeEnabled = value == "true"
            case "zookeeper.4lw.commands.whitelist": config.fourLetterWhitelist = Self.whitelist(value)
            case "jute.maxbuffer": if let v = Int(value) { config.juteMaxBuffer = v }
            case "znode.container.checkIntervalMs": if let v = Int64(value) { config.containerCheckIntervalMs = v }
            case let tlsKey where tlsKey.hasPrefix("zookeeper.ssl.") && !keysInFile.contains(String(tlsKey.dropFirst("zookeeper.".count))):
                do {
                    let short = String(key.dropFirst("zookeeper.".count))
                    let fail = { (message: String) in ParseError(file: "-D\(key)", line: 0, key: key, message: message) }
                    if try !config.tls.apply(short, value, fail: fail) {
                        _ = try config.quorumTLS.apply(short, value, namespace: "ssl.quorum.", fail: fail)
                    }
                } catch {
                    problems.append(error)
                }
            case "zookeeper.globalOutstandingLimit" where !keysInFile.contains("globalOutstandingLimit"):
                if let v = Int(value), v > 0 { config.outstandingLimit = v }
            case "zookeeper.nio.sessionlessCnxnTimeout": if let v = Int64(value), v > 0 { config.sessionlessConnectionTimeoutMs = v }
            case "zookeeper.admin.enableServer": config.adminEnableServer = value == "true"
            case "zookeeper.admin.serverPort": if let v = Int(value) { config.adminServerPort = v }
            case "zookeeper.admin.serverAddress": config.adminServerAddress = value
            case "zookeeper.admin.commandURL": config.adminCommandURL = value
            default: break
            }
        }
        var zookeeperProperties = systemProperties.merging(config.fileSystemProperties) { _, file in file }
        if let scheme = config.tls.authProvider { zookeeperProperties["zookeeper.ssl.authProvider"] = scheme }
        let (auth, authProblems) = AuthConfig.resolve(zookeeperProperties, securePort: config.tls.secureClientPort != nil)
        config.auth = auth
        for (key, message) in config.readConnectionThrottle(zookeeperProperties) {
            problems.append(ParseError(file: path, line: 0, key: key, message: message))
        }
        for (key, message) in authProblems { problems.append(ParseError(file: path, line: 0, key: key, message: message)) }
        if config.dataDir.isEmpty {
            problems.append(ParseError(file: path, line: 0, key: "dataDir", message: "dataDir is not set"))
        }
        for message in config.tls.problems() {
            problems.append(ParseError(file: path, line: 0, key: "secureClientPort", message: message))
        }
        for message in config.resolveQuorumAuth() {
            problems.append(ParseError(file: path, line: 0, key: "quorum.auth.enableSasl", message: message))
        }
        if config.sslQuorum {
            for message in config.quorumTLS.quorumProblems() {
                problems.append(ParseError(file: path, line: 0, key: "sslQuorum", message: message))
            }
        }
        if config.dataLogDir.isEmpty { config.dataLogDir = config.dataDir }
        if config.readOnlyModeEnabled { config.fourLetterWhitelist.insert("isro") }
        return (config, problems)
    }

    /// zookeeper.connection_throttle_* (BlueThrottle's properties), as zoo.cfg keys or -D properties.
    mutating func readConnectionThrottle(_ properties: [String: String]) -> [(String, String)] {
        var problems: [(String, String)] = []
        func number<T: LosslessStringConvertible>(_ name: String, _ assign: (T) -> Void) {
            guard let text = properties["zookeeper.connection_throttle_" + name] else { return }
            if let v = T(String(text.trimmingBlanks())) { assign(v) } else { problems.append(("connection_throttle_" + name, "'\(text)' is not a number")) }
        }
        number("tokens") { (v: Int) in connectionThrottle.maxTokens = max(0, v) }
        number("fill_time") { (v: Int64) in connectionThrottle.fillTime = max(1, v) }
        number("fill_count") { (v: Int) in connectionThrottle.fillCount = max(0, v) }
        number("freeze_time") { (v: Int64) in connectionThrottle.freezeTime = v }
        number("drop_increase") { (v: Double) in connectionThrottle.dropIncrease = v }
        number("drop_decrease") { (v: Double) in connectionThrottle.dropDecrease = v }
        number("decrease_ratio") { (v: Double) in connectionThrottle.decreasePoint = v }
        return problems
    }

    /// Apache's QuorumPeerConfig checks of the quorum.auth.* keys, then the JAAS sections they name.
    mutating func resolveQuorumAuth() -> [String] {
        var found: [String] = []
        if !quorumAuth.enabled && quorumAuth.learnerRequireSasl {
            found.append("quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.learnerRequireSasl")
        }
        if !quorumAuth.enabled && quorumAuth.serverRequireSasl {
            found.append("quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.serverRequireSasl")
        }
        if !quorumAuth.learnerRequireSasl && quorumAuth.serverRequireSasl {
            found.append("quorum.auth.learnerRequireSasl is disabled, so cannot enable quorum.auth.serverRequireSasl")
        }
        guard quorumAuth.enabled else { return found }
        guard let jaas = auth.jaas else {
            return found + ["quorum.auth.enableSasl needs a JAAS file (-Djava.security.auth.login.config) with the \(quorumAuth.serverSection) and \(quorumAuth.learnerSection) sections"]
        }
        if jaas.sections[quorumAuth.serverSection] == nil {
            found.append("the JAAS file has no section named '\(quorumAuth.serverSection)' (quorum.auth.server.saslLoginContext)")
        }
        if jaas.sections[quorumAuth.learnerSection] == nil {
            found.append("the JAAS file has no section named '\(quorumAuth.learnerSection)' (quorum.auth.learner.saslLoginContext)")
        } else if let name = jaas.option("username", section: quorumAuth.learnerSection),
                  let password = jaas.option("password", section: quorumAuth.learnerSection) {
            quorumAuth.learnerUser = (name, password)
        } else {
            found.append("the JAAS section '\(quorumAuth.learnerSection)' needs username and password for DIGEST-MD5")
        }
        quorumAuth.serverUsers = jaas.digestUsers(section: quorumAuth.serverSection)
        return found
    }

    static func whitelist(_ value: String) -> Set<String> {
        Set(value.split(separator: ",").map { String($0.trimmingBlanks()) }.filter { !$0.isEmpty })
    }

    private mutating func apply(key: String, value: String, file: String, line: Int) throws(ParseError) {
        func int(_ v: String = value) throws(ParseError) -> Int {
            guard let n = Int(v) else { throw ParseError(file: file, line: line, key: key, message: "'\(v)' is not a number") }
            return n
        }
        func bool() throws(ParseError) -> Bool {
            switch value.lowercased() {
            case "true", "yes": return true
            case "false", "no": return false
            default: throw ParseError(file: file, line: line, key: key, message: "'\(value)' is not true or false")
            }
        }
        switch key {
        case "tickTime": tickTime = Int32(clamping: try int())
        case "initLimit": initLimit = try int()
        case "syncLimit": syncLimit = try int()
        case "dataDir": dataDir = value
        case "dataLogDir": dataLogDir = value
        case "clientPort": clientPort = try int()
        case "clientPortAddress": clientPortAddress = value
        case "maxClientCnxns": maxClientCnxns = try int()
        case "globalOutstandingLimit": outstandingLimit = max(1, try int())
        case "minSessionTimeout": minSessionTimeout = Int32(clamping: try int())
        case "maxSessionTimeout": maxSessionTimeout = Int32(clamping: try int())
        case "4lw.commands.whitelist": fourLetterWhitelist = Self.whitelist(value)
        case "extendedTypesEnabled", "zookeeper.extendedTypesEnabled": extendedTypesEnabled = try bool()
        case "jute.maxbuffer": juteMaxBuffer = try int()
        case "znode.container.checkIntervalMs": containerCheckIntervalMs = Int64(try int())
        case "readonlymode.enabled": readOnlyModeEnabled = try bool()
        case "reconfigEnabled": reconfigEnabled = try bool()
        case "standaloneEnabled": standaloneEnabled = try bool()
        case "dynamicConfigFile": dynamicConfigFile = value
        case "sslQuorum": sslQuorum = try bool()
        case "quorum.auth.enableSasl": quorumAuth.enabled = try bool()
        case "quorum.auth.learnerRequireSasl": quorumAuth.learnerRequireSasl = try bool()
        case "quorum.auth.serverRequireSasl": quorumAuth.serverRequireSasl = try bool()
        case "quorum.auth.learner.saslLoginContext": quorumAuth.learnerSection = value
        case "quorum.auth.server.saslLoginContext": quorumAuth.serverSection = value
        case "quorum.auth.kerberos.servicePrincipal", "quorum.cnxn.threads.size":
            break  // Kerberos and Apache's authentication thread pool: nothing for DIGEST-MD5 here
        case "peerType": peerType = value
        case "forceSync": forceSync = value.lowercased() != "no"
        case "snapCount": snapCount = try int()
        case "zxidCounterLimit": zxidCounterLimit = UInt32(clamping: max(1, try int()))
        case "autopurge.snapRetainCount": autopurgeSnapRetainCount = try int()
        case "autopurge.purgeInterval": autopurgePurgeInterval = try int()
        case "admin.enableServer": adminEnableServer = try bool()
        case "admin.serverAddress": adminServerAddress = value
        case "admin.serverPort": adminServerPort = try int()
        case "admin.commandURL": adminCommandURL = value
        case "metricsProvider.className":
            switch value {
            case "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider": prometheusEnabled = true
            case "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider": prometheusEnabled = false
            default: throw ParseError(file: file, line: line, key: key, message: "unknown metrics provider \(value)")
            }
        case "metricsProvider.httpHost": prometheusHost = value
        case "metricsProvider.httpPort": prometheusPort = try int()
        case "metricsProvider.exportJvmInfo", "metricsProvider.numWorkerThreads", "metricsProvider.maxQueueSize",
             "metricsProvider.workerShutdownTimeoutMs":
            break  // the JVM's metrics and Apache's worker pool: nothing to configure in zkserver
        default:
            let fail = { (message: String) in ParseError(file: file, line: line, key: key, message: message) }
            var isTLSKey = try tls.apply(key, value, fail: fail)
            if !isTLSKey { isTLSKey = try quorumTLS.apply(key, value, namespace: "ssl.quorum.", fail: fail) }
            if isTLSKey {
                return
            } else if Self.propertyKeys.contains(where: { key.hasPrefix($0) }) {
                fileSystemProperties["zookeeper." + key] = value
            } else if key.hasPrefix("server.") {
                staticServerLines.append((line, key))
                peers.append(try Self.parsePeer(key: key, value: value, file: file, line: line))
            } else if key.hasPrefix("group.") || key.hasPrefix("weight.") {
                warnings.append("\(file):\(line): \(key) (hierarchical quorums) is not supported yet; ignored")
            } else if Self.javaOnlyPrefixes.contains(where: { key.hasPrefix($0) }) {
                warnings.append("\(file):\(line): \(key) applies to Apache's Java server only; ignored")
            } else {
                warnings.append("\(file):\(line): unknown key \(key); ignored")
            }
        }
    }

    /// server.N=host:quorumPort:electionPort[:participant|:observer][;[clientHost:]clientPort]
    static func parsePeer(key: String, value: String, file: String, line: Int) throws(ParseError) -> QuorumServerSpec {
        guard let id = Int64(key.dropFirst("server.".count)) else {
            throw ParseError(file: file, line: line, key: key, message: "server id is not a number")
        }
        do {
            return try QuorumServerSpec(id: id, spec: value)
        } catch {
            throw ParseError(file: file, line: line, key: key, message: error.message)
        }
    }

    /// QuorumPeerConfig's reading of dynamicConfigFile: only server.N lines, no version inside (the name
    /// carries it), and then no server.N lines in zoo.cfg.
    mutating func readDynamicConfig(_ dynamic: String, readFile: (String) throws -> String, path: String) -> [ParseError] {
        var problems = staticServerLines.map {
            ParseError(file: path, line: $0.line, key: $0.key, message: "parameter: \($0.key) must be in a separate dynamic config file")
        }
        peers = []
        let text: String
        do {
            text = try readFile(dynamic)
        } catch {
            return problems + [ParseError(file: path, line: 0, key: "dynamicConfigFile", message: "Error processing \(dynamic): \(error)")]
        }
        if let dot = dynamic.lastIndex(of: "."), let version = Int64(dynamic[dynamic.index(after: dot)...], radix: 16) {
            configVersion = version
        }
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingBlanks()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                problems.append(ParseError(file: dynamic, line: lineNumber, key: String(line), message: "expected key=value"))
                continue
            }
            let key = String(line[..<separator].trimmingBlanks())
            let value = String(line[line.index(after: separator)...].trimmingBlanks())
            if key == "version" {
                problems.append(ParseError(file: dynamic, line: lineNumber, key: key, message: "dynamic file shouldn't have version inside"))
            } else if key.hasPrefix("server.") {
                do {
                    peers.append(try Self.parsePeer(key: key, value: value, file: dynamic, line: lineNumber))
                } catch {
                    problems.append(error)
                }
            } else if key.hasPrefix("group") || key.hasPrefix("weight") {
                warnings.append("\(dynamic):\(lineNumber): \(key) (hierarchical quorums) is not supported yet; ignored")
            } else {
                problems.append(ParseError(file: dynamic, line: lineNumber, key: key, message: "Unrecognised parameter: \(key)"))
            }
        }
        return problems
    }

    public var serverSettings: ServerSettings {
        var s = ServerSettings()
        s.tickTime = tickTime
        s.minSessionTimeout = minSessionTimeout
        s.maxSessionTimeout = maxSessionTimeout
        s.extendedTypesEnabled = extendedTypesEnabled
        s.superDigest = superDigest
        s.authProviders = auth.providers
        s.sasl = auth.sasl
        s.allowSaslFailedClients = auth.allowSaslFailedClients
        s.enforcedAuthSchemes = auth.enforcedSchemes
        s.x509SuperUser = auth.x509SuperUser
        s.connectionThrottle = connectionThrottle
        s.containerCheckIntervalMs = containerCheckIntervalMs
        s.sessionlessConnectionTimeoutMs = sessionlessConnectionTimeoutMs
        s.outstandingLimit = outstandingLimit
        s.reconfigEnabled = reconfigEnabled
        s.standaloneEnabled = standaloneEnabled
        s.serverId = serverId
        return s
    }
}

