/// One server address of a connect string.
public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    /// A host name or IP address; an IPv6 literal without brackets.
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The address `host` at `port`.
    public init(host: String, port: Int) { self.host = host; self.port = port }
    /// "host:port", with IPv6 literals in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// "host:port[,host:port...][/chroot]", parsed as Apache's ConnectStringParser does: the chroot starts at the
/// first "/", a missing port means 2181, a chroot of "/" means none.
public struct ConnectString: Hashable, Sendable {
    /// The port of a host given without one: ZooKeeper's client port, 2181.
    public static let defaultPort = 2181
    /// The servers, in the order written.
    public var hosts: [HostPort]
    /// The chroot without a trailing slash, or nil.
    public var chroot: String?

    /// A connect string of these parts, taken as they are (not validated).
    public init(hosts: [HostPort], chroot: String? = nil) { self.hosts = hosts; self.chroot = chroot }

    /// Parses "host:port[,host:port...][/chroot]". Blanks around entries and empty entries are skipped; an IPv6
    /// address takes a port only in brackets ("[::1]:2181").
    ///
    /// - Throws: `ZooKeeperError` with `.badArguments` (and the string as `path`) when there is no host, an entry
    ///   is malformed (empty host, port not in 0...65535, unclosed bracket), or the chroot has an empty, "." or
    ///   ".." segment or a trailing slash.
    public init(parsing string: String) throws(ZooKeeperError) {
        let invalid = ZooKeeperError(code: .badArguments, path: string)
        var hostPart = Substring(string)
        var chroot: String?
        if let slash = string.firstIndex(of: "/") {
            hostPart = string[..<slash]
            let path = String(string[slash...])
            if path != "/" {
                guard Self.isValidChroot(path) else { throw invalid }
                chroot = path
            }
        }
        var hosts: [HostPort] = []
        for entry in hostPart.split(separator: ",", omittingEmptySubsequences: true) {
            let trimmed = entry.trimmingBlanks()
            guard !trimmed.isEmpty else { continue }
            guard let hostPort = Self.parseHost(trimmed) else { throw invalid }
            hosts.append(hostPort)
        }
        guard !hosts.isEmpty else { throw invalid }
        self.hosts = hosts
        self.chroot = chroot
    }

    static func parseHost(_ s: Substring) -> HostPort? {
        if s.hasPrefix("[") {  // [v6]:port
            guard let close = s.firstIndex(of: "]") else { return nil }
            let host = String(s[s.index(after: s.startIndex)..<close])
            let rest = s[s.index(after: close)...]
            if rest.isEmpty { return HostPort(host: host, port: defaultPort) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
            return HostPort(host: host, port: port)
        }
        let colons = s.filter { $0 == ":" }.count
        if colons == 0 { return HostPort(host: String(s), port: defaultPort) }
        if colons > 1 { return HostPort(host: String(s), port: defaultPort) }  // bare IPv6 literal
        let colon = s.firstIndex(of: ":")!
        let host = s[..<colon]
        guard !host.isEmpty, let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        return HostPort(host: String(host), port: port)
    }

    /// A chroot is an absolute path without empty, "." or ".." segments and without a trailing slash.
    static func isValidChroot(_ path: String) -> Bool {
        guard path.hasPrefix("/"), !path.hasSuffix("/") else { return false }
        for segment in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty || segment == "." || segment == ".." || segment.contains("\u{0}") { return false }
        }
        return true
    }
}

/// Apache's prependChroot and the stripping of server paths, for one chroot.
struct Chroot: Sendable, Hashable {
    /// nil or an absolute path without trailing slash.
    var prefix: String?

    init(_ prefix: String?) { self.prefix = prefix }

    /// The server path of a client path: "/" maps to the chroot itself.
    func serverPath(_ clientPath: String) -> String {
        guard let prefix else { return clientPath }
        return clientPath == "/" ? prefix : prefix + clientPath
    }

    /// The client path of a server path; paths outside the chroot (such as /zookeeper/config) stay as they are.
    func clientPath(_ serverPath: String) -> String {
        guard let prefix else { return serverPath }
        if serverPath == prefix { return "/" }
        let server = serverPath.utf8, root = prefix.utf8
        guard server.count > root.count, server.starts(with: root),
              server[server.index(server.startIndex, offsetBy: root.count)] == UInt8(ascii: "/")
        else { return serverPath }
        return String(decoding: server.dropFirst(root.count), as: UTF8.self)
    }
}
