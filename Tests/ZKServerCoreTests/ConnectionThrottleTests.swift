import Testing
import ZKProtocol
import ZKServerCore

/// Apache's BlueThrottle: a token per session request, refilled over time, with random early drop.
@Suite struct ConnectionThrottleTests {
    @Test func offByDefault() {
        var t = ConnectionThrottle(.init(), now: 0)
        var admitted = 0
        for _ in 0..<10_000 where t.admit(now: 0, random: 0) { admitted += 1 }
        #expect(admitted == 10_000)
    }

    @Test func theBucketEmptiesAndRefills() {
        var s = ConnectionThrottle.Settings()
        s.maxTokens = 3; s.fillTime = 1000; s.fillCount = 2
        var t = ConnectionThrottle(s, now: 0)
        var answers: [Bool] = []
        for _ in 0..<5 { answers.append(t.admit(now: 10, random: 0.5)) }
        #expect(answers == [true, true, true, false, false])
        #expect(t.deficit == 3)
        // 1.5 fill periods later, 3 tokens are back (2 per period, the bucket holds 3); one is taken.
        let again = t.admit(now: 1510, random: 0.5)
        #expect(again && t.tokens == 2)
    }

    @Test func blueDropsRandomlyWhileTheBucketStaysEmpty() {
        var s = ConnectionThrottle.Settings()
        s.maxTokens = 1; s.fillTime = 1_000_000; s.freezeTime = 10; s.dropIncrease = 0.5
        var t = ConnectionThrottle(s, now: 0)
        let first = t.admit(now: 1, random: 0.9)
        #expect(first)
        // The bucket stayed empty for a freeze period: the drop probability rises, and a draw under it drops.
        let second = t.admit(now: 20, random: 0.1)
        #expect(!second && t.drop == 0.5)
    }

    @Test func aThrottledSessionRequestIsClosedAndCounted() {
        var settings = ServerSettings()
        settings.connectionThrottle.maxTokens = 2
        settings.connectionThrottle.fillTime = 1_000_000
        let h = CoreHarness(settings: settings)
        #expect(h.connect(1) != nil && h.connect(2) != nil)
        #expect(h.connect(3) == nil)
        #expect(h.core.connections[3]?.closing == true)
        #expect(h.core.metrics.registry.counter("connection_rejected").current == 1)
    }
}
