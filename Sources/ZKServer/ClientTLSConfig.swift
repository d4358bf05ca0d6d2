import ZKServerCore
import ZKTLS

/// TLS for clients as Apache's X509Util configures it: `secureClientPort` and the `ssl.*` keys, in zoo.cfg
/// or as -Dzookeeper.ssl.* system properties (Apache turns the one into the other).
public struct ClientTLSConfig: Sendable, Equatable {
    public typealias StoreType = KeyStoreType
    public typealias Store = KeyStoreFile

    /// ssl.clientAuth: whether a client must show a certificate (Apache's default is need).
    public enum ClientAuth: String, Sendable, Equatable { case none, want, need }

    public var secureClientPort: Int?
    /// Where the secure port listens; unset, on every address, as Apache.
    public var secureClientPortAddress: String?
    public var keyStore: Store?
    public var trustStore: Store?
    public var clientAuth: ClientAuth = .need
    /// ssl.protocol and ssl.enabledProtocols (Java's names: TLSv1.2, TLSv1.3).
    public var protocolName = "TLSv1.3"
    public var enabledProtocols: [String] = []
    /// ssl.ciphersuites, by their IANA names as Java takes them; empty for the library's defaults.
    public var cipherSuites: [String] = []
    /// client.portUnification: TLS and plain clients on clientPort alike.
    public var portUnification = false
    /// ssl.authProvider: the scheme a client certificate authenticates with (x509, the only one offered).
    public var authProvider: String?
    /// ssl.quorum.hostnameVerification (Apache's default true): a member's certificate must name the address
    /// dialled. Client certificates are never checked against a hostname.
    public var hostnameVerification = true

    public init() {}

    public var enabled: Bool { secureClientPort != nil || portUnification }

    /// What ssl.protocol/ssl.enabledProtocols allow, as Apache's default: with TLSv1.3, TLSv1.2 too.
    public var protocols: [String] {
        if !enabledProtocols.isEmpty { return enabledProtocols }
        return protocolName == "TLSv1.3" ? ["TLSv1.3", "TLSv1.2"] : [protocolName]
    }

    /// Takes one key if it is a client TLS key (without the "zookeeper." of its system property form);
    /// returns false for any other key. `fail` builds the error for a bad value. With `namespace`
    /// "ssl.quorum." it takes the quorum's keys (ssl.quorum.keyStore.location, ...) instead.
    mutating func apply<E: Error>(_ fullKey: String, _ value: String, namespace: String = "ssl.", fail: (String) -> E) throws(E) -> Bool {
        let key: String
        if namespace == "ssl." {
            key = fullKey
        } else {
            guard fullKey.hasPrefix(namespace) else { return false }
            key = "ssl." + fullKey.dropFirst(namespace.count)
        }
        func bool() throws(E) -> Bool {
            switch value.lowercased() {
            case "true": return true
            case "false": return false
            default: throw fail("'\(value)' is not true or false")
            }
        }
        func list() -> [String] { value.split(separator: ",").map { String($0.trimmingBlanks()) }.filter { !$0.isEmpty } }
        func store(_ current: Store?) -> Store { current ?? Store(location: "") }
        switch key {
        case "secureClientPort":
            guard let port = Int(value), (0...65535).contains(port) else { throw fail("'\(value)' is not a port") }
            secureClientPort = port
        case "secureClientPortAddress": secureClientPortAddress = value
        case "ssl.keyStore.location": keyStore = store(keyStore); keyStore!.location = value
        case "ssl.keyStore.password": keyStore = store(keyStore); keyStore!.password = value
        case "ssl.keyStore.type": keyStore = store(keyStore); keyStore!.type = value
        case "ssl.trustStore.location": trustStore = store(trustStore); trustStore!.location = value
        case "ssl.trustStore.password": trustStore = store(trustStore); trustStore!.password = value
        case "ssl.trustStore.type": trustStore = store(trustStore); trustStore!.type = value
        case "ssl.clientAuth":
            guard let auth = ClientAuth(rawValue: value.lowercased()) else { throw fail("'\(value)' is not none, want or need") }
            clientAuth = auth
        case "ssl.protocol": protocolName = value
        case "ssl.enabledProtocols": enabledProtocols = list()
        case "ssl.ciphersuites": cipherSuites = list()
        case "client.portUnification": portUnification = try bool()
        case "ssl.hostnameVerification" where namespace != "ssl.": hostnameVerification = try bool()
        case "ssl.authProvider" where namespace == "ssl.": authProvider = value
        case "ssl.hostnameVerification", "ssl.crl", "ssl.ocsp", "ssl.handshakeDetectionTimeoutMillis",
             "ssl.sslProvider", "ssl.context.supplier.class", "ssl.authProvider":
            // Apache checks no client's hostname (ClientX509Util.shouldVerifyClientHostname); CRL and OCSP
            // checks, the JSSE provider and handshake detection have no counterpart here.
            break
        default:
            return false
        }
        return true
    }

    /// What is missing or wrong once every key is read, in Apache's words where it has them.
    func problems() -> [String] {
        guard enabled else { return [] }
        var found: [String] = []
        if keyStore == nil || keyStore!.location.isEmpty {
            found.append("secureClientPort is set but ssl.keyStore.location is not: the server has no certificate to offer")
        }
        return found + storeAndProtocolProblems(keys: "ssl")
    }

    /// What sslQuorum=true lacks: each member shows its certificate and checks the others' by its trust store.
    func quorumProblems() -> [String] {
        var found: [String] = []
        if keyStore == nil || keyStore!.location.isEmpty { found.append("sslQuorum=true needs ssl.quorum.keyStore.location") }
        if trustStore == nil || trustStore!.location.isEmpty { found.append("sslQuorum=true needs ssl.quorum.trustStore.location") }
        return found + storeAndProtocolProblems(keys: "ssl.quorum")
    }

    private func storeAndProtocolProblems(keys prefix: String) -> [String] {
        var found: [String] = []
        for store in [keyStore, trustStore].compactMap({ $0 }) where !store.location.isEmpty {
            if StoreType.of(store.type, path: store.location) == nil {
                found.append("cannot tell the type of \(store.location): give \(prefix).keyStore.type or \(prefix).trustStore.type (JKS, PKCS12 or PEM)")
            }
        }
        for name in protocols where !["TLSv1.2", "TLSv1.3"].contains(name) {
            found.append("TLS protocol \(name) is not offered (TLSv1.2 and TLSv1.3 are)")
        }
        return found
    }
}
