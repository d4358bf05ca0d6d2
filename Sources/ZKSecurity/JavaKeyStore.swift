import Crypto

/// A Java KeyStore (JKS, or JCEKS without secret keys) read from its bytes: Apache's default keystore
/// format, and what kazoo's harness writes. Private keys come out as PKCS#8 DER, certificates as DER.
public struct JavaKeyStore: Sendable {
    public struct PrivateKeyEntry: Sendable, Hashable {
        public var alias: String
        /// Empty when the store was read without unlocking its keys.
        public var privateKeyDER: [UInt8]
        /// The key's certificate first, then its issuers.
        public var certificateChainDER: [[UInt8]]
    }

    public struct TrustedCertificateEntry: Sendable, Hashable {
        public var alias: String
        public var certificateDER: [UInt8]
    }

    public enum ReadError: Error, Equatable, CustomStringConvertible {
        case notAKeyStore
        case unsupportedVersion(Int32)
        case truncated
        case integrityCheckFailed
        case unsupportedEntry(Int32)
        case unsupportedKeyProtection
        case wrongKeyPassword(alias: String)

        public var description: String {
            switch self {
            case .notAKeyStore: return "not a JKS or JCEKS keystore"
            case .unsupportedVersion(let v): return "keystore version \(v) is not 1 or 2"
            case .truncated: return "the keystore is cut short"
            case .integrityCheckFailed: return "keystore password incorrect, or the keystore is corrupt (its integrity check fails)"
            case .unsupportedEntry(let tag): return "keystore entry of kind \(tag) (a secret key?) is not supported"
            case .unsupportedKeyProtection: return "a private key is protected with an algorithm other than JKS's"
            case .wrongKeyPassword(let alias): return "the password does not unlock the private key \(alias)"
            }
        }
    }

    public var privateKeys: [PrivateKeyEntry] = []
    public var trustedCertificates: [TrustedCertificateEntry] = []

    /// - Parameters:
    ///   - password: the store's password, also used for its keys (as Apache's X509Util does). nil reads
    ///     the store as Java does without one: no integrity check, and keys left locked.
    ///   - keysToo: whether to unlock the private keys (a trust store only needs the certificates).
    public init(bytes: [UInt8], password: String?, keysToo: Bool = true) throws(ReadError) {
        var reader = Reader(bytes: bytes)
        let magic = try reader.uint32()
        guard magic == 0xFEED_FEED || magic == 0xCECE_CECE else { throw .notAKeyStore }
        let version = try reader.int32()
        guard version == 1 || version == 2 else { throw .unsupportedVersion(version) }
        let count = try reader.int32()
        guard count >= 0 else { throw .truncated }
        var lockedKeys: [[UInt8]] = []
        let passwordBytes = Self.utf16BigEndian(password ?? "")
        let unlock = keysToo && password != nil
        for _ in 0..<count {
            let tag = try reader.int32()
            let alias = try reader.javaUTF()
            _ = try reader.bytes(8)  // creation time
            switch tag {
            case 1:
                let protected = try reader.sized()
                var chain: [[UInt8]] = []
                let certificates = try reader.int32()
                guard certificates >= 0 else { throw .truncated }
                for _ in 0..<certificates {
                    if version == 2 { _ = try reader.javaUTF() }  // "X.509"
                    chain.append(try reader.sized())
                }
                privateKeys.append(PrivateKeyEntry(alias: alias, privateKeyDER: [], certificateChainDER: chain))
                lockedKeys.append(protected)
            case 2:
                if version == 2 { _ = try reader.javaUTF() }
                trustedCertificates.append(TrustedCertificateEntry(alias: alias, certificateDER: try reader.sized()))
            default:
                throw .unsupportedEntry(tag)
            }
        }
        let signed = bytes[..<reader.offset]
        let digest = try reader.bytes(20)
        guard password != nil else { return }
        var sha = Insecure.SHA1()
        sha.update(data: passwordBytes)
        sha.update(data: Array("Mighty Aphrodite".utf8))
        sha.update(data: signed)
        // As Java: the store's integrity first, so a wrong password reads as that rather than as a key.
        guard Array(sha.finalize()) == digest else { throw .integrityCheckFailed }
        guard unlock else { return }
        for index in privateKeys.indices {
            privateKeys[index].privateKeyDER = try Self.recoverKey(lockedKeys[index], passwordBytes: passwordBytes,
                                                                   alias: privateKeys[index].alias)
        }
    }

