import ZKDataTree
import ZKProtocol

/// What the core needs of the configuration (zoo.cfg is parsed by the I/O shell).
public struct ServerSettings: Sendable {
    public var serverId: Int64 = 0
    public var tickTime: Int32 = 3000
    public var minSessionTimeout: Int32 = -1
    public var maxSessionTimeout: Int32 = -1
    public var extendedTypesEnabled = false
    /// "super:<base64 sha1>" as zookeeper.DigestAuthenticationProvider.superDigest.
    public var superDigest: String?
    /// ACL schemes with providers beyond ip and digest (authProvider.N, ssl.authProvider).
    public var authProviders = AuthProviders()
    /// Client SASL: nil without a JAAS `Server` section (Apache then has no SaslServer for connections).
    public var sasl: SASLSettings?
    /// zookeeper.X509AuthenticationProvider.superUser: the certificate subject that is also super.
    public var x509SuperUser: String?
    /// zookeeper.allowSaslFailedClients: a failed SASL exchange leaves the connection open.
    public var allowSaslFailedClients = false
    /// enforce.auth.enabled with enforce.auth.schemes (or sessionRequireClientSASLAuth, which means
    /// "sasl"): a request from a connection with no id of these schemes closes it. Empty = not enforced.
    public var enforcedAuthSchemes: Set<String> = []
    /// zookeeper.connection_throttle_*: Apache's token bucket for session requests (off unless tokens > 0).
    public var connectionThrottle = ConnectionThrottle.Settings()
    public var containerCheckIntervalMs: Int64 = 60_000
    /// Containers that never had a child are deleted after this long; 0 = never (Apache's default).
    public var containerMaxNeverUsedIntervalMs: Int64 = 0
    public var reconfigEnabled = false
    /// zoo.cfg's standaloneEnabled: with it, a reconfiguration must leave at least two voters.
    public var standaloneEnabled = true
    /// How long a connection may stay without a session (zookeeper.nio.sessionlessCnxnTimeout, Apache's 10 s).
    public var sessionlessConnectionTimeoutMs: Int64 = 10_000
    /// globalOutstandingLimit (Apache's 1000): past this many requests outstanding, a connection is not
    /// read until half are answered. Apache counts them server-wide and then throttles every connection
    /// with one outstanding; counting per connection stops the one flooding and leaves the others be.
    public var outstandingLimit = 1000
    public var version = "3.8.0-zkswift"

    public init() {}

    public var effectiveMinSessionTimeout: Int32 { minSessionTimeout == -1 ? tickTime * 2 : minSessionTimeout }
    public var effectiveMaxSessionTimeout: Int32 { maxSessionTimeout == -1 ? tickTime * 20 : maxSessionTimeout }

    public func negotiate(_ requested: Int32) -> Int32 {
        min(max(requested, effectiveMinSessionTimeout), effectiveMaxSessionTimeout)
    }
}

/// The DIGEST-MD5 users of the JAAS `Server` section and Apache's super-user properties.
public struct SASLSettings: Sendable, Equatable {
    /// user_NAME="password" entries of DigestLoginModule.
    public var users: [String: String]
    /// zookeeper.superUser and zookeeper.superUser.*: SASL ids that are also super.
    public var superUsers: Set<String>
    /// zookeeper.SASLAuthenticationProvider.superPassword: the password of user "super" over the file's
    /// (Apache applies it only when the file has a user_super too).
    public var superPassword: String?

    public init(users: [String: String], superUsers: Set<String> = [], superPassword: String? = nil) {
        self.users = users; self.superUsers = superUsers; self.superPassword = superPassword
    }

    public func password(of user: String) -> String? {
        guard let password = users[user] else { return nil }
        if user == "super", let superPassword { return superPassword }
        return password
    }
}

/// Time as the shell sees it; the core never reads a clock.
public struct Now: Sendable {
    /// Monotonic milliseconds, for expiry.
    public var monotonicMillis: Int64
    /// Wall-clock milliseconds since the epoch, for ctime/mtime and session ids.
    public var wallMillis: Int64
    public init(monotonicMillis: Int64, wallMillis: Int64) { self.monotonicMillis = monotonicMillis; self.wallMillis = wallMillis }
}
