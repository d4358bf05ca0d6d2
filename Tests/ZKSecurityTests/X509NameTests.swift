import Foundation
import Testing
@testable import ZKSecurity

/// Certificate subjects as Java's X500Principal.getName() writes them (the ids of Apache's x509 scheme).
@Suite struct X509NameTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "der", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    @Test func subjectsMatchJavasRFC2253Names() throws {
        #expect(try X509Name.subject(ofCertificateDER: Self.fixture("server")) == "CN=localhost")
        // Java's output for the same file (Fixtures/README.md): reversed order, escapes, an unnamed type as #hex.
        #expect(try X509Name.subject(ofCertificateDER: Self.fixture("rich-subject"))
                == #"UID=u1,DC=example,1.2.840.113549.1.9.1=#16056140622e63,CN=zk client\ ,OU=dev+OU=ops,O=Example\, Inc.,L=Mitte,ST=Berlin,C=DE"#)
    }

    @Test func damagedCertificatesAreRefused() throws {
        let good = try Self.fixture("server")
        for cut in [0, 1, 10, good.count / 2, good.count - 1] {
            #expect(throws: X509Name.ParseError.self) { try X509Name.subject(ofCertificateDER: Array(good.prefix(cut))) }
        }
        var lying = good
        lying[1] = 0x84; lying[2] = 0xFF   // a length past the end
        #expect(throws: X509Name.ParseError.self) { try X509Name.subject(ofCertificateDER: lying) }
    }
}
