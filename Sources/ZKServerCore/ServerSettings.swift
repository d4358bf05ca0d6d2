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
    public var containerCheckIntervalMs: Int64 = 60_000
    /// Containers that never had a child are deleted after this long; 0 = never (Apache's default).
    public var containerMaxNeverUsedIntervalMs: Int64 = 0
    public var reconfigEnabled = false
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

/// Time as the shell sees it; the core never reads a clock.
public struct Now: Sendable {
    /// Monotonic milliseconds, for expiry.
    public var monotonicMillis: Int64
    /// Wall-clock milliseconds since the epoch, for ctime/mtime and session ids.
    public var wallMillis: Int64
    public init(monotonicMillis: Int64, wallMillis: Int64) { self.monotonicMillis = monotonicMillis; self.wallMillis = wallMillis }
}
