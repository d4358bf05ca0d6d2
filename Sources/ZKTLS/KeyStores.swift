import Foundation
import NIOSSL
import ZKSecurity

/// The key and trust store formats Apache's X509Util reads: JKS, PKCS12 and PEM.
public enum KeyStoreType: String, Sendable, Equatable {
    case jks = "JKS", pkcs12 = "PKCS12", pem = "PEM"

    /// Apache's KeyStoreFileType.fromPropertyValueOrFileName: the type given, else the file's extension.
    public static func of(_ given: String?, path: String) -> KeyStoreType? {
        if let given, !given.isEmpty { return KeyStoreType(rawValue: given.uppercased()) }
        let lower = path.lowercased()
        if lower.hasSuffix(".jks") { return .jks }
        if lower.hasSuffix(".p12") || lower.hasSuffix(".pkcs12") || lower.hasSuffix(".pfx") { return .pkcs12 }
        if lower.hasSuffix(".pem") || lower.hasSuffix(".crt") { return .pem }
        return nil
    }
}

/// A key or trust store as Apache's `*.location`, `*.password` and `*.type` keys name it.
public struct KeyStoreFile: Sendable, Hashable {
    public var location: String
    public var password: String?
    public var type: String?
    public init(location: String, password: String? = nil, type: String? = nil) {
        self.location = location; self.password = password; self.type = type
    }
}

/// Why a store could not be used, naming the file.
public struct KeyStoreError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads stores into what swift-nio-ssl takes. Servers (client port, quorum) and clients share it.
public enum KeyStores {
    /// The certificate chain and private key of a key store (its first key entry).
    public static func identity(_ store: KeyStoreFile, role: String = "ssl.keyStore") throws -> (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        let bytes = try read(store.location, what: "key store")
        let password = store.password ?? ""
        return try naming("key store \(store.location)") {
            switch KeyStoreType.of(store.type, path: store.location) {
            case .jks:
                let jks = try JavaKeyStore(bytes: bytes, password: password)
                guard let entry = jks.privateKeys.first else { throw KeyStoreError("it holds no private key") }
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
                throw KeyStoreError("its type is unknown (\(role).type: JKS, PKCS12 or PEM)")
            }
        }
    }

    /// A PEM certificate chain and a separate PEM key (zkcli's --cert and --key).
    public static func identity(certificatePEM: String, keyPEM: String) throws -> (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        let chain = try naming("certificate \(certificatePEM)") { try NIOSSLCertificate.fromPEMBytes(try read(certificatePEM, what: "certificate")) }
        let key = try naming("key \(keyPEM)") { try NIOSSLPrivateKey(bytes: try read(keyPEM, what: "key"), format: .pem) }
        return (chain, key)
    }

    /// The certificates a trust store trusts.
    public static func trusted(_ store: KeyStoreFile, role: String = "ssl.trustStore") throws -> [NIOSSLCertificate] {
        let bytes = try read(store.location, what: "trust store")
        return try naming("trust store \(store.location)") {
            switch KeyStoreType.of(store.type, path: store.location) {
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
                throw KeyStoreError("its type is unknown (\(role).type: JKS, PKCS12 or PEM)")
            }
        }
    }

    static func read(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw KeyStoreError("cannot read the \(what) \(path)") }
        return Array(data)
    }

    /// Runs `body`, its failure told as a KeyStoreError that starts with `what`.
    static func naming<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as KeyStoreError {
            throw KeyStoreError("\(what): \(error.description)")
        } catch {
            throw KeyStoreError("\(what): \(error)")
        }
    }
}

/// What a dialler hands TLS as the server's name: a host name is sent (SNI) and checked against the
/// certificate; an address cannot be sent, and is checked against the certificate's IP entries.
public enum TLSServerName {
    public static func forHost(_ host: String) -> String? {
        let isAddress = host.contains(":") || host.split(separator: ".").allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        return isAddress ? nil : host
    }
}
