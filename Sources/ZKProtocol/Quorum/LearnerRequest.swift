import NIOCore
import ZKJute

/// REQUEST data (Learner.request, packet zxid -1): a client request a learner forwards to the leader:
/// long sessionId, int cxid, int type (the OpCode), then the client's request record bytes exactly as
/// received (everything after the RequestHeader), with no length prefix; absent for requests without a
/// body (closeSession, createSession...). The packet's authinfo carries the session's auth Ids.
/// A forwarded `sync` (OpCode 9) is answered by a SYNC packet once the leader has reached it.
public struct LearnerRequest: JuteRecord, Hashable {
    public var sessionId: Int64
    public var cxid: Int32
    public var type: Int32
    public var request: [UInt8]

    public init(sessionId: Int64, cxid: Int32, type: Int32, request: [UInt8]) {
        self.sessionId = sessionId; self.cxid = cxid; self.type = type; self.request = request
    }

    public func encode(into b: inout ByteBuffer) {
        b.writeJuteLong(sessionId); b.writeJuteInt(cxid); b.writeJuteInt(type); b.writeBytes(request)
    }

    /// Consumes the rest of the buffer.
    public init(from b: inout ByteBuffer) throws(JuteError) {
        sessionId = try b.readJuteLong("REQUEST.sessionId")
        cxid = try b.readJuteInt("REQUEST.cxid")
        type = try b.readJuteInt("REQUEST.type")
        request = b.readBytes(length: b.readableBytes) ?? []
    }
}