    /// Java's chars, two bytes each, as the store's digests take them.
    static func utf16BigEndian(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    /// Sun's JKS key protector: EncryptedPrivateKeyInfo whose data is salt(20) + key XOR a SHA-1 stream
    /// + SHA-1(password + key).
    static func recoverKey(_ encryptedInfo: [UInt8], passwordBytes: [UInt8], alias: String) throws(ReadError) -> [UInt8] {
        var der = DERReader(bytes: encryptedInfo)
        guard let info = der.element(tag: 0x30) else { throw .unsupportedKeyProtection }
        var inner = DERReader(bytes: info)
        guard let algorithm = inner.element(tag: 0x30), let data = inner.element(tag: 0x04) else { throw .unsupportedKeyProtection }
        var algorithmReader = DERReader(bytes: algorithm)
        // 1.3.6.1.4.1.42.2.17.1.1
        guard algorithmReader.element(tag: 0x06) == [0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x11, 0x01, 0x01] else {
            throw .unsupportedKeyProtection
        }
        guard data.count > 40 else { throw .unsupportedKeyProtection }
        let salt = Array(data[0..<20])
        let encrypted = Array(data[20..<(data.count - 20)])
        let check = Array(data[(data.count - 20)...])
        var stream: [UInt8] = []
        stream.reserveCapacity(encrypted.count + 20)
        var block = salt
        while stream.count < encrypted.count {
            var sha = Insecure.SHA1()
            sha.update(data: passwordBytes)
            sha.update(data: block)
            block = Array(sha.finalize())
            stream += block
        }
        let key = zip(encrypted, stream).map { $0 ^ $1 }
        var sha = Insecure.SHA1()
        sha.update(data: passwordBytes)
        sha.update(data: key)
        guard Array(sha.finalize()) == check else { throw .wrongKeyPassword(alias: alias) }
        return key
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func bytes(_ n: Int) throws(ReadError) -> [UInt8] {
            guard n >= 0, n <= bytes.count - offset else { throw .truncated }
            defer { offset += n }
            return Array(bytes[offset..<(offset + n)])
        }

        mutating func uint32() throws(ReadError) -> UInt32 {
            try bytes(4).reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func int32() throws(ReadError) -> Int32 { Int32(bitPattern: try uint32()) }

        mutating func sized() throws(ReadError) -> [UInt8] {
            let n = try int32()
            guard n >= 0 else { throw .truncated }
            return try bytes(Int(n))
        }

        /// DataOutputStream.writeUTF: a 16-bit length, then modified UTF-8 (the same for ordinary text).
        mutating func javaUTF() throws(ReadError) -> String {
            let length = try bytes(2)
            return String(decoding: try bytes(Int(length[0]) << 8 | Int(length[1])), as: UTF8.self)
        }
    }

    /// Just enough DER for EncryptedPrivateKeyInfo: definite lengths, one element at a time.
    struct DERReader {
        let bytes: [UInt8]
        var offset = 0

        mutating func element(tag: UInt8) -> [UInt8]? {
            guard offset + 2 <= bytes.count, bytes[offset] == tag else { return nil }
            var length = Int(bytes[offset + 1])
            var start = offset + 2
            if length & 0x80 != 0 {
                let octets = length & 0x7f
                guard octets > 0, octets <= 4, start + octets <= bytes.count else { return nil }
                length = bytes[start..<(start + octets)].reduce(0) { $0 << 8 | Int($1) }
                start += octets
            }
            guard length >= 0, start + length <= bytes.count else { return nil }
            offset = start + length
            return Array(bytes[start..<offset])
        }
    }
}
