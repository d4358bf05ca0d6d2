import Testing
@testable import ZKServer

/// zoo.cfg and its -D properties from hostile or broken files: mutations of a full config never crash the
/// parser, and every problem it finds names a line or a key. (The other decoders run under libFuzzer,
/// scripts/fuzz.sh; this parser lives with the server's NIO stack, so it is mutated here instead.)
@Suite struct ZooConfigFuzzTests {
    static let sample = """
        tickTime=2000
        initLimit=10
        syncLimit=5
        dataDir=/tmp/zk
        clientPort=2181
        secureClientPort=2281
        ssl.keyStore.location=/k.jks
        ssl.keyStore.password=pw
        ssl.trustStore.location=/t.jks
        ssl.clientAuth=want
        sslQuorum=true
        ssl.quorum.keyStore.location=/q.jks
        ssl.quorum.trustStore.location=/qt.jks
        quorum.auth.enableSasl=true
        authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider
        connection_throttle_tokens=10
        4lw.commands.whitelist=*
        server.1=127.0.0.1:2888:3888;2181
        server.2=127.0.0.1:2889:3889:observer;127.0.0.1:2182
        """

    /// A small deterministic generator (SplitMix64): the same mutations on every run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func mutatedConfigsNeverCrashTheParser() {
        var random = SplitMix(state: 12)
        let alphabet = Array("=:;#!\n\t .0123456789-/abcxyz\u{0}\u{FF}\u{1F600}")
        let base = Array(Self.sample)
        for _ in 0..<4_000 {
            var text = base
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                guard !text.isEmpty else { break }
                let at = Int.random(in: 0..<text.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: text.remove(at: at)
                case 1: text.insert(alphabet.randomElement(using: &random)!, at: at)
                case 2: text[at] = alphabet.randomElement(using: &random)!
                default: text.insert(contentsOf: text[at..<min(text.count, at + 20)], at: at)
                }
            }
            let properties = ["zookeeper.connection_throttle_fill_time": String(text.prefix(5)),
                              "zookeeper.ssl.clientAuth": String(text.suffix(4))]
            let (_, problems) = ZooConfig.check(text: String(text), path: "zoo.cfg", systemProperties: properties)
            for problem in problems { #expect(!problem.key.isEmpty || problem.line > 0, "\(problem)") }
        }
    }
}
