import Foundation
import NIOCore
import ZKDataTree
import ZKProtocol
import ZKStorage

/// `zkbench make-snapshot DATADIR --nodes N [--size B]` writes a snapshot of N nodes (/bench/dXXXX/kYYYY,
/// a thousand per parent) in Apache's format, so both servers can be timed loading the same data.
enum MakeSnapshot {
    static func run(dataDir dir: String, nodes: Int, size: Int) throws {
        struct Quiet: WatchSink { mutating func deliver(_ event: WatcherEvent, to watcher: WatcherID) {} }
        var sink = Quiet()
        let tree = DataTree()
        var zxid: Int64 = 0
        func create(_ path: String, _ data: [UInt8]) {
            zxid += 1
            let body = TxnBody.create(CreateTxn(path: path, data: data, acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1))
            _ = tree.apply(Transaction(header: TxnHeader(clientId: 0, cxid: 0, zxid: zxid, time: 1_700_000_000_000, type: body.typeCode), body: body), sink: &sink)
        }
        let data = [UInt8](repeating: 0x62, count: size)
        create("/bench", [])
        for i in 0..<nodes {
            if i % 1000 == 0 { create("/bench/d\(i / 1000)", []) }
            create("/bench/d\(i / 1000)/k\(i % 1000)", data)
        }
        var bytes = ByteBuffer()
        SnapshotFormat.serialize(tree: tree, sessions: [], into: &bytes)
        let versioned = dir + "/version-2"
        try FileSystem.makeDirectory(versioned)
        try FileSystem.writeFileAtomically(versioned + "/" + SnapshotFormat.fileName(zxid: zxid), directory: versioned, bytes)
        print("wrote \(tree.nodeCount) nodes (\(bytes.readableBytes) bytes) to \(versioned)/\(SnapshotFormat.fileName(zxid: zxid))")
    }
}
