import Foundation
import Testing
import NIOCore
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Tests/Golden/peer/apache-3.8.0-peer.txt: "<kind> <label> <hex>" lines written by Apache's own classes
/// (Tests/Golden/peer/java/PeerGolden.java). Kept out of Tests/Golden's top level, whose *.txt files are
/// client sessions.
struct PeerGoldenEntry: Sendable, CustomTestStringConvertible {
    let kind: String
    let label: String
    let bytes: [UInt8]
    var testDescription: String { "\(kind) \(label)" }
}

enum PeerGolden {
    static let file = Golden.directory.appendingPathComponent("peer").appendingPathComponent("apache-3.8.0-peer.txt")

    static let entries: [PeerGoldenEntry] = {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let parts = line.split(separator: " ")
            guard parts.count == 3 else { return nil }
            return PeerGoldenEntry(kind: String(parts[0]), label: String(parts[1]), bytes: hexBytes(String(parts[2])))
        }
    }()

    static func entries(_ kind: String) -> [PeerGoldenEntry] { entries.filter { $0.kind == kind } }

    static func bytes(_ kind: String, _ label: String) -> [UInt8]? {
        entries.first { $0.kind == kind && $0.label == label }?.bytes
    }
}

/// The values PeerGolden.java encodes, built with the Swift API.
enum PeerSamples {
    static let config = "server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181\n"
        + "server.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182\n"
        + "server.3=127.0.0.1:2890:3890:participant;0.0.0.0:2183\nversion=100000000"
    static let sessionId: Int64 = 0x1000001a2b3c4d
    static let learnerInfo = LearnerInfo(serverid: 3, configVersion: 0x100000000)
    static let createHeader = TxnHeader(clientId: sessionId, cxid: 9, zxid: 0x600000001, time: 1_700_000_000_123, type: OpCode.create.rawValue)
    static let createTxn = CreateTxn(path: "/golden", data: Array("hi".utf8), acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 4)
    static let digest = TxnDigest(version: 2, treeDigest: 0x1122334455667788)
    static let txnWithDigest = SerializedTxn(header: createHeader, record: createTxn, digest: digest)
    static let txnWithoutDigest = SerializedTxn(header: createHeader, record: createTxn, digest: nil)
    static let reconfigTxn = SerializedTxn(
        header: TxnHeader(clientId: sessionId, cxid: 10, zxid: 0x600000002, time: 1_700_000_000_456, type: OpCode.reconfig.rawValue),
        record: SetDataTxn(path: "/zookeeper/config", data: Array(config.utf8), version: 1), digest: nil)
    static let leaderPing = QuorumPacket.leaderPing(lastProposed: 0x600000001)
    static let revalidate = QuorumPacket.revalidate(sessionId: sessionId, timeout: 30000)
    static let auth = [Id(scheme: "ip", id: "127.0.0.1"), Id(scheme: "digest", id: "bob:2jmj7l5rSw0yVb/vlWAYkK/YBwk=")]

    static let packets: [String: QuorumPacket] = [
        "followerinfo": .learnerInfo(acceptedEpoch: 5, info: learnerInfo),
        "observerinfo": .learnerInfo(observer: true, acceptedEpoch: 5, info: LearnerInfo(serverid: 7, configVersion: 0)),
        "leaderinfo": .leaderInfo(newEpoch: 6),
        "ackepoch": .ackEpoch(lastLoggedZxid: 0x500000007, currentEpoch: 5),
        "ackepoch-repeat": .ackEpoch(lastLoggedZxid: 0x500000007, currentEpoch: AckEpochData.alreadyAccepted),
        "diff": .diff(zxid: 0x500000007),
        "trunc": .trunc(zxid: 0x500000003),
        "snap": .snap(lastProcessedZxid: 0x500000007),
        "newleader": .newLeader(zxid: 0x600000000, config: config),
        "newleader-old": .newLeader(zxid: 0x600000000, config: nil),
        "ack-newleader": .ack(zxid: 0x600000000),
        "uptodate": .upToDate,
        "proposal": .proposal(txnWithDigest),
        "ack": .ack(zxid: 0x600000001),
        "commit": .commit(zxid: 0x600000001),
        "inform": .inform(txnWithDigest),
        "commitandactivate": .commitAndActivate(zxid: 0x600000002, designatedLeader: 2),
        "informandactivate": .informAndActivate(designatedLeader: 2, txn: reconfigTxn),
        "ping-leader": leaderPing,
        "ping-learner": .pingReply(to: leaderPing, sessions: [
            SessionTouch(sessionId: sessionId, timeout: 30000), SessionTouch(sessionId: 0x2000000000000a, timeout: 4000),
        ]),
        "ping-learner-empty": .pingReply(to: leaderPing, sessions: []),
        "revalidate": revalidate,
        "revalidate-reply": .revalidateReply(to: revalidate, sessionId: sessionId, valid: true),
        "sync": .sync,
        "request-create": .request(LearnerRequest(
            sessionId: sessionId, cxid: 9, type: OpCode.create.rawValue,
            request: CreateRequest(path: "/golden", data: Array("hi".utf8), acl: ACL.openACLUnsafe, flags: 0).encodedBytes()),
            authinfo: auth),
        "request-sync": .request(LearnerRequest(
            sessionId: sessionId, cxid: 11, type: OpCode.sync.rawValue, request: SyncRequest(path: "/golden").encodedBytes()),
            authinfo: []),
        "request-nobody": .request(LearnerRequest(sessionId: sessionId, cxid: 12, type: OpCode.closeSession.rawValue, request: []),
                                   authinfo: nil),
    ]

    static let notifications: [String: ElectionNotification] = [
        "looking": ElectionNotification(state: .looking, leader: 3, zxid: 0x500000007, electionEpoch: 2, peerEpoch: 5, config: config),
        "leading": ElectionNotification(state: .leading, leader: 3, zxid: 0x600000000, electionEpoch: 2, peerEpoch: 6, config: config),
        "following-noconfig": ElectionNotification(state: .following, leader: 1, zxid: -1, electionEpoch: 1, peerEpoch: 0, config: ""),
        // buildMsg's 40-byte form writes version 1 there, which a 3.8 receiver ignores.
        "legacy40": ElectionNotification(state: 0, leader: 2, zxid: 0x400000009, electionEpoch: 7, peerEpoch: 4, version: 0, config: nil),
        "observing": ElectionNotification(state: .observing, leader: 1, zxid: 0x500000001, electionEpoch: 9, peerEpoch: 5, config: config),
    ]

    static let initialMessages: [String: ElectionInitialMessage] = [
        "v1": ElectionInitialMessage(version: .v1, sid: 3, addresses: ["127.0.0.1:3890"]),
        "v2": ElectionInitialMessage(version: .v2, sid: 3, addresses: ["127.0.0.1:3890", "[::1]:3890", "localhost:3891"]),
        "legacy-sid": ElectionInitialMessage(version: .legacy, sid: 5, addresses: []),
    ]
}
