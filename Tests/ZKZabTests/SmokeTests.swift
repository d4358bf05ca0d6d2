import Testing
import ZKZab

@Suite struct SmokeTests {
    @Test func builds() { #expect(PeerID(1) == 1) }
}
