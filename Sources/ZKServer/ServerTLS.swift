import Foundation
import NIOSSL
import ZKSecurity

/// The TLS context of the secure client port, from Apache's key and trust stores (JKS, PKCS12 or PEM).
enum ServerTLS {
    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    static func context(_ config: ClientTLSConfig) throws -> NIOSSLContext {
        guard let keyStore = config.keyStore, !keyStore.location.isEmpty else {
            throw LoadError(description: "secureClientPort needs ssl.keyStore.location")
        }
        let identity = try loadIdentity(keyStore)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: identity.chain.map { .certificate($0) },
                                                           privateKey: .privateKey(identity.key))
        // Without a trust store Java trusts the JDK's CA certificates; here, the system's.
        if let trustStore = config.trustStore, !trustStore.location.isEmpty {
            tls.trustRoots = .certificates(try loadTrusted(trustStore))
        }
        switch config.clientAuth {
        case .none: tls.certificateVerification = .none
        case .want: tls.certificateVerification = .optionalVerification
        // Apache checks a client's certificate against the trust store, never the client's hostname.
        case .need: tls.certificateVerification = .noHostnameVerification
        }
        let protocols = Set(config.protocols)
        tls.minimumTLSVersion = protocols.contains("TLSv1.2") ? .tlsv12 : .tlsv13
        tls.maximumTLSVersion = protocols.contains("TLSv1.3") ? .tlsv13 : .tlsv12
        if !config.cipherSuites.isEmpty {
            let known = config.cipherSuites.compactMap(TLSCipherNames.cipher(named:))
            guard !known.isEmpty else {
                throw LoadError(description: "none of ssl.ciphersuites (\(config.cipherSuites.joined(separator: ","))) is one zkserver offers")
            }
            tls.cipherSuiteValues = known
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw LoadError(description: "cannot set up TLS with \(keyStore.location): \(error)")
        }
    }

    static func read(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "cannot read the \(what) \(path)")
        }
        return Array(data)
    }

    static func loadIdentity(_ store: ClientTLSConfig.Store) throws -> (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        let bytes = try read(store.location, what: "key store")
        let password = store.password ?? ""
        return try naming("key store \(store.location)") {
            switch ClientTLSConfig.StoreType.of(store.type, path: store.location) {
            case .jks:
                let jks = try JavaKeyStore(bytes: bytes, password: password)
                guard let entry = jks.privateKeys.first else { throw LoadError(description: "it holds no private key") }
                return (try entry.certificateChainDER.map { try NIOSSLCertificate(bytes: $0, format: .der) },
                        try NIOSSLPrivateKey(bytes: entry.privateKeyDER, format: .der))
            case .pkcs12:
                let bundle = try NIOSSLPKCS12Bundle(buffer: bytes, passphrase: Array(password.utf8))
                return (bundle.certificateChain, bundle.privateKey)
            case .pem:
                let chain = try NIOSSLCertificate.fromPEMBytes(bytes)
                let key = password.isEmpty
                    ? try NIOSSLPrivateKey(bytes: bytes, format: .pem)
                    : try NIOSSLPrivateKey(bytes: bytes, format: .pem) { give in give(Array(password.utf8)) }
                return (chain, key)
            case nil:
                throw LoadError(description: "its type is unknown (ssl.keyStore.type: JKS, PKCS12 or PEM)")
            }
        }
    }

    static func loadTrusted(_ store: ClientTLSConfig.Store) throws -> [NIOSSLCertificate] {
        let bytes = try read(store.location, what: "trust store")
        return try naming("trust store \(store.location)") {
            switch ClientTLSConfig.StoreType.of(store.type, path: store.location) {
            case .jks:
                // Java's trust manager takes the trusted certificates and the key entries' own certificates.
                let jks = try JavaKeyStore(bytes: bytes, password: store.password, keysToo: false)
                let ders = jks.trustedCertificates.map(\.certificateDER) + jks.privateKeys.compactMap(\.certificateChainDER.first)
                return try ders.map { try NIOSSLCertificate(bytes: $0, format: .der) }
            case .pkcs12:
                return try NIOSSLPKCS12Bundle(buffer: bytes, passphrase: Array((store.password ?? "").utf8)).certificateChain
            case .pem:
                return try NIOSSLCertificate.fromPEMBytes(bytes)
            case nil:
                throw LoadError(description: "its type is unknown (ssl.trustStore.type: JKS, PKCS12 or PEM)")
            }
        }
    }

    /// Runs `body`, its failure told as a LoadError that starts with `what`.
    static func naming<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as LoadError {
            throw LoadError(description: "\(what): \(error.description)")
        } catch {
            throw LoadError(description: "\(what): \(error)")
        }
    }
}
