import Foundation
import Testing
@testable import ZKSecurity

/// Keystores written by the JDK's keytool (Fixtures/README.md): the key JKS protects comes out as the
/// PKCS#8 bytes openssl gives for the same key, and a wrong password or a damaged store is refused.
@Suite struct JavaKeyStoreTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    @Test func aKeytoolKeyStoreGivesItsKeyAndCertificate() throws {
        let store = try JavaKeyStore(bytes: Self.fixture("server.jks"), password: "apassword")
        #expect(store.trustedCertificates.isEmpty)
        let entry = try #require(store.privateKeys.first)
        #expect(entry.alias == "server")
        #expect(entry.privateKeyDER == (try Self.fixture("server-key.der")))
        #expect(entry.certificateChainDER == [try Self.fixture("server.der")])
    }

    @Test func aTrustStoreGivesItsCertificates() throws {
        let store = try JavaKeyStore(bytes: Self.fixture("trust.jks"), password: "apassword")
        #expect(store.privateKeys.isEmpty)
        #expect(store.trustedCertificates.map(\.alias) == ["ca"])
        #expect(store.trustedCertificates.first?.certificateDER == (try Self.fixture("server.der")))
        // Without a password, as Java loads a trust store: no integrity check.
        #expect(try JavaKeyStore(bytes: Self.fixture("trust.jks"), password: nil).trustedCertificates.count == 1)
    }

    @Test func wrongPasswordsAndDamageAreRefused() throws {
        let bytes = try Self.fixture("server.jks")
        #expect(throws: JavaKeyStore.ReadError.integrityCheckFailed) { try JavaKeyStore(bytes: bytes, password: "wrong") }
        var damaged = bytes
        damaged[100] ^= 0xff
        #expect(throws: JavaKeyStore.ReadError.self) { try JavaKeyStore(bytes: damaged, password: "apassword") }
        #expect(throws: JavaKeyStore.ReadError.truncated) { try JavaKeyStore(bytes: Array(bytes.prefix(60)), password: "apassword") }
        #expect(throws: JavaKeyStore.ReadError.notAKeyStore) { try JavaKeyStore(bytes: [1, 2, 3, 4, 5, 6, 7, 8], password: "x") }
        // Locked keys: the certificates without the key.
        let locked = try JavaKeyStore(bytes: bytes, password: nil)
        #expect(locked.privateKeys.first?.privateKeyDER.isEmpty == true && locked.privateKeys.first?.certificateChainDER.count == 1)
    }
}
