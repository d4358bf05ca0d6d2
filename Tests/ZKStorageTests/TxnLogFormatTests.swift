import NIOCore
import Testing
import ZKDataTree
import ZKProtocol
@testable import ZKStorage

@Suite struct TxnLogFormatTests {
    let txns = [
        StorageFixtures.create("/a", "one", zxid: 1),
        StorageFixtures.txn(.setData(SetDataTxn(path: "/a", data: [1, 2, 3], version: 1)), zxid: 2),
        StorageFixtures.txn(.multi([.create(CreateTxn(path: "/b", data: nil, acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 3)), .delete(DeleteTxn(path: "/a"))]), zxid: 3),
        StorageFixtures.txn(.closeSession(ephemerals: ["/e"]), zxid: 4),
    ]

    @Test func adler32KnownValue() {
        #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Adler32.checksum([UInt8]()) == 1)
        let big = [UInt8](repeating: 0xff, count: 100_000)
        var split = Adler32()
        split.update(big[0..<33_333])
        split.update(big[33_333...])
        #expect(split.value == Adler32.checksum(big))
    }

    @Test func roundTrip() throws {
        let result = try TxnLogFormat.read(file: StorageFixtures.logFile(txns))
        #expect(result.transactions == txns)
        #expect(result.outcome == .end)
    }

    @Test func zeroPaddingEndsTheLog() throws {
        var file = StorageFixtures.logFile(txns)
        file.writeRepeatingByte(0, count: 4096)
        let result = try TxnLogFormat.read(file: file)
        #expect(result.transactions == txns)
        #expect(result.outcome == .end)
    }

    @Test func everyCutOfTheLastEntryIsATornTail() throws {
        let whole = StorageFixtures.logFile(txns)
        let withoutLast = StorageFixtures.logFile(Array(txns.dropLast())).readableBytes
        for cut in withoutLast + 1..<whole.readableBytes {
            let result = try TxnLogFormat.read(file: whole.getSlice(at: 0, length: cut)!)
            #expect(result.transactions == Array(txns.dropLast()), "cut at \(cut)")
            #expect(result.validLength == withoutLast)
            guard case .torn = result.outcome else { Issue.record("cut at \(cut): \(result.outcome)"); continue }
        }
    }

    @Test func damageBeforeValidEntriesIsCorruption() throws {
        var file = StorageFixtures.logFile(txns)
        let firstEntryBody = TxnLogFormat.headerSize + 12 + 5
        file.setInteger(file.getInteger(at: firstEntryBody, as: UInt8.self)! ^ 0x40, at: firstEntryBody)
        let result = try TxnLogFormat.read(file: file)
        #expect(result.transactions.isEmpty)
        #expect(result.outcome == .corrupt(offset: TxnLogFormat.headerSize, reason: "checksum mismatch"))
    }

    @Test func badHeaderIsRefused() {
        var file = StorageFixtures.logFile(txns)
        file.setInteger(Int32(0x1234), at: 0)
        #expect(throws: (any Error).self) { try TxnLogFormat.read(file: file) }
    }

    @Test func readsApacheLogs() throws {
        for name in ["log.1", "log.8", "log.e", "log.15"] {
            let result = try TxnLogFormat.read(file: try FileSystem.readFile(StorageFixtures.apacheFixture + "/" + name))
            #expect(!result.transactions.isEmpty, "\(name)")
            #expect(result.outcome == .end, "\(name)")
            #expect(result.transactions.first?.zxid == TxnLogFormat.zxid(fromFileName: name, prefix: "log"))
        }
    }

    @Test func anEntryFramedFromItsSerializedBytesIsTheSameAsFromTheTransaction() throws {
        let txn = StorageFixtures.create("/one-encoding", "data", zxid: 7)
        var serialized = ByteBuffer()
        txn.header.encode(into: &serialized)
        txn.body.encode(into: &serialized)
        var fromTxn = ByteBuffer(), fromBytes = ByteBuffer()
        TxnLogFormat.writeEntry(txn, into: &fromTxn)
        TxnLogFormat.writeEntry(serialized: serialized, into: &fromBytes)
        #expect(fromTxn == fromBytes)
    }
}
