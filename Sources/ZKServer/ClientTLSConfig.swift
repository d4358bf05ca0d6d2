import ZKServerCore

/// TLS for clients as Apache's X509Util configures it: `secureClientPort` and the `ssl.*` keys, in zoo.cfg
/// or as -Dzookeeper.ssl.* system properties (Apache turns the one into the other).
public struct ClientTLSConfig: Sendable, Equatable {
    public enum StoreType: String, Sendable, Equatable {
        case jks = "JKS", pkcs12 = "PKCS12", pem = "PEM"

        /// Apache's KeyStoreFileType.fromPropertyValueOrFileName: the type given, else the file's extension.
        static func of(_ given: String?, path: String) -> StoreType? {
            if let given, !given.isEmpty { return StoreType(rawValue: given.uppercased()) }
            let lower = path.lowercased()
            if lower.hasSuffix(".jks") { return .jks }
            if lower.hasSuffix(".p12") || lower.hasSuffix(".pkcs12") || lower.hasSuffix(".pfx") { return .pkcs12 }
            if lower.hasSuffix(".pem") || lower.hasSuffix(".crt") { return .pem }
            return nil
        }
    }

    /// ssl.clientAuth: whether a client must show a certificate (Apache's default is need).
    public enum ClientAuth: String, Sendable, Equatable { case none, want, need }

    public struct Store: Sendable, Equatable {
        public var location: String
        public var password: String?
        public var type: String?
    }

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

    public init() {}

    public var enabled: Bool { secureClientPort != nil || portUnification }

    /// What ssl.protocol/ssl.enabledProtocols allow, as Apache's default: with TLSv1.3, TLSv1.2 too.
    public var protocols: [String] {
        if !enabledProtocols.isEmpty { return enabledProtocols }
        return protocolName == "TLSv1.3" ? ["TLSv1.3", "TLSv1.2"] : [protocolName]
    }

    /// Takes one key if it is a client TLS key (without the "zookeeper." of its system property form);
    /// returns false for any other key. `fail` builds the error for a bad value.
    mutating func apply<E: Error>(_ key: String, _ value: String, fail: (String) -> E) throws(E) -> Bool {
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
        case "client.portUnification":
            switch value.lowercased() {
            case "true": portUnification = true
            case "false": portUnification = false
            default: throw fail("'\(value)' is not true or false")
            }
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
        if portUnification {
            found.append("client.portUnification (TLS and plain clients on one port) is not supported yet: use secureClientPort")
        }
        if keyStore == nil || keyStore!.location.isEmpty {
            found.append("secureClientPort is set but ssl.keyStore.location is not: the server has no certificate to offer")
        }
        for store in [keyStore, trustStore].compactMap({ $0 }) where !store.location.isEmpty {
            if StoreType.of(store.type, path: store.location) == nil {
                found.append("cannot tell the type of \(store.location): give ssl.keyStore.type or ssl.trustStore.type (JKS, PKCS12 or PEM)")
            }
        }
        for name in protocols where !["TLSv1.2", "TLSv1.3"].contains(name) {
            found.append("TLS protocol \(name) is not offered (TLSv1.2 and TLSv1.3 are)")
        }
        return found
    }
}
