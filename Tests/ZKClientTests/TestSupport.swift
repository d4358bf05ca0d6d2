import NIOCore
@testable import ZKClient
import ZKProtocol

typealias Machine = ClientConnectionStateMachine

/// Virtual time in milliseconds.
func at(_ ms: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(ms) * 1_000_000) }

let host1 = HostPort(host: "zk1", port: 2181)
let host2 = HostPort(host: "zk2", port: 2182)
let host3 = HostPort(host: "zk3", port: 2183)

func makeMachine(hosts: [HostPort] = [host1], chroot: String? = nil, timeoutMs: Int32 = 9_000,
                 readOnly: Bool = false, nextXid: Int32 = 1) -> Machine {
    Machine(configuration: .init(hosts: hosts, chroot: chroot, sessionTimeoutMs: timeoutMs, readOnly: readOnly,
                                 connectTimeout: .seconds(5), closeTimeout: .seconds(2)),
            nextXid: nextXid)
}

/// A frame body (no length prefix) made of a reply header and an optional record.
func replyFrame(xid: Int32, zxid: Int64 = 0, err: ErrorCode = .ok, _ record: (any JuteRecordEncodable)? = nil) -> ByteBuffer {
    var buffer = ByteBuffer()
    ReplyHeader(xid: xid, zxid: zxid, err: err).encode(into: &buffer)
    record?.encodeRecord(into: &buffer)
    return buffer
}

func handshakeFrame(timeOut: Int32 = 9_000, sessionId: Int64 = 0x1234, readOnly: Bool? = false,
                    passwd: [UInt8] = Array(1...16)) -> ByteBuffer {
    var buffer = ByteBuffer()
    ConnectResponse(timeOut: timeOut, sessionId: sessionId, passwd: passwd, readOnly: readOnly).encode(into: &buffer)
    return buffer
}

/// Lets tests pass records without importing ZKJute's protocol by name.
protocol JuteRecordEncodable { func encodeRecord(into buffer: inout ByteBuffer) }
extension Stat: JuteRecordEncodable { func encodeRecord(into b: inout ByteBuffer) { encode(into: &b) } }
extension WatcherEvent: JuteRecordEncodable { func encodeRecord(into b: inout ByteBuffer) { encode(into: &b) } }
extension GetDataResponse: JuteRecordEncodable { func encodeRecord(into b: inout ByteBuffer) { encode(into: &b) } }
extension PathRecord: JuteRecordEncodable { func encodeRecord(into b: inout ByteBuffer) { encode(into: &b) } }
extension StringsRecord: JuteRecordEncodable { func encodeRecord(into b: inout ByteBuffer) { encode(into: &b) } }
extension MultiResponse: JuteRecordEncodable { func encodeRecord(into b: inout ByteBuffer) { encode(into: &b) } }
extension Create2Response: JuteRecordEncodable { func encodeRecord(into b: inout ByteBuffer) { encode(into: &b) } }

extension Machine {
    /// start -> channelActive -> handshake answered, at time `now`.
    mutating func establish(now: NIODeadline = at(0), response: ByteBuffer = handshakeFrame()) -> Action {
        _ = start(now: now)
        _ = channelActive(now: now)
        return frameReceived(response, now: now)
    }
}

func getData(_ path: String, watch: Bool = false) -> (OpCode, ClientRequest.Body) {
    (.getData, .getData(GetDataRequest(path: path, watch: watch)))
}

/// The reply the machine hands back, for comparing with `.complete`.
func reply(xid: Int32, zxid: Int64 = 0, err: ErrorCode = .ok, _ record: (any JuteRecordEncodable)? = nil) -> ClientReply {
    var frame = replyFrame(xid: xid, zxid: zxid, err: err, record)
    let header = try! ReplyHeader(from: &frame)
    return ClientReply(header: header, body: frame)
}
