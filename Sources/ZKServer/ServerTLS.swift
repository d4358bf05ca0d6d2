import Foundation
import NIOSSL
import ZKTLS

/// The TLS context of the secure client port, from Apache's key and trust stores (JKS, PKCS12 or PEM).
enum ServerTLS {
    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    static func context(_ config: ClientTLSConfig) throws -> NIOSSLContext {
        guard let keyStore = config.keyStore, !keyStore.location.isEmpty else {
            throw LoadError(description: "secureClientPort needs ssl.keyStore.location")
        }
        let identity = try KeyStores.identity(keyStore)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: identity.chain.map { .certificate($0) },
                                                           privateKey: .privateKey(identity.key))
        // Without a trust store Java trusts the JDK's CA certificates; here, the system's.
        if let trustStore = config.trustStore, !trustStore.location.isEmpty {
            tls.trustRoots = .certificates(try KeyStores.trusted(trustStore))
        }
        tls.certificateVerification = acceptorVerification(config.clientAuth)
        try limit(&tls, to: config, keys: "ssl")
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw LoadError(description: "cannot set up TLS with \(keyStore.location): \(error)")
        }
    }

    /// sslQuorum: every member both accepts (requiring the dialler's certificate, as Apache's quorum
    /// clientAuth default) and dials with its own certificate, each checked by the trust store.
    struct Quorum {
        var server: NIOSSLContext
        var client: NIOSSLContext
        var verifyHostname: Bool
    }

    static func quorumContexts(_ config: ClientTLSConfig) throws -> Quorum {
        guard let keyStore = config.keyStore, let trustStore = config.trustStore else {
            throw LoadError(description: "sslQuorum=true needs ssl.quorum.keyStore and ssl.quorum.trustStore")
        }
        let identity = try KeyStores.identity(keyStore, role: "ssl.quorum.keyStore")
        let trusted = try KeyStores.trusted(trustStore, role: "ssl.quorum.trustStore")
        var server = TLSConfiguration.makeServerConfiguration(certificateChain: identity.chain.map { .certificate($0) },
                                                              privateKey: .privateKey(identity.key))
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateChain = identity.chain.map { .certificate($0) }
        client.privateKey = .privateKey(identity.key)
        server.trustRoots = .certificates(trusted)
        client.trustRoots = .certificates(trusted)
        server.certificateVerification = acceptorVerification(config.clientAuth)
        client.certificateVerification = config.hostnameVerification ? .fullVerification : .noHostnameVerification
        try limit(&server, to: config, keys: "ssl.quorum")
        try limit(&client, to: config, keys: "ssl.quorum")
        do {
            return Quorum(server: try NIOSSLContext(configuration: server), client: try NIOSSLContext(configuration: client),
                          verifyHostname: config.hostnameVerification)
        } catch {
            throw LoadError(description: "cannot set up quorum TLS with \(keyStore.location): \(error)")
        }
    }

    /// ssl.clientAuth on the accepting side. Apache checks a peer's certificate against the trust store,
    /// never the peer's hostname.
    private static func acceptorVerification(_ clientAuth: ClientTLSConfig.ClientAuth) -> CertificateVerification {
        switch clientAuth {
        case .none: return .none
        case .want: return .optionalVerification
        case .need: return .noHostnameVerification
        }
    }

    /// The protocol versions and cipher suites `config` allows (`keys` names them in errors).
    private static func limit(_ tls: inout TLSConfiguration, to config: ClientTLSConfig, keys: String) throws {
        let protocols = Set(config.protocols)
        tls.minimumTLSVersion = protocols.contains("TLSv1.2") ? .tlsv12 : .tlsv13
        tls.maximumTLSVersion = protocols.contains("TLSv1.3") ? .tlsv13 : .tlsv12
        guard !config.cipherSuites.isEmpty else { return }
        let known = config.cipherSuites.compactMap(TLSCipherNames.cipher(named:))
        guard !known.isEmpty else {
            throw LoadError(description: "none of \(keys).ciphersuites (\(config.cipherSuites.joined(separator: ","))) is one zkserver offers")
        }
        tls.cipherSuiteValues = known
    }
}
