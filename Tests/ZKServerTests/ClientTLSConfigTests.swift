import Testing
import ZKTLS
@testable import ZKServer

/// secureClientPort and the ssl.* keys as zoo.cfg lines and as -Dzookeeper.ssl.* properties, and what is
/// refused with its line.
@Suite struct ClientTLSConfigTests {
    static let base = "dataDir=/tmp/zk\nclientPort=2181\n"

    @Test func theKeysApacheReads() throws {
        let text = Self.base + """
            secureClientPort=2281
            secureClientPortAddress=127.0.0.1
            ssl.keyStore.location=/etc/zk/server.jks
            ssl.keyStore.password=secret
            ssl.trustStore.location=/etc/zk/ca.pem
            ssl.clientAuth=want
            ssl.enabledProtocols=TLSv1.2
            ssl.ciphersuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256
            ssl.hostnameVerification=false
            """
        let tls = try ZooConfig.parse(text: text, path: "zoo.cfg").tls
        #expect(tls.secureClientPort == 2281 && tls.secureClientPortAddress == "127.0.0.1")
        #expect(tls.keyStore == ClientTLSConfig.Store(location: "/etc/zk/server.jks", password: "secret", type: nil))
        #expect(tls.trustStore?.location == "/etc/zk/ca.pem" && tls.trustStore?.password == nil)
        #expect(tls.clientAuth == .want && tls.protocols == ["TLSv1.2"])
        #expect(tls.cipherSuites == ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"])
        #expect(ClientTLSConfig.StoreType.of(nil, path: "/etc/zk/server.jks") == .jks)
        #expect(ClientTLSConfig.StoreType.of("pkcs12", path: "/etc/zk/server.jks") == .pkcs12)
        #expect(ClientTLSConfig.StoreType.of(nil, path: "/etc/zk/store") == nil)
    }

    @Test func systemPropertiesGiveTheSameKeysButTheFileWins() throws {
        let text = Self.base + "secureClientPort=2281\nssl.keyStore.location=/from/file.jks\n"
        let config = try ZooConfig.parse(text: text, path: "zoo.cfg", systemProperties: [
            "zookeeper.ssl.keyStore.location": "/from/property.jks", "zookeeper.ssl.clientAuth": "none",
        ])
        #expect(config.tls.keyStore?.location == "/from/file.jks")
        #expect(config.tls.clientAuth == .none)
        // Apache's defaults: need a client certificate, TLS 1.3 and 1.2.
        let plain = try ZooConfig.parse(text: text, path: "zoo.cfg")
        #expect(plain.tls.clientAuth == .need && plain.tls.protocols == ["TLSv1.3", "TLSv1.2"])
    }

    @Test func problemsAreNamed() {
        let (_, badAuth) = ZooConfig.check(text: Self.base + "ssl.clientAuth=sometimes\n", path: "zoo.cfg")
        #expect(badAuth.map(\.description) == ["zoo.cfg:3: ssl.clientAuth: 'sometimes' is not none, want or need"])
        let (_, noKeys) = ZooConfig.check(text: Self.base + "secureClientPort=2281\n", path: "zoo.cfg")
        #expect(noKeys.contains { $0.message.contains("ssl.keyStore.location is not") })
        let (unified, unification) = ZooConfig.check(text: Self.base + "client.portUnification=true\nssl.keyStore.location=/k.jks\n", path: "zoo.cfg")
        #expect(unification.isEmpty && unified.tls.portUnification)
        let (_, unifiedWithoutKeys) = ZooConfig.check(text: Self.base + "client.portUnification=true\n", path: "zoo.cfg")
        #expect(unifiedWithoutKeys.contains { $0.message.contains("ssl.keyStore.location is not") })
        let (_, oldProtocol) = ZooConfig.check(text: Self.base + "secureClientPort=1\nssl.keyStore.location=/k.jks\nssl.protocol=TLSv1\n", path: "zoo.cfg")
        #expect(oldProtocol.contains { $0.message.contains("TLSv1 is not offered") })
    }

    @Test func quorumKeysAreTheirOwn() throws {
        let text = Self.base + """
            sslQuorum=true
            ssl.quorum.keyStore.location=/q.jks
            ssl.quorum.keyStore.password=qpw
            ssl.quorum.trustStore.location=/qt.jks
            ssl.quorum.hostnameVerification=false
            ssl.keyStore.location=/client.jks

            """
        let config = try ZooConfig.parse(text: text, path: "zoo.cfg")
        #expect(config.sslQuorum && config.quorumTLS.keyStore == KeyStoreFile(location: "/q.jks", password: "qpw"))
        #expect(config.quorumTLS.trustStore?.location == "/qt.jks" && !config.quorumTLS.hostnameVerification)
        #expect(config.tls.keyStore?.location == "/client.jks" && config.tls.hostnameVerification)
        let (_, missing) = ZooConfig.check(text: Self.base + "sslQuorum=true\n", path: "zoo.cfg")
        #expect(missing.map(\.key) == ["sslQuorum", "sslQuorum"])
    }
}
