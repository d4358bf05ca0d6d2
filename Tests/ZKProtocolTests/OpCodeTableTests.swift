import Testing
import ZKProtocol

/// OpCode raw values against ZooDefs.OpCode (reference facts §1).
@Suite struct OpCodeTableTests {
    static let apache: [(OpCode, Int32)] = [
        (.notification, 0), (.create, 1), (.delete, 2), (.exists, 3), (.getData, 4), (.setData, 5), (.getACL, 6),
        (.setACL, 7), (.getChildren, 8), (.sync, 9), (.ping, 11), (.getChildren2, 12), (.check, 13), (.multi, 14),
        (.create2, 15), (.reconfig, 16), (.checkWatches, 17), (.removeWatches, 18), (.createContainer, 19),
        (.deleteContainer, 20), (.createTTL, 21), (.multiRead, 22), (.auth, 100), (.setWatches, 101), (.sasl, 102),
        (.getEphemerals, 103), (.getAllChildrenNumber, 104), (.setWatches2, 105), (.addWatch, 106), (.whoAmI, 107),
        (.createSession, -10), (.closeSession, -11), (.error, -1),
    ]

    @Test func everyRawValueMatchesApache() {
        for (op, value) in Self.apache {
            #expect(op.rawValue == value, "\(op)")
            #expect(OpCode(rawValue: value) == op)
        }
        #expect(OpCode.allCases.count == Self.apache.count)
        #expect(Set(OpCode.allCases.map(\.rawValue)) == Set(Self.apache.map(\.1)))
    }

    @Test func unassignedValuesAreNotOpcodes() {
        for value: Int32 in [10, 23, 99, 108, -2, -12, Int32.max] { #expect(OpCode(rawValue: value) == nil, "\(value)") }
    }

    @Test func specialXids() {
        #expect(SpecialXid.notification == -1)
        #expect(SpecialXid.ping == -2)
        #expect(SpecialXid.auth == -4)
        #expect(SpecialXid.setWatches == -8)
    }

    /// The `lop=` mnemonics that FinalRequestProcessor can report (reference facts §1).
    @Test func mnemonicsAreApaches() {
        let apache: Set<String> = ["PING", "SESS", "MULT", "MLTR", "CREA", "DELE", "SETD", "RECO", "SETA", "CLOS", "SYNC",
                                   "CHEC", "EXIS", "GETD", "SETW", "STW2", "ADDW", "GETA", "GETC", "GETACN", "CHKW",
                                   "REMW", "HOMI", "GETE"]
        // auth and sasl are answered before FinalRequestProcessor, so Apache never shows them as lop.
        let served = OpCode.allCases.filter { ![.notification, .error, .auth, .sasl].contains($0) }
        for op in served { #expect(apache.contains(op.mnemonic), "\(op) -> \(op.mnemonic)") }
        #expect(OpCode.ping.mnemonic == "PING")
        #expect(OpCode.createSession.mnemonic == "SESS")
        #expect(OpCode.getAllChildrenNumber.mnemonic == "GETACN")
        #expect(OpCode.whoAmI.mnemonic == "HOMI")
        #expect(OpCode.setWatches2.mnemonic == "STW2")
    }

    @Test func writesAreTheTreeChangingOps() {
        let writes = Set(OpCode.allCases.filter(\.isWrite))
        #expect(writes.isSuperset(of: [.create, .create2, .createContainer, .createTTL, .delete, .setData, .setACL, .multi]))
        #expect(writes.isDisjoint(with: [.exists, .getData, .getChildren, .getChildren2, .getACL, .ping, .multiRead,
                                         .getEphemerals, .getAllChildrenNumber, .whoAmI, .auth, .setWatches]))
    }
}
