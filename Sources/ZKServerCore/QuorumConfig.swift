import ZKProtocol

/// Why a server line or a configuration does not parse; `message` is Apache's wording where it has one.
public struct QuorumConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One member as a `server.N=` line gives it, read as Apache's QuorumPeer.QuorumServer reads it:
/// `host:quorumPort:electionPort[:participant|:observer][;[clientHost:]clientPort]`.
public struct QuorumServerSpec: Sendable, Hashable {
    public var id: Int64
    public var host: String
    public var quorumPort: Int
    public var electionPort: Int
    public var observer: Bool
    public var clientHost: String?
    public var clientPort: Int?

    public init(id: Int64, host: String, quorumPort: Int, electionPort: Int, observer: Bool = false,
                clientHost: String? = nil, clientPort: Int? = nil) {
        self.id = id
        self.host = host
        self.quorumPort = quorumPort
        self.electionPort = electionPort
        self.observer = observer
        self.clientHost = clientHost
        self.clientPort = clientPort
    }

    static let wrongFormat = " does not have the form server_config or server_config;client_config where server_config is "
        + "the pipe separated list of host:port:port or host:port:port:type and client_config is port or host:port"

    public init(id: Int64, spec: String) throws(QuorumConfigError) {
        let halves = spec.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { throw QuorumConfigError(spec + Self.wrongFormat) }
        let parts = halves[0].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts.count <= 4 else { throw QuorumConfigError(spec + Self.wrongFormat) }
        guard let quorumPort = Int(parts[1]), (0...65535).contains(quorumPort) else {
            throw QuorumConfigError("Address unresolved: \(parts[0]):\(parts[1])")
        }
        guard let electionPort = Int(parts[2]), (0...65535).contains(electionPort) else {
            throw QuorumConfigError("Address unresolved: \(parts[0]):\(parts[2])")
        }
        self.init(id: id, host: parts[0], quorumPort: quorumPort, electionPort: electionPort)
        if parts.count == 4 {
            switch parts[3] {
            case "observer": observer = true
            case "participant": break
            default: throw QuorumConfigError("Unrecognised peertype: \(parts[3])")
            }
        }
        if halves.count == 2 {
            let client = halves[1].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard client.count <= 2 else { throw QuorumConfigError(spec + Self.wrongFormat) }
            guard let port = Int(client[client.count - 1]), (0...65535).contains(port) else {
                throw QuorumConfigError("Address unresolved: \(client.count == 2 ? client[0] : "0.0.0.0"):\(client[client.count - 1])")
            }
            clientPort = port
            if client.count == 2 { clientHost = client[0] }
        }
    }

    /// As QuorumServer.toString writes it, the form /zookeeper/config and the dynamic file hold.
    public var text: String {
        let client = clientPort.map { ";\(clientHost ?? "0.0.0.0"):\($0)" } ?? ""
        return "\(host):\(quorumPort):\(electionPort):\(observer ? "observer" : "participant")\(client)"
    }
}

/// An ensemble's membership with its version: Apache's QuorumMaj, whose text (`server.N=` lines in id
/// order, then `version=` in hex) is /zookeeper/config and the dynamic config file.
public struct QuorumConfig: Sendable, Hashable {
    public var servers: [Int64: QuorumServerSpec]
    /// The zxid of the reconfiguration that made it; 0 for a configuration from zoo.cfg alone.
    public var version: Int64

    public init(servers: [Int64: QuorumServerSpec], version: Int64) {
        self.servers = servers
        self.version = version
    }

    /// Reads QuorumVerifier text or a dynamic config file: `server.N=` lines and an optional `version=`.
    public init(text: String) throws(QuorumConfigError) {
        var servers: [Int64: QuorumServerSpec] = [:]
        var version: Int64 = 0
        for (key, value) in try Self.properties(text) {
            if key == "version" {
                guard let v = Int64(value, radix: 16) else { throw QuorumConfigError("version is not hexadecimal: \(value)") }
                version = v
            } else if key.hasPrefix("server.") {
                guard let id = Int64(key.dropFirst("server.".count)) else { throw QuorumConfigError("\(key): server id is not a number") }
                servers[id] = try QuorumServerSpec(id: id, spec: value)
            } else {
                throw QuorumConfigError("Unrecognised parameter: \(key)")
            }
        }
        self.init(servers: servers, version: version)
    }

    public var participants: Set<Int64> { Set(servers.values.filter { !$0.observer }.map(\.id)) }
    public var observers: Set<Int64> { Set(servers.values.filter(\.observer).map(\.id)) }

    public var memberLines: [String] { servers.keys.sorted().map { "server.\($0)=\(servers[$0]!.text)" } }

    public var text: String { (memberLines + ["version=\(String(version, radix: 16))"]).joined(separator: "\n") }

    /// Java Properties lines as QuorumPeerConfig loads them: `key=value`, `key:value` or `key value`, blank
    /// lines and `#`/`!` comments skipped, keys and values trimmed.
    static func properties(_ text: String) throws(QuorumConfigError) -> [(String, String)] {
        var result: [(String, String)] = []
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.trimmingBlanks()
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix("!") else { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" || $0 == " " || $0 == "\t" }) else {
                result.append((String(line), ""))
                continue
            }
            let key = String(line[..<separator])
            var rest = line[line.index(after: separator)...].trimmingBlanks()
            if line[separator] == " " || line[separator] == "\t", let first = rest.first, first == "=" || first == ":" {
                rest = rest.dropFirst().trimmingBlanks()
            }
            result.append((key, String(rest)))
        }
        return result
    }
}
