import NIOCore
import NIOSSL
@_exported import ZKTLS

/// TLS to the servers' secure client port, as Apache's client with `zookeeper.client.secure=true`: a trust
/// store or CA file to check the server by, and a certificate to show if the server asks (ssl.clientAuth).
public struct ClientTLS: Sendable, Hashable {
    public enum Identity: Sendable, Hashable {
        case none
        /// A PEM certificate chain and a PEM private key (unencrypted), as two files.
        case pem(certificate: String, key: String)
        /// zookeeper.ssl.keyStore.*: JKS, PKCS12 or PEM.
        case keyStore(KeyStoreFile)
    }

    public enum Trust: Sendable, Hashable {
        /// The system's CA certificates, as Java's client without a trust store.
        case system
        /// CA certificates in a PEM file.
        case pem(String)
        /// zookeeper.ssl.trustStore.*.
        case trustStore(KeyStoreFile)
    }

    public var identity: Identity
    public var trust: Trust
    /// zookeeper.ssl.hostnameVerification (Apache's default true): the server's certificate must name the
    /// host connected to.
    public var verifyHostname: Bool

    public init(identity: Identity = .none, trust: Trust = .system, verifyHostname: Bool = true) {
        self.identity = identity; self.trust = trust; self.verifyHostname = verifyHostname
    }

    /// The context every connection of a client shares; throws naming the file that cannot be used.
    func makeContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        let shown: (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)? = switch identity {
        case .none: nil
        case .pem(let certificate, let key): try KeyStores.identity(certificatePEM: certificate, keyPEM: key)
        case .keyStore(let store): try KeyStores.identity(store, role: "zookeeper.ssl.keyStore")
        }
        if let shown {
            tls.certificateChain = shown.chain.map { .certificate($0) }
            tls.privateKey = .privateKey(shown.key)
        }
        switch trust {
        case .system: break
        case .pem(let path): tls.trustRoots = .certificates(try KeyStores.trusted(KeyStoreFile(location: path, type: "PEM")))
        case .trustStore(let store): tls.trustRoots = .certificates(try KeyStores.trusted(store, role: "zookeeper.ssl.trustStore"))
        }
        tls.certificateVerification = verifyHostname ? .fullVerification : .noHostnameVerification
        return try NIOSSLContext(configuration: tls)
    }
}
