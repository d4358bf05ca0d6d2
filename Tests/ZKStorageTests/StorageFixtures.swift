import Foundation
import NIOCore
import ZKDataTree
import ZKProtocol
@testable import ZKStorage
import ZKTestSupport

enum StorageFixtures {
    static func txn(_ body: TxnBody, zxid: Int64, session: Int64 = 0x42) -> Transaction {
        Transaction(header: TxnHeader(clientId: session, cxid: Int32(zxid), zxid: zxid, time: 1_700_000_000_000 + zxid, type: body.typeCode), body: body)
    }

    static func create(_ path: String, _ data: String = "", zxid: Int64, ephemeral: Bool = false) -> Transaction {
        txn(.create(CreateTxn(path: path, data: Array(data.utf8), acl: ACL.openACLUnsafe, ephemeral: ephemeral, parentCVersion: -1)), zxid: zxid)
    }

    /// A log file's bytes holding `txns`.
    static func logFile(_ txns: [Transaction]) -> ByteBuffer {
        var b = ByteBuffer()
        TxnLogFormat.writeHeader(into: &b)
        for t in txns { TxnLogFormat.writeEntry(t, into: &b) }
        return b
    }

    static func temporaryDirectory() -> String { TemporaryDirectory.make("zkstorage") }

    static func write(_ bytes: ByteBuffer, to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes.readableBytesView))
    }

    static var apacheFixture: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/apache-3.8.0/version-2").path
    }
}
