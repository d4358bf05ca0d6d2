import Testing
import ZKZab

@Suite struct ZxidTests {
    @Test func epochAndCounterSplitTheLong() {
        let z = Zxid(epoch: 0x12, counter: 0xABCD_EF01)
        #expect(z.rawValue == 0x12_ABCD_EF01)
        #expect(z.epoch == 0x12)
        #expect(z.counter == 0xABCD_EF01)
        #expect(Zxid(epoch: 1, counter: 0xffff_ffff) < Zxid(epoch: 2, counter: 0))
    }

    @Test func nextStaysInTheEpochUntilTheCounterRunsOut() {
        #expect(Zxid(epoch: 3, counter: 7).next(inEpoch: 3) == Zxid(epoch: 3, counter: 8))
        #expect(Zxid(epoch: 2, counter: 7).next(inEpoch: 3) == Zxid(epoch: 3, counter: 1))
        #expect(Zxid.zero.next(inEpoch: 1) == Zxid(epoch: 1, counter: 1))
        // ZOOKEEPER-1277: the last counter value forces a new epoch.
        #expect(Zxid(epoch: 3, counter: 0xffff_ffff).next(inEpoch: 3) == nil)
        #expect(Zxid(epoch: 3, counter: 5).next(inEpoch: 3, counterLimit: 5) == nil)
    }

    @Test func contiguityWithinAndAcrossEpochs() {
        #expect(Zxid(epoch: 1, counter: 4).isFollowed(by: Zxid(epoch: 1, counter: 5)))
        #expect(!Zxid(epoch: 1, counter: 4).isFollowed(by: Zxid(epoch: 1, counter: 6)))
        #expect(Zxid(epoch: 1, counter: 4).isFollowed(by: Zxid(epoch: 3, counter: 1)))
        #expect(!Zxid(epoch: 1, counter: 4).isFollowed(by: Zxid(epoch: 3, counter: 2)))
        #expect(!Zxid(epoch: 3, counter: 4).isFollowed(by: Zxid(epoch: 2, counter: 1)))
        #expect(Zxid.zero.isFollowed(by: Zxid(epoch: 1, counter: 1)))
    }
}
