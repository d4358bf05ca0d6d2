import Testing
import ZKProtocol

@Suite struct TrimmingTests {
    @Test func blanksGoFromBothEnds() {
        #expect(" \t dataDir = /x \r\n".trimmingBlanks() == "dataDir = /x")
        #expect("   ".trimmingBlanks() == "")
        #expect("".trimmingBlanks() == "")
        #expect("a".trimmingBlanks() == "a")
        #expect(Substring(" /p/e ").trimmingBlanks() == "/p/e")
    }
}
